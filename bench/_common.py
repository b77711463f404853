"""Shared bits of the benchmarks: the machine's load line and settings for a running lab."""

from __future__ import annotations

import os
import platform
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from streamlab.config import load_settings  # noqa: E402
from streamlab.errors import LabError  # noqa: E402
from streamlab.waiting import wait_for  # noqa: E402
from streamlab.fanout.verify import percentile  # noqa: E402,F401  (re-exported for the benchmarks)


def machine_line() -> str:
    load1, load5, _ = os.getloadavg()
    return f"machine: {platform.machine()} {os.cpu_count()} cores, load {load1:.2f}/{load5:.2f} (1/5 min), Python {platform.python_version()}"




settings = load_settings()


def sink_latency(sink: str, default_count: int) -> None:
    """Produce a steady stream through the connect fan-out; print produce->visible p50/p99 for one sink.

    The run uses a fresh topic, so the S3 folders it watches hold only its own objects (listing a
    folder with thousands of older objects would slow the watcher, not the sink), then points the
    connectors back at WEB_LOGS_TOPIC.
    """
    import argparse

    from streamlab.clients.topics import create
    from streamlab.fanout.pipelines import switch
    from streamlab.fanout.verify import run
    from streamlab.lab import Lab

    parser = argparse.ArgumentParser(description=f"produce -> visible in {sink}, p50/p99, at a steady rate")
    parser.add_argument("--rate", type=float, default=1000.0, help="events per second (default: %(default)s)")
    parser.add_argument("--count", type=int, default=default_count)
    args = parser.parse_args()
    original = os.environ.get("WEB_LOGS_TOPIC")
    # Named after the lab's topic, so its index gets the lab's web_logs* template (refresh, mapping).
    os.environ["WEB_LOGS_TOPIC"] = topic = f"{settings.WEB_LOGS_TOPIC}_bench_{int(time.time())}"
    try:
        lab = Lab()
        admin = lab.admin()
        create(admin, topic, partitions=3)
        admin.close()
        switch(lab, "connect")
        # Switching restarts the sink tasks on the new topic: a short warm-up run waits until both
        # consume, so the measured run times the sinks, not their start (which took ~10 s of a 20 s run).
        sinks = ("s3",) if sink.startswith("s3") else ("opensearch",)  # one watcher: the other would load the machine
        # Warm-up at the measured rate: right after `make up` the JVMs still compile the sinks' paths,
        # and 50 events at 50/s left the first measured run at p50 3 s where the next ones gave 0.7 s.
        run(lab, min(args.count, 5_000), args.rate, sinks=sinks)
        print(machine_line())
        _, reports = run(lab, args.count, args.rate, sinks=sinks)
    finally:
        os.environ.pop("WEB_LOGS_TOPIC")
        if original is not None:
            os.environ["WEB_LOGS_TOPIC"] = original
        switch(Lab(), "connect")
    for report in reports:
        if report["sink"].startswith(sink):
            print(f"{report['sink']}: {args.count:,} events at {args.rate:,.0f}/s -> received {report['received']:,}, "
                  f"missing {report['missing']}, duplicated {report['duplicated']}, "
                  f"p50 {report['p50']:.2f}s, p99 {report['p99']:.2f}s")

# --- servers the benchmarks start (the gateway, its no-op reference, the console) ----------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(command: list[str], port: int, health: str, log: Path) -> subprocess.Popen:
    """A server subprocess on loopback, its output in `log` (a pipe would fill and stall it); waits until `health` answers 200."""
    with log.open("w") as sink:
        server = subprocess.Popen(command, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT, text=True)
    ready = lambda: requests.get(f"http://127.0.0.1:{port}{health}", timeout=2).status_code == 200  # noqa: E731
    exited = lambda: "exited" if server.poll() is not None else None  # noqa: E731
    try:
        up = wait_for(ready, 30, f"waiting for {command[-3:]}", abort=exited)
    except RuntimeError:
        raise LabError(f"the server exited: {log.read_text().strip().splitlines()[-1:]}") from None
    if not up:
        server.kill()
        raise LabError(f"nothing answered on port {port} within 30s")
    return server


def stop_server(server: subprocess.Popen) -> None:
    """Stop it as Ctrl+C does (the gateway flushes its producer), or kill it after 20 s."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        server.kill()

"""Shared bits of the benchmarks: the machine's load line and settings for a running lab."""

from __future__ import annotations

import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
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
    from streamlab.lab import Lab

    parser = argparse.ArgumentParser(description=f"produce -> visible in {sink}, p50/p99, at a steady rate")
    parser.add_argument("--rate", type=float, default=1000.0, help="events per second (default: %(default)s)")
    parser.add_argument("--count", type=int, default=default_count)
    args = parser.parse_args()
    measure = s3_stored if sink.startswith("s3") else opensearch_seen
    original = os.environ.get("WEB_LOGS_TOPIC")
    # Named after the lab's topic, so its index gets the lab's web_logs* template (refresh, mapping).
    os.environ["WEB_LOGS_TOPIC"] = topic = f"{settings.WEB_LOGS_TOPIC}_bench_{int(time.time())}"
    try:
        lab = Lab()
        admin = lab.admin()
        create(admin, topic, partitions=3)
        admin.close()
        switch(lab, "connect")
        # Switching restarts the sink tasks on the new topic: a warm-up run at the measured rate
        # waits until they consume, and lets the JVMs compile the sinks' paths (right after `make up`,
        # 50 events at 50/s left the first measured run at p50 3 s where the next ones gave 0.7 s).
        measure(lab, min(args.count, 5_000), args.rate)
        print(machine_line())
        report = measure(lab, args.count, args.rate)
    finally:
        os.environ.pop("WEB_LOGS_TOPIC")
        if original is not None:
            os.environ["WEB_LOGS_TOPIC"] = original
        switch(Lab(), "connect")
    print(f"{report['sink']}: {args.count:,} events at {args.rate:,.0f}/s -> received {report['received']:,}, "
          f"missing {report['missing']}, duplicated {report['duplicated']}, "
          f"p50 {report['p50']:.2f}s, p99 {report['p99']:.2f}s")


def opensearch_seen(lab, count: int, rate: float) -> dict:
    """Produce -> found by a search that looks every 0.1 s while the events are sent."""
    from streamlab.fanout.verify import run

    _, reports = run(lab, count, rate, sinks=("opensearch",))
    return reports[0]


def s3_stored(lab, count: int, rate: float) -> dict:
    """Produce -> stored in S3, from the time s3proxy wrote each object (its file under S3_DATA_DIR).

    A reader polling S3 while the events are sent times itself as much as the sink: at 100 objects/s
    it lists folders s3proxy walks whole and reads every object, and took a core between them (the
    sink's own p99 rose from 0.7 s to 5.5 s under it). So nothing reads while the events are sent;
    then verify's watcher reads every object of the run (received, missing, duplicated), and each
    record counts from its object's file time: when any reader could first have seen it, or later
    (an object the sink overwrote as it filled carries its last write).
    """
    from streamlab.fanout.verify import S3Watcher, produce_tagged, the_active_pipeline, watch

    run_id = uuid.uuid4().hex[:12]
    watcher = S3Watcher(lab, the_active_pipeline(lab), lab.settings.WEB_LOGS_TOPIC, run_id)
    watcher.skip_existing()
    sent_at = produce_tagged(lab, lab.settings.WEB_LOGS_TOPIC, run_id, count, rate)
    stopped = threading.Event()
    give_up = threading.Timer(60, stopped.set)
    give_up.start()
    try:
        watch(watcher, count, stopped)  # verify's loop: polls until every record is found, or 60 s
    finally:
        give_up.cancel()
    files = Path(lab.settings.S3_DATA_DIR) / lab.settings.S3_BUCKET
    try:
        stored: dict[int, float] = {}
        for key, seqs in watcher.seqs_by_key.items():
            written = (files / key).stat().st_mtime
            for seq in seqs:  # a record in two objects (a duplicate) counts from the first
                stored[seq] = min(written, stored.get(seq, written))
    except FileNotFoundError as missing:
        sys.exit(f"error: no file {missing.filename}: this bench times objects by their files under S3_DATA_DIR, "
                 "so it needs the lab's own S3 (s3proxy), not another endpoint")
    report = watcher.progress.report(sent_at)
    latencies = [stored[seq] - sent_at[seq] for seq in sent_at if seq in stored]
    return {**report, "sink": f"{report['sink']} (stored)", "p50": percentile(latencies, 50), "p99": percentile(latencies, 99)}


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

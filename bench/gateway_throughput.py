#!/usr/bin/env python3
"""Gateway throughput: POSTs per second and p50/p99 latency under wrk, against the real broker.

Starts `streamlab gateway` as a subprocess on a free loopback port (its own process, as students
run it) and drives it with wrk at 32 and 128 connections with single-record POSTs, then with
500-record batch POSTs. The reference in the same run is a no-op FastAPI endpoint on the same stack
(bench/noop_app.py: it parses the body and answers), so the ratio is what Kafka costs.
Needs `make up` (Kafka) and `wrk` (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from _common import REPO, free_port, machine_line, settings, start_server, stop_server

from streamlab.clients.kafka_client import make_admin
from streamlab.clients.topics import create, delete
from streamlab.errors import LabError
from streamlab.scripting.run import run_main

SINGLE = {"seq": 1, "item": "croissant", "qty": 2}
# wrk's Lua: one fixed body per request, and p50/p99 latency in microseconds on the last line.
WRK_SCRIPT = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = io.open("{body}"):read("*a")
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d\n", summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(99)))
end
"""


def wrk(url: str, body: bytes, connections: int, seconds: int, workdir: Path) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p99 ms, non-2xx answers) of one wrk run."""
    (workdir / "body.json").write_bytes(body)
    script = workdir / "post.lua"
    script.write_text(WRK_SCRIPT.replace("{body}", str(workdir / "body.json")))
    threads = min(2, connections)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    found = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+)", out)
    if not found:
        raise LabError(f"wrk gave no result for {url}: {out.strip().splitlines()[-3:]}")
    requests_, errors, p50_us, p99_us = map(int, found.groups())
    return requests_ / seconds, p50_us / 1000, p99_us / 1000, errors


def drive(label: str, url: str, body: bytes, connections: int, seconds: int, workdir: Path) -> float:
    probe = requests.post(url, data=body, headers={"content-type": "application/json"}, timeout=30)
    if probe.status_code != 200:
        raise LabError(f"{label}: POST answered {probe.status_code}: {probe.text[:200]}")
    wrk(url, body, connections, 2, workdir)  # warm-up: connections, metadata, the producer's first batch
    rate, p50, p99, errors = wrk(url, body, connections, seconds, workdir)
    print(f"{label:<34} {connections:>4} conn {rate:>9,.0f} req/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms"
          + (f"   {errors} non-2xx!" if errors else ""))
    return rate


def compare(topic: str, seconds: int, workdir: Path) -> None:
    gateway_port, noop_port = free_port(), free_port()
    gateway = start_server([sys.executable, "-m", "streamlab", "gateway", "--port", str(gateway_port)], gateway_port, "/healthz",
                           workdir / "gateway.log")
    noop = start_server([sys.executable, str(REPO / "bench" / "noop_app.py"), str(noop_port)], noop_port, "/docs", workdir / "noop.log")
    single = json.dumps(SINGLE).encode()
    batch = json.dumps([dict(SINGLE, seq=n) for n in range(500)]).encode()
    try:
        for connections in (32, 128):
            ours = drive("gateway, 1 record per POST", f"http://127.0.0.1:{gateway_port}/v2/{topic}", single, connections, seconds, workdir)
            reference = drive("no-op endpoint, same stack", f"http://127.0.0.1:{noop_port}/v2/{topic}", single, connections, seconds, workdir)
            print(f"  ratio gateway / no-op at {connections} connections: {ours / reference:.2f}")
        batches = drive("gateway, 500 records per POST", f"http://127.0.0.1:{gateway_port}/v2/{topic}", batch, 8, seconds, workdir)
        print(f"  batch POSTs: {batches * 500:,.0f} records/s")
    finally:
        stop_server(gateway)
        stop_server(noop)


def server_stack() -> str:
    """What uvicorn's defaults pick for both servers: httptools and uvloop when installed (pinned), else h11 and asyncio."""
    parser = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"{parser} + {loop}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="each wrk run (default: %(default)s)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise LabError("wrk is not installed", "apt-get install wrk (Debian/Ubuntu) or brew install wrk")
    topic = f"bench_gateway_{int(time.time())}"
    admin = make_admin(settings.KAFKA_BOOTSTRAP)
    create(admin, topic, partitions=3)
    print(machine_line())
    print(f"wrk, {args.seconds}s per run, topic {topic} (3 partitions), acks=all; the gateway and the no-op each one uvicorn "
          f"worker on {server_stack()}")
    try:
        with tempfile.TemporaryDirectory(prefix="gateway-bench-") as folder:
            compare(topic, args.seconds, Path(folder))
    finally:
        delete(admin, topic)
        admin.close()
    print(machine_line())


if __name__ == "__main__":
    run_main(main)

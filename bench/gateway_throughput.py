#!/usr/bin/env python3
"""Gateway throughput: single-record POSTs per second and p50/p99 latency, against the real broker.

Starts `streamlab gateway` as a subprocess on a free loopback port (its own process, as students
run it), sends a bounded number of single-record POSTs to a fresh topic from a few client threads,
then stops it. The reference in the same run is the Kafka client alone: the same records, the same
threads, each waiting for its acks=all acknowledgement as the gateway does, so the ratio is what
HTTP + JSON cost. Needs `make up` (Kafka).
"""

from __future__ import annotations

import argparse
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import requests
from _common import REPO, machine_line, percentile, settings

from streamlab.clients.kafka_client import make_admin, make_producer
from streamlab.clients.topics import create, delete
from streamlab.errors import LabError
from streamlab.scripting.run import run_main
from streamlab.waiting import wait_for


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gateway(port: int) -> subprocess.Popen:
    """`streamlab gateway` on loopback; waits until /healthz answers (Kafka reachable)."""
    server = subprocess.Popen([sys.executable, "-m", "streamlab", "gateway", "--port", str(port)], cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ready = lambda: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200  # noqa: E731
    exited = lambda: "exited" if server.poll() is not None else None  # noqa: E731
    try:
        up = wait_for(ready, 30, "waiting for the gateway", abort=exited)
    except RuntimeError:
        raise LabError(f"the gateway exited: {server.stderr.read().strip().splitlines()[-1:]}") from None
    if not up:
        server.kill()
        raise LabError(f"the gateway did not answer on port {port} within 30s")
    return server


def stop_gateway(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGINT)  # as Ctrl+C: the producer is flushed and closed
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        server.kill()


def measure(send: Callable[[int], None], count: int, threads: int) -> tuple[float, list[float]]:
    """Run send(i) for i < count over `threads` threads; (requests per second, latencies in seconds)."""
    latencies: list[float] = []

    def timed(i: int) -> None:
        started = time.perf_counter()
        send(i)
        latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(timed, range(count)))
    return count / (time.perf_counter() - started), latencies


def via_gateway(port: int, topic: str, threads: int) -> Callable[[int], None]:
    sessions = [requests.Session() for _ in range(threads)]  # keep-alive, one connection per thread
    url = f"http://127.0.0.1:{port}/v2/{topic}"

    def send(i: int) -> None:
        response = sessions[i % threads].post(url, json={"seq": i, "item": "croissant", "qty": 2}, timeout=30)
        if response.status_code != 200:
            raise LabError(f"POST {i} answered {response.status_code}: {response.text[:200]}")

    return send


def via_producer(producer, topic: str) -> Callable[[int], None]:
    def send(i: int) -> None:
        producer.send(topic, value={"seq": i, "item": "croissant", "qty": 2}).get(timeout=30)

    return send


def run(label: str, send: Callable[[int], None], count: int, threads: int) -> float:
    """A warm-up (connections, metadata), then the measured run; prints and returns requests/s."""
    measure(send, min(200, count), threads)
    rate, latencies = measure(send, count, threads)
    print(f"{label:<24} {rate:>9,.0f} req/s   p50 {percentile(latencies, 50) * 1000:6.2f} ms   "
          f"p99 {percentile(latencies, 99) * 1000:6.2f} ms")
    return rate


def compare(topic: str, count: int, threads: int) -> None:
    port = free_port()
    server = start_gateway(port)
    try:
        gateway = run("gateway (HTTP + Kafka)", via_gateway(port, topic, threads), count, threads)
    finally:
        stop_gateway(server)
    producer = make_producer(settings.KAFKA_BOOTSTRAP, linger_ms=0)
    try:
        client = run("Kafka client alone", via_producer(producer, topic), count, threads)
    finally:
        producer.close()
    print(f"gateway / client: {gateway / client:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="single-record POSTs (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=4, help="client threads, each with its own connection")
    args = parser.parse_args()
    if args.count < 1 or args.threads < 1:
        raise LabError("--count and --threads must be at least 1", exit_code=2)
    topic = f"bench_gateway_{int(time.time())}"
    admin = make_admin(settings.KAFKA_BOOTSTRAP)
    create(admin, topic, partitions=3)
    print(machine_line())
    print(f"{args.count:,} single-record POSTs, {args.threads} client threads, topic {topic}, acks=all")
    try:
        compare(topic, args.count, args.threads)
    finally:
        delete(admin, topic)
        admin.close()
    print(machine_line())


if __name__ == "__main__":
    run_main(main)

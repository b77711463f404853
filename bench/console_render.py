#!/usr/bin/env python3
"""Lab console: first render of the overview, and the console's own RSS and CPU under a 10,000 events/s producer.

Starts the console as its own process (`python -m streamlab.console`, as `make up` runs it) on a free
loopback port, and opens it in headless Chromium (Debian's chromium, driven by Playwright):

1. first render: from navigation to the overview's flow drawn with live figures, on a fresh browser
   profile (cold) and on reloads (warm);
2. cost: the web-log producer runs at --rate (10,000 events/s) for --seconds into the pipeline's
   topic, once with the console stopped and once with it serving the overview and a streaming
   message browser; the console's CPU and RSS are sampled every second, and the producer's achieved
   rate in both runs says whether the console slowed the lab.

Needs `make up` (and `make switch-connect` for the whole flow). Not a timed test: it prints figures.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from _common import REPO, free_port, machine_line, settings, start_server, stop_server

from streamlab.errors import LabError
from streamlab.scripting.run import run_main

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def open_browser(playwright):
    profile = tempfile.mkdtemp(prefix="console-bench-")
    return playwright.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                                         viewport={"width": 1440, "height": 900})


def render_ms(page, url: str, reload: bool = False) -> float:
    """Milliseconds from navigation to the flow drawn with the first live sample."""
    started = time.perf_counter()
    if reload:
        page.reload()
    else:
        page.goto(url)
    page.wait_for_selector('svg.flow[data-ready="1"]', timeout=30_000)
    return (time.perf_counter() - started) * 1000


def sample(console: psutil.Process | None, cpu: list[float], rss: list[float]) -> None:
    """The console's CPU (% of one core, since the last call) and RSS (MiB), appended."""
    if console is None:
        return
    try:
        cpu.append(console.cpu_percent(None))
        rss.append(console.memory_info().rss / 2**20)
    except psutil.Error:
        raise LabError("the console exited while the producer ran") from None


def produce(topic: str, rate: float, seconds: float, console: psutil.Process | None = None) -> tuple[float, list[float], list[float]]:
    """Run the web-log producer for `rate * seconds` events, sampling the console (if any) every second.
    Returns the producer's achieved events per second, and the console's CPU and RSS samples."""
    count = int(rate * seconds)
    command = [sys.executable, "producers/web_log_producer.py", "--rate", str(rate), "--count", str(count), "--topic", topic, "--quiet"]
    cpu: list[float] = []
    rss: list[float] = []
    if console is not None:
        console.cpu_percent(None)  # the first call only starts psutil's interval
    started = time.perf_counter()
    producer = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while producer.poll() is None:
        time.sleep(1.0)
        sample(console, cpu, rss)
    elapsed = time.perf_counter() - started
    if producer.returncode != 0:
        raise LabError(f"the producer failed: {(producer.stderr.read().strip().splitlines() or ['?'])[-1]}")
    return count / elapsed, cpu, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=10_000, help="producer events per second (default: %(default)s)")
    parser.add_argument("--seconds", type=float, default=30, help="how long each producer run lasts (default: %(default)s)")
    parser.add_argument("--topic", default=settings.WEB_LOGS_TOPIC, help="the topic to produce to (default: the pipeline's, %(default)s)")
    parser.add_argument("--reloads", type=int, default=3, help="warm renders to time (default: %(default)s)")
    args = parser.parse_args()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise LabError("the benchmark needs playwright: pip install playwright (the browser is Debian's chromium)") from None
    print(machine_line())

    alone, _, _ = produce(args.topic, args.rate, args.seconds)
    print(f"producer alone, console stopped: {alone:,.0f} events/s achieved (asked {args.rate:,.0f}/s, {args.seconds:.0f}s)")

    port = free_port()
    console = start_server([sys.executable, "-m", "streamlab.console", "--port", str(port)], port, "/api/health",
                           Path(tempfile.gettempdir()) / f"console-bench-{port}.log")
    process = psutil.Process(console.pid)
    url = f"http://127.0.0.1:{port}/#/overview"
    try:
        with sync_playwright() as playwright:
            browser = open_browser(playwright)
            overview = browser.new_page()
            cold = render_ms(overview, url)
            warm = [render_ms(overview, url, reload=True) for _ in range(args.reloads)]
            print(f"overview first render: {cold:,.0f} ms cold (fresh profile), warm median {statistics.median(warm):,.0f} ms "
                  f"({', '.join(f'{ms:,.0f}' for ms in warm)})")
            browser.new_page().goto(f"http://127.0.0.1:{port}/#/topics/{args.topic}")  # a message browser streaming too
            idle_rss = process.memory_info().rss / 2**20
            achieved, cpu, rss = produce(args.topic, args.rate, args.seconds, process)
            browser.close()
    finally:
        stop_server(console)
    print(f"producer with the console watching: {achieved:,.0f} events/s achieved ({achieved / alone:.2f} of the run without it)")
    print(f"console process while it ran: CPU mean {statistics.mean(cpu):.1f}% max {max(cpu):.1f}% of one core; "
          f"RSS {idle_rss:,.0f} MiB before, max {max(rss):,.0f} MiB")
    print(machine_line())


if __name__ == "__main__":
    run_main(main)

#!/usr/bin/env python3
"""Log parser throughput: lines/s on one core for each log type (Apache, Nginx, JSON application).

The lines are the streamer's realistic test logs (IPv6 clients, escaped quotes, `-` sizes, time
zones, non-ASCII paths), stamped as generated: many lines share a second, as on a busy server,
and the parser converts each distinct stamp once. The reference in the same run is the bare work
every parser must do (one regex match, or one json.loads), so the ratio shows what normalising to
the schema costs. Needs no running lab.
"""

from __future__ import annotations

import argparse
import json
import time

from _common import machine_line

from streamlab.labs.logparse import ACCESS_LINE, parse_line
from streamlab.scripting.run import run_main
from streamlab.streamer.testlogs import TestLogGenerator

LOG_TYPES = ("apache", "nginx", "application")


def lines_per_second(work, lines: list[str], min_seconds: float) -> float:
    """Repeat `work` over all lines until at least `min_seconds` passed; best of three rounds."""
    best = 0.0
    for _ in range(3):
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < min_seconds:
            for line in lines:
                work(line)
            done += len(lines)
        best = max(best, done / (time.perf_counter() - started))
    return best


def reference_work(log_type: str):
    if log_type == "application":
        return json.loads
    return ACCESS_LINE.match


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000, help="distinct lines per log type")
    parser.add_argument("--seconds", type=float, default=1.0, help="minimum seconds per measurement round")
    args = parser.parse_args()
    generator = TestLogGenerator(seed=1, bad_ratio=0.0)
    print(machine_line())
    print(f"{args.lines:,} distinct realistic lines per type, one process (one core), best of 3 rounds")
    print(f"{'log type':<12} {'parse_line':>14} {'bare match':>14} {'parse/bare':>11}")
    for log_type in LOG_TYPES:
        lines = [generator.line(log_type) for _ in range(args.lines)]
        parsed = lines_per_second(lambda line: parse_line(line, log_type), lines, args.seconds)
        bare = lines_per_second(reference_work(log_type), lines, args.seconds)
        print(f"{log_type:<12} {parsed:>10,.0f} l/s {bare:>10,.0f} l/s {parsed / bare:>11.2f}")
    print(machine_line())


if __name__ == "__main__":
    run_main(main)

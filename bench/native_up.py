#!/usr/bin/env python3
"""Native runtime: seconds from `streamlab up` to each service healthy (jars cached), and memory.

Stops the native lab first if it runs (the lab's own `down`), starts it twice (the first start warms
the page cache, as a student's second `make up` would find it), prints the second start's times and
each service's resident memory against the budget, and leaves it running.
"""

import re
import subprocess
import sys
import time

from _common import REPO, machine_line, settings

from streamlab.runtime.native import NativeRuntime
from streamlab.topology import load_topology

LAB = [sys.executable, "-m", "streamlab", "--runtime", "native"]
HEALTHY = re.compile(r"^(\S+)\s+healthy on port")


BUDGET_MIB = 1.25 * 1000**3 / 2**20  # issue 16: the native lab in 1.25 GB


def lab(command: str) -> None:
    result = subprocess.run([*LAB, command], cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"error: `streamlab {command}` failed: {(result.stderr or result.stdout).strip().splitlines()[-1]}")


def timed_up() -> tuple[float, dict[str, float]]:
    """Seconds to the end of `up`, and to each service's "healthy" line."""
    started = time.monotonic()
    proc = subprocess.Popen([*LAB, "up"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    healthy = {}
    for line in proc.stdout:
        if match := HEALTHY.match(line.strip()):
            healthy[match.group(1)] = time.monotonic() - started
    if proc.wait() != 0:
        sys.exit("error: `streamlab up` failed (see `make logs`)")
    return time.monotonic() - started, healthy


def main() -> None:
    print(machine_line())
    lab("down")
    lab("up")
    lab("down")
    total, healthy = timed_up()
    services = {name: at for name, at in healthy.items() if name != "console"}
    print(f"native up, jars cached: {max(services.values()):.1f} s to every service healthy (target 12 s), "
          f"{total:.1f} s for the whole `up` (topics, buckets and the console included)")
    for name, seconds in healthy.items():
        print(f"  {name:<11} healthy at {seconds:>5.1f} s")
    rows = NativeRuntime(settings, load_topology()).status()
    for row in rows:
        print(f"  {row.name:<11} {row.state:<8} {row.memory_mb or 0:>6.0f} MiB")
    total_mib = sum(r.memory_mb or 0 for r in rows if r.name != "console")
    print(f"  services    {total_mib:>15.0f} MiB resident (budget {BUDGET_MIB:,.0f} MiB: ratio {total_mib / BUDGET_MIB:.2f})")


if __name__ == "__main__":
    main()

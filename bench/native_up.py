#!/usr/bin/env python3
"""Native runtime: seconds from `streamlab up` to each service healthy (jars cached), and memory.

The reference in the same run is the same start without class-data sharing (LAB_CDS=0). The run:
one start and stop so every service has its archive (runtime/cds.py records it at the stop), a
timed start without the archives, a stop, and a timed start with them. It stops the native lab
first if it runs (the lab's own `down`) and leaves it running.
"""

import os
import re
import subprocess
import sys
import time

from _common import REPO, machine_line, settings

from streamlab.runtime.native import NativeRuntime
from streamlab.topology import load_topology

LAB = [sys.executable, "-m", "streamlab", "--runtime", "native"]
HEALTHY = re.compile(r"^(\S+)\s+healthy on port")


def lab(command: str, cds: bool = True) -> None:
    result = subprocess.run([*LAB, command], cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, "LAB_CDS": "1" if cds else "0"})
    if result.returncode != 0:
        sys.exit(f"error: `streamlab {command}` failed: {(result.stderr or result.stdout).strip().splitlines()[-1]}")


def timed_up(cds: bool) -> tuple[float, dict[str, float]]:
    """Seconds to the end of `up`, and to each service's "healthy" line."""
    started = time.monotonic()
    proc = subprocess.Popen([*LAB, "up"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "LAB_CDS": "1" if cds else "0"})
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
    lab("up")    # a first start records each service's archive when it stops
    lab("down")
    without_total, without = timed_up(cds=False)
    lab("down")
    with_total, with_cds = timed_up(cds=True)
    print("native up, jars cached: seconds to healthy, without -> with class-data sharing")
    for name in with_cds:
        print(f"  {name:<11} {without.get(name, 0):>5.1f} -> {with_cds[name]:>5.1f}")
    services = max(without.values()), max(with_cds.values())
    print(f"  all services {services[0]:>4.1f} -> {services[1]:>5.1f}  (ratio {services[1] / services[0]:.2f})")
    print(f"  whole `up`   {without_total:>4.1f} -> {with_total:>5.1f}  (topics, buckets and the console included)")
    rows = NativeRuntime(settings, load_topology()).status()
    for row in rows:
        print(f"  {row.name:<11} {row.state:<8} {row.memory_mb or 0:>6.0f} MiB")
    print(f"  total       {sum(r.memory_mb or 0 for r in rows):>15.0f} MiB resident")


if __name__ == "__main__":
    main()

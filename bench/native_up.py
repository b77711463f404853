#!/usr/bin/env python3
"""Native runtime: seconds from `streamlab up` to every service healthy (jars cached), and memory.

Stops the native lab first if it runs (it is the lab's own `down`), starts it, prints seconds and
each service's resident memory, and leaves it running.
"""

import subprocess
import sys
import time

from _common import REPO, machine_line, settings

from streamlab.runtime.native import NativeRuntime
from streamlab.topology import load_topology


def main() -> None:
    print(machine_line())
    lab = [sys.executable, "-m", "streamlab", "--runtime", "native"]
    subprocess.run([*lab, "down"], cwd=REPO, check=True, capture_output=True)
    started = time.monotonic()
    subprocess.run([*lab, "up"], cwd=REPO, check=True, capture_output=True)
    seconds = time.monotonic() - started
    rows = NativeRuntime(settings, load_topology()).status()
    print(f"native up, jars cached: {seconds:.1f}s to all healthy (topics and buckets included)")
    for row in rows:
        print(f"  {row.name:<11} {row.state:<8} {row.memory_mb or 0:>6.0f} MiB")
    print(f"  total       {sum(r.memory_mb or 0 for r in rows):>15.0f} MiB resident")


if __name__ == "__main__":
    main()

"""Shared bits of the benchmarks: the machine's load line and settings for a running lab."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from streamlab.config import load_settings  # noqa: E402


def machine_line() -> str:
    load1, load5, _ = os.getloadavg()
    return f"machine: {platform.machine()} {os.cpu_count()} cores, load {load1:.2f}/{load5:.2f} (1/5 min), Python {platform.python_version()}"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


settings = load_settings()

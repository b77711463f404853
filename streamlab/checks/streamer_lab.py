"""The log-file streamer (seed 000): all three log types parsed, >= 20 records/s, >= 95 % parsed,
dead letters with their reason, running, and exactly once across a kill (unique record ids)."""

from __future__ import annotations

import fcntl
from collections import Counter
from pathlib import Path

from ..labs.logparse import LOG_TYPES
from .model import Criterion, judged
from .observe import Observer

MIN_RATE = 20.0  # records a second, seed 000
MIN_PARSED = 0.95


def log_streamer(view: Observer, state_dir: Path, topic: str = "app-logs", dlq: str = "app-logs-dlq") -> list[Criterion]:
    records, dead = view.recent(topic), view.recent(dlq)
    parsed_total, dead_total = view.message_count(topic), view.message_count(dlq)
    types = sorted({r.get("log_type") for r in records} & set(LOG_TYPES.values()))
    ratio = parsed_total / (parsed_total + dead_total) if parsed_total + dead_total else 0.0
    duplicated = sum(n - 1 for n in Counter(r.get("record_id") for r in records if r.get("record_id")).values() if n > 1)
    rate = _rate(records)
    running = _streamer_running(state_dir)
    run_it = "`make stream-logs ARGS=\"--generate-test-logs\"`"
    return [
        judged("the streamer is running", running, "a streamer holds its checkpoint" if running else "no streamer running",
               f"start it: {run_it} (LOG_CONFIG lists the files)"),
        judged("all three log types parsed", len(types) == len(LOG_TYPES), ", ".join(types) or "none",
               f"missing {sorted(set(LOG_TYPES.values()) - set(types))}: list an apache, an nginx and a json file in LOG_CONFIG"),
        judged(f"at least {MIN_RATE:g} records/s", rate >= MIN_RATE, f"{rate:,.0f} records/s over the newest records",
               "too slow: lower --batch-timeout or raise the generator's rate (--generate-test-logs)"),
        judged(f"at least {MIN_PARSED:.0%} parsed", ratio >= MIN_PARSED, f"{ratio:.1%} ({parsed_total:,} parsed, {dead_total:,} dead-lettered)",
               "too many lines dead-lettered: check each file's type in LOG_CONFIG (`streamlab consume app-logs-dlq --max 5` shows why)"),
        judged("dead letters carry their reason", all(d.get("reason") for d in dead), f"{len(dead)} recent dead letters",
               "dead-letter records need a `reason` field: use producers/log_file_streamer.py"),
        judged("exactly once across restarts", duplicated == 0, f"{duplicated} duplicated record ids among the newest",
               "records were sent twice: keep one streamer per checkpoint and never delete the checkpoint while it runs"),
    ]


def _rate(records: list[dict]) -> float:
    times = sorted(r["_ts"] for r in records)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return (len(times) - 1) / span if span > 0 else float(len(times) > 1) * 1e9


def _streamer_running(state_dir: Path) -> bool:
    """True when some streamer holds the lock beside a checkpoint (taking it briefly proves nobody does)."""
    for lock in state_dir.glob("*.lock"):
        with open(lock, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
    return False

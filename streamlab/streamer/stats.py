"""Counters the streamer keeps, and the periodic table it prints (seed 000's "streaming statistics")."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from rich.console import Console
from rich.table import Table


@dataclass
class StreamStats:
    lines_read: int = 0
    records_sent: int = 0  # parsed records acknowledged by Kafka
    dead_lettered: int = 0  # unparseable lines acknowledged on the dead-letter topic
    skipped: int = 0  # lines found already in Kafka after a crash, so not sent again
    batches: int = 0
    queue_depth: int = 0  # lines read but not yet acknowledged
    sent_by_type: Counter = field(default_factory=Counter)

    @property
    def errors(self) -> int:
        return self.dead_lettered


class StatsReporter:
    """Prints the counters every `interval_s` seconds, with rates since the previous report."""

    def __init__(self, console: Console, interval_s: float = 10.0, clock: Callable[[], float] = time.monotonic):
        self.console = console
        self.interval_s = interval_s
        self._clock = clock
        self._started = self._last_at = clock()
        self._last = StreamStats()

    def maybe_report(self, stats: StreamStats) -> None:
        if self.interval_s > 0 and self._clock() - self._last_at >= self.interval_s:
            self.report(stats)

    def report(self, stats: StreamStats, title: str = "streaming statistics") -> None:
        now = self._clock()
        window = max(now - self._last_at, 1e-9)
        self.console.print(stats_table(stats, self._last, window, now - self._started, title))
        self._last = StreamStats(**{**stats.__dict__, "sent_by_type": Counter(stats.sent_by_type)})
        self._last_at = now


def stats_table(stats: StreamStats, previous: StreamStats, window_s: float, elapsed_s: float, title: str) -> Table:
    table = Table(title=f"{title} ({elapsed_s:,.0f}s)", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    sent = stats.records_sent + stats.dead_lettered
    previous_sent = previous.records_sent + previous.dead_lettered
    rows = [
        ("lines read", f"{stats.lines_read:,}"),
        ("records sent", f"{stats.records_sent:,}"),
        ("errors (dead-lettered)", f"{stats.errors:,}"),
        ("already in Kafka, skipped", f"{stats.skipped:,}"),
        ("read rate", f"{(stats.lines_read - previous.lines_read) / window_s:,.1f} lines/s"),
        ("send rate", f"{(sent - previous_sent) / window_s:,.1f} records/s"),
        ("queue depth", f"{stats.queue_depth:,}"),
    ]
    rows += [(f"  {log_type}", f"{count:,}") for log_type, count in sorted(stats.sent_by_type.items())]
    for name, value in rows:
        table.add_row(name, value)
    return table

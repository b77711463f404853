"""Counters the streamer keeps: a one-line status while it runs, the full table (seed 000's "streaming statistics") at the end."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Callable

from rich.console import Console
from rich.table import Table

from .records import DEAD_LETTER

_COUNTED_AS = attrgetter("counted_as")


@dataclass
class StreamStats:
    lines_read: int = 0
    records_sent: int = 0  # parsed records acknowledged by Kafka
    dead_lettered: int = 0  # unparseable lines acknowledged on the dead-letter topic
    skipped: int = 0  # lines found already in Kafka after a crash, so not sent again
    blank_skipped: int = 0  # empty or whitespace-only lines: neither sent nor dead-lettered
    batches: int = 0
    queue_depth: int = 0  # lines read but not yet acknowledged
    sent_by_type: Counter = field(default_factory=Counter)

    @property
    def errors(self) -> int:
        return self.dead_lettered


@dataclass(frozen=True)
class SentBatch:
    """What the statistics need of a batch in flight, counted when it is sent so its records can be freed."""

    by_type: Counter  # records per log type, dead letters under records.DEAD_LETTER

    @classmethod
    def of(cls, batch: list) -> "SentBatch":
        return cls(Counter(map(_COUNTED_AS, batch)))  # C loops: this runs for every line

    @property
    def size(self) -> int:
        return self.by_type.total()

    def count_into(self, stats: StreamStats) -> None:
        """Add the batch to the totals, once Kafka acknowledged it."""
        dead = self.by_type[DEAD_LETTER]
        stats.batches += 1
        stats.records_sent += self.size - dead
        stats.dead_lettered += dead
        stats.sent_by_type.update({kind: count for kind, count in self.by_type.items() if kind != DEAD_LETTER})


class StatsReporter:
    """A one-line status every `interval_s` seconds; the full table at the end, or when asked (SIGUSR1).

    Rates are since the previous line or table. A 13-line table every 10 s scrolled past in class.
    """

    def __init__(self, console: Console, interval_s: float = 10.0, clock: Callable[[], float] = time.monotonic):
        self.console = console
        self.interval_s = interval_s
        self._clock = clock
        self._started = self._last_at = clock()
        self._last = StreamStats()
        self._table_requested = False

    def request_table(self) -> None:
        """Print the full table at the next step; only sets a flag, so a signal handler may call it."""
        self._table_requested = True

    def maybe_report(self, stats: StreamStats) -> None:
        if self._table_requested:
            self._table_requested = False
            self.report(stats)
        elif self.interval_s > 0 and self._clock() - self._last_at >= self.interval_s:
            self._print(stats, status_line)

    def report(self, stats: StreamStats, title: str = "streaming statistics") -> None:
        self._print(stats, lambda *figures: stats_table(*figures, title))

    def final(self, stats: StreamStats) -> None:
        """The table once the streamer stopped, its rates over the whole run."""
        self._last, self._last_at = StreamStats(), self._started
        self.report(stats, "final statistics")

    def _print(self, stats: StreamStats, render) -> None:
        now = self._clock()
        window = max(now - self._last_at, 1e-9)
        self.console.print(render(stats, self._last, window, now - self._started), highlight=False)
        self._last = StreamStats(**{**stats.__dict__, "sent_by_type": Counter(stats.sent_by_type)})
        self._last_at = now


def _rates(stats: StreamStats, previous: StreamStats, window_s: float) -> tuple[float, float]:
    """(lines read, records sent) per second since `previous`; dead-lettered records count as sent."""
    sent = stats.records_sent + stats.dead_lettered
    previous_sent = previous.records_sent + previous.dead_lettered
    return (stats.lines_read - previous.lines_read) / window_s, (sent - previous_sent) / window_s


def status_line(stats: StreamStats, previous: StreamStats, window_s: float, elapsed_s: float) -> str:
    read_rate, send_rate = _rates(stats, previous, window_s)
    return (f"{elapsed_s:,.0f}s  read {stats.lines_read:,} ({read_rate:,.1f}/s)  sent {stats.records_sent:,} "
            f"({send_rate:,.1f}/s)  dead-lettered {stats.errors:,}  skipped {stats.skipped:,}  queue {stats.queue_depth:,}")


def stats_table(stats: StreamStats, previous: StreamStats, window_s: float, elapsed_s: float, title: str) -> Table:
    table = Table(title=f"{title} ({elapsed_s:,.0f}s)", title_justify="left")
    table.add_column("measure", style="bold")
    table.add_column("value", justify="right")
    read_rate, send_rate = _rates(stats, previous, window_s)
    rows = [
        ("lines read", f"{stats.lines_read:,}"),
        ("records sent", f"{stats.records_sent:,}"),
        ("errors (dead-lettered)", f"{stats.errors:,}"),
        ("already in Kafka, skipped", f"{stats.skipped:,}"),
        ("blank lines skipped", f"{stats.blank_skipped:,}"),
        ("read rate", f"{read_rate:,.1f} lines/s"),
        ("send rate", f"{send_rate:,.1f} records/s"),
        ("queue depth", f"{stats.queue_depth:,}"),
    ]
    rows += [(f"  {log_type}", f"{count:,}") for log_type, count in sorted(stats.sent_by_type.items())]
    for name, value in rows:
        table.add_row(name, value)
    return table

"""1-minute tumbling windows per log type over event time (seed 000's Kinesis Analytics query).

For each window and `log_type`: the event count, distinct client IPs and mean response size.
A window closes when the watermark (the latest event time seen) passes its end plus the allowed
lateness; an event for a window already closed is counted as late and left out.

Every row is the window's full aggregate so far, under the key `<log_type>|<window_start>`
(`row_key`): a later row for the same key replaces the earlier one, never adds to it. A closed
window's row says `final: true`; `provisional()` rows (the input went quiet, or shutdown) say
`final: false` and the window stays open, so an event that arrives in time updates it.

A restart rebuilds the open windows from the input: `resume_offsets` is, per input partition, the
lowest offset an open window holds (a replay from there sees every event of every open window),
and `watermark` goes with it, so the replay leaves the windows that closed before out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Hashable

Source = tuple[Hashable, int]  # (input partition, offset)


def event_time(record: dict[str, Any]) -> float:
    """Seconds since the epoch of the record's ISO 8601 `timestamp`; ValueError if it has none."""
    stamp = record.get("timestamp")
    if not isinstance(stamp, str):
        raise ValueError("no timestamp")
    moment = datetime.fromisoformat(stamp[:-1] + "+00:00" if stamp.endswith("Z") else stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def row_key(row: dict[str, Any]) -> str:
    """The Kafka key of a window's rows: one key per (log type, window), so rows replace each other."""
    return f"{row['log_type']}|{row['window_start']}"


@dataclass
class WindowAggregate:
    log_type: str
    start: float
    size_s: int
    count: int = 0
    ips: set = field(default_factory=set)
    bytes_total: int = 0
    sized: int = 0  # events that carry a response size (application logs do not)
    first_offsets: dict = field(default_factory=dict)  # input partition -> lowest offset counted here
    changed: bool = True  # since its last row

    def add(self, record: dict[str, Any], source: Source | None = None) -> None:
        self.count += 1
        self.changed = True
        if record.get("ip_address"):
            self.ips.add(record["ip_address"])
        size = record.get("response_size")
        if isinstance(size, (int, float)) and not isinstance(size, bool):
            self.bytes_total += size
            self.sized += 1
        if source is not None:
            partition, offset = source
            self.first_offsets[partition] = min(offset, self.first_offsets.get(partition, offset))

    def result(self, final: bool) -> dict[str, Any]:
        self.changed = False
        return {
            "window_start": _iso(self.start),
            "window_end": _iso(self.start + self.size_s),
            "log_type": self.log_type,
            "event_count": self.count,
            "unique_ips": len(self.ips),
            "avg_response_size": round(self.bytes_total / self.sized, 2) if self.sized else None,
            "final": final,
        }


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat()


class TumblingWindows:
    def __init__(self, size_s: int = 60, allowed_lateness_s: float = 10.0, watermark: float = -math.inf):
        self.size_s = size_s
        self.allowed_lateness_s = allowed_lateness_s
        self.watermark = watermark
        self.late_events = 0
        self._open: dict[tuple[float, str], WindowAggregate] = {}

    def window_start(self, seconds: float) -> float:
        return math.floor(seconds / self.size_s) * self.size_s

    def add(self, record: dict[str, Any], source: Source | None = None) -> list[dict[str, Any]]:
        """Add one parsed log record (from `source`, for restarts); return the rows of the windows
        this event's time closed (oldest first)."""
        seconds = event_time(record)
        log_type = record.get("log_type")
        if not log_type:
            raise ValueError("no log_type")
        start = self.window_start(seconds)
        if self._closed(start):
            self.late_events += 1
        else:
            key = (start, log_type)
            if key not in self._open:
                self._open[key] = WindowAggregate(log_type, start, self.size_s)
            self._open[key].add(record, source)
        self.watermark = max(self.watermark, seconds)
        return self._close_ready()

    def _closed(self, start: float) -> bool:
        return start + self.size_s + self.allowed_lateness_s <= self.watermark

    def _close_ready(self) -> list[dict[str, Any]]:
        ready = sorted(key for key in self._open if self._closed(key[0]))
        return [self._open.pop(key).result(final=True) for key in ready]

    def provisional(self) -> list[dict[str, Any]]:
        """Rows for the open windows that changed since their last row (input quiet, or shutdown).

        The windows stay open: an event that arrives in time updates them, and their next row
        replaces this one.
        """
        return [self._open[key].result(final=False) for key in sorted(self._open) if self._open[key].changed]

    def resume_offsets(self, positions: dict[Hashable, int]) -> dict[Hashable, int]:
        """Where a restart reads each input partition from: the lowest offset an open window holds,
        else `positions` (the next offset to read), so a replay rebuilds every open window in full."""
        resume = dict(positions)
        for window in self._open.values():
            for partition, offset in window.first_offsets.items():
                if partition in resume:
                    resume[partition] = min(offset, resume[partition])
        return resume

    @property
    def open_windows(self) -> int:
        return len(self._open)

"""1-minute tumbling windows per log type over event time (seed 000's Kinesis Analytics query).

For each window and `log_type`: the event count, distinct client IPs and mean response size.
A window closes when the watermark (the latest event time seen) passes its end plus the allowed
lateness; an event for a window already closed is counted as late and left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


def event_time(record: dict[str, Any]) -> float:
    """Seconds since the epoch of the record's ISO 8601 `timestamp`; ValueError if it has none."""
    stamp = record.get("timestamp")
    if not isinstance(stamp, str):
        raise ValueError("no timestamp")
    moment = datetime.fromisoformat(stamp[:-1] + "+00:00" if stamp.endswith("Z") else stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


@dataclass
class WindowAggregate:
    log_type: str
    start: float
    size_s: int
    count: int = 0
    ips: set = field(default_factory=set)
    bytes_total: int = 0
    sized: int = 0  # events that carry a response size (application logs do not)

    def add(self, record: dict[str, Any]) -> None:
        self.count += 1
        if record.get("ip_address"):
            self.ips.add(record["ip_address"])
        size = record.get("response_size")
        if isinstance(size, (int, float)) and not isinstance(size, bool):
            self.bytes_total += size
            self.sized += 1

    def result(self) -> dict[str, Any]:
        return {
            "window_start": _iso(self.start),
            "window_end": _iso(self.start + self.size_s),
            "log_type": self.log_type,
            "event_count": self.count,
            "unique_ips": len(self.ips),
            "avg_response_size": round(self.bytes_total / self.sized, 2) if self.sized else None,
        }


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat()


class TumblingWindows:
    def __init__(self, size_s: int = 60, allowed_lateness_s: float = 10.0):
        self.size_s = size_s
        self.allowed_lateness_s = allowed_lateness_s
        self.watermark = -math.inf
        self.late_events = 0
        self._open: dict[tuple[float, str], WindowAggregate] = {}

    def window_start(self, seconds: float) -> float:
        return math.floor(seconds / self.size_s) * self.size_s

    def add(self, record: dict[str, Any]) -> list[dict[str, Any]]:
        """Add one parsed log record; return the windows this event's time closed (oldest first)."""
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
            self._open[key].add(record)
        self.watermark = max(self.watermark, seconds)
        return self._close_ready()

    def _closed(self, start: float) -> bool:
        return start + self.size_s + self.allowed_lateness_s <= self.watermark

    def _close_ready(self) -> list[dict[str, Any]]:
        ready = sorted(key for key in self._open if self._closed(key[0]))
        return [self._open.pop(key).result() for key in ready]

    def flush(self) -> list[dict[str, Any]]:
        """Close every open window (at shutdown, or when the input has gone quiet)."""
        ready = sorted(self._open)
        return [self._open.pop(key).result() for key in ready]

    @property
    def open_windows(self) -> int:
        return len(self._open)

"""The overview's arithmetic, pure: rates from end-offset samples, lag, and bounded history."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

PartitionKey = tuple[str, int]


class RateMeter:
    """Per-second rate of a growing total (a topic's summed end offsets, documents in an index).

    The rate spans the last `window_s` seconds of samples rather than the last two, so a sink that
    writes in bursts (an S3 object every 10 records or 10 s) reads as a steady figure. A total that
    goes down (a topic deleted and created again, an index dropped) starts a new window: no
    negative rates.
    """

    def __init__(self, window_s: float = 5.0):
        self.window_s = window_s
        self.samples: deque[tuple[float, float]] = deque()

    def add(self, t: float, total: float) -> float | None:
        if self.samples and total < self.samples[-1][1]:
            self.samples.clear()
        self.samples.append((t, total))
        while len(self.samples) > 2 and t - self.samples[1][0] >= self.window_s:
            self.samples.popleft()
        return self.rate()

    def rate(self) -> float | None:
        """Units per second over the window; None until two samples are apart in time."""
        if len(self.samples) < 2:
            return None
        (t0, v0), (t1, v1) = self.samples[0], self.samples[-1]
        return (v1 - v0) / (t1 - t0) if t1 > t0 else None


class History:
    """The last `span_s` seconds of each named series, as (t, value) points, in bounded memory."""

    def __init__(self, span_s: float = 600.0, max_points: int = 720):
        self.span_s = span_s
        self.series: dict[str, deque[tuple[float, float | None]]] = {}
        self.max_points = max_points  # a hard cap whatever the tick, so memory never grows

    def add(self, name: str, t: float, value: float | None) -> None:
        points = self.series.setdefault(name, deque(maxlen=self.max_points))
        points.append((round(t, 2), None if value is None else round(float(value), 2)))
        while points and t - points[0][0] > self.span_s:
            points.popleft()

    def points(self, name: str) -> list[tuple[float, float | None]]:
        return list(self.series.get(name, ()))

    def as_dict(self) -> dict[str, list[tuple[float, float | None]]]:
        return {name: list(points) for name, points in self.series.items()}


def total_messages(begins: Mapping[PartitionKey, int], ends: Mapping[PartitionKey, int]) -> int:
    """Messages a topic holds now: end minus beginning offset, summed (retention moves the beginning)."""
    return sum(max(0, end - begins.get(key, 0)) for key, end in ends.items())


def lag_rows(committed: Mapping[PartitionKey, int | None], ends: Mapping[PartitionKey, int]) -> list[dict]:
    """One row per partition a group has committed to: committed offset, end offset, lag.

    A partition without a commit (offset None or -1) has no lag figure: the group has not started
    there, and its reset policy decides where it will. The end is sampled after the commit, so a lag
    below zero cannot be real and reads as 0.
    """
    rows = []
    for (topic, partition) in sorted(committed):
        offset = committed[(topic, partition)]
        offset = None if offset is None or offset < 0 else offset
        end = ends.get((topic, partition))
        lag = None if offset is None or end is None else max(0, end - offset)
        rows.append({"topic": topic, "partition": partition, "committed": offset, "end": end, "lag": lag})
    return rows


def total_lag(rows: Iterable[dict]) -> int | None:
    """The lag summed over partitions; None when no partition has a lag figure."""
    lags = [row["lag"] for row in rows if row["lag"] is not None]
    return sum(lags) if lags else None

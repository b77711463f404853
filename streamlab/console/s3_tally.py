"""Counting what a sink wrote to S3 without reading every object. Pure: keys and line counts in, totals out.

The lab's S3 sink names each object `<topic>+<partition>+<start offset>.jsonl` and writes a
partition's records in offset order, so one object holds the offsets from its start up to the next
object's start: records follow from the keys alone, and only the newest object of each partition
(whose end is not known yet) is read, once. A record the sink sent to the dead-letter topic still
counts as covered, which is rare and says it was handled.

Other layouts (Logstash's and Fluent Bit's object names carry no offsets) are counted by reading
each new object once; they write about one object a minute, so that stays cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OFFSET_KEY = re.compile(r"\+(?P<partition>\d+)\+(?P<offset>\d+)\.[A-Za-z0-9.]+$")


def offset_of(key: str) -> tuple[int, int] | None:
    """(partition, start offset) from a `<topic>+<p>+<offset>.jsonl` key, or None."""
    match = OFFSET_KEY.search(key)
    return (int(match["partition"]), int(match["offset"])) if match else None


@dataclass
class PartitionRun:
    """A partition's objects seen so far: offsets covered by closed objects, and the newest one."""

    newest_start: int
    newest_key: str
    newest_lines: int | None = None  # read once it is known to be the newest


class S3Tally:
    def __init__(self) -> None:
        self.objects = 0
        self.closed_records = 0  # records in objects whose successor is known (from offsets) or that were read
        self.runs: dict[int, PartitionRun] = {}
        self.unread: list[str] = []  # objects without offsets in their names, to be read once

    def observe(self, key: str) -> None:
        """A key seen for the first time (the caller lists each key once)."""
        self.objects += 1
        position = offset_of(key)
        if position is None:
            self.unread.append(key)
            return
        partition, start = position
        run = self.runs.get(partition)
        if run is None:
            self.runs[partition] = PartitionRun(start, key)
        elif start > run.newest_start:
            self.closed_records += start - run.newest_start
            self.runs[partition] = PartitionRun(start, key)
        else:
            # An older offset after a newer one: the topic was created again and offsets restarted.
            self.closed_records += run.newest_lines or 0
            self.runs[partition] = PartitionRun(start, key)

    def to_read(self, budget: int) -> list[str]:
        """Keys whose lines are needed: each partition's newest object, then other unread objects."""
        newest = [run.newest_key for run in self.runs.values() if run.newest_lines is None]
        return (newest + self.unread)[:budget]

    def counted(self, key: str, lines: int) -> None:
        """The line count of an object that `to_read` asked for."""
        for run in self.runs.values():
            if run.newest_key == key:
                run.newest_lines = lines
                return
        if key in self.unread:
            self.unread.remove(key)
            self.closed_records += lines

    @property
    def records(self) -> int:
        return self.closed_records + sum(run.newest_lines or 0 for run in self.runs.values())

    @property
    def pending(self) -> int:
        """Objects whose records are not counted yet."""
        return len(self.unread) + sum(1 for run in self.runs.values() if run.newest_lines is None)


def line_count(body: bytes) -> int:
    """JSON Lines records in an object: lines with something on them."""
    return sum(1 for line in body.splitlines() if line.strip())

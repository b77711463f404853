"""Counting what a sink wrote to S3 without reading every object. Pure: keys and line counts in, totals out.

The lab's S3 sink names each object `<topic>+<partition>+<start offset>.jsonl` and writes a
partition's records in offset order, so one object holds the offsets from its start up to the next
object's start: records follow from the keys alone, and only the newest object of each partition
(whose end is not known yet) is read. That object is uploaded while still open, at each offset
flush, and overwritten as it fills (same key, new ETag, more records): whenever it changes it is
read again and its line count replaces the one before. A record the sink sent to the dead-letter
topic still counts as covered, which is rare and says it was handled.

Other layouts (Logstash's and Fluent Bit's object names carry no offsets) are counted by reading
each new object, and again if it changes; they write about one object a minute, so that stays cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

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
    newest_lines: int | None = None  # its line count when last read
    stale: bool = True  # not read since it was uploaded (first or again)


class S3Tally:
    def __init__(self) -> None:
        self.objects = 0
        self.closed_records = 0  # records in objects whose successor is known (from offsets) or settled
        self.runs: dict[int, PartitionRun] = {}
        self.lines: dict[str, int] = {}  # objects without offsets in their names -> line count when last read
        self.unread: dict[str, None] = {}  # such objects to read (new, or changed since read), in order

    def observe(self, key: str) -> None:
        """A key seen for the first time (the caller passes each key once; a change goes to `rewritten`)."""
        self.objects += 1
        position = offset_of(key)
        if position is None:
            self.unread[key] = None
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

    def rewritten(self, key: str) -> None:
        """An object seen before was uploaded again (new ETag or size): it is read again, and its new
        count replaces its old one. An older object of a partition counts by offsets: nothing to read."""
        position = offset_of(key)
        if position is None:
            if key in self.lines:
                self.unread[key] = None
            return
        run = self.runs.get(position[0])
        if run is not None and run.newest_key == key:
            run.stale = True

    def to_read(self, budget: int) -> list[str]:
        """Keys whose lines are needed: each partition's newest object, then other unread objects."""
        newest = [run.newest_key for run in self.runs.values() if run.stale]
        return (newest + list(islice(self.unread, budget)))[:budget]

    def counted(self, key: str, lines: int) -> None:
        """The line count of an object that `to_read` asked for: the key's count from now on."""
        for run in self.runs.values():
            if run.newest_key == key:
                run.newest_lines, run.stale = lines, False
                return
        if key in self.unread:
            del self.unread[key]
            self.lines[key] = lines

    def waiting(self, key: str) -> bool:
        """Whether an object without offsets in its name is still to be read."""
        return key in self.unread

    def settle(self, key: str) -> None:
        """An object read and no longer listed (its hour has passed): its count stops changing."""
        self.closed_records += self.lines.pop(key, 0)

    @property
    def records(self) -> int:
        return self.closed_records + sum(self.lines.values()) + sum(run.newest_lines or 0 for run in self.runs.values())

    @property
    def pending(self) -> int:
        """Objects whose records are not counted yet, or not since they changed."""
        return len(self.unread) + sum(1 for run in self.runs.values() if run.stale)


def line_count(body: bytes) -> int:
    """JSON Lines records in an object: lines with something on them."""
    return sum(1 for line in body.splitlines() if line.strip())

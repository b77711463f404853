"""A consume loop that survives malformed messages: it names the partition and offset, and goes on.

Handlers receive decoded JSON and raise ValueError for a value of the wrong shape; both cases are
reported the same way and counted, and never stop the loop.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from kafka.errors import KafkaError

from .errors import LabError
from .kafka_io import decode_json


@dataclass
class ConsumeSummary:
    received: int = 0
    malformed: int = 0

    def line(self, topic: str) -> str:
        return f"read {self.received:,} messages from {topic!r}, skipped {self.malformed:,} malformed"


def where(message) -> str:
    return f"{message.topic}[{message.partition}]@{message.offset}"


def consume(
    consumer,
    handle: Callable[[Any, Any], None],
    stop: threading.Event,
    on_malformed: Callable[[Any, str], None],
    max_messages: int | None = None,
    exit_when_idle_s: float | None = None,
) -> ConsumeSummary:
    """Call `handle(message, value)` for each JSON message until `stop`, a limit, or idleness."""
    summary = ConsumeSummary()
    idle_since = time.monotonic()
    while not stop.is_set() and (max_messages is None or summary.received < max_messages):
        room = None if max_messages is None else max_messages - summary.received
        try:
            batch = consumer.poll(timeout_ms=500, max_records=room)
        except KafkaError as exc:
            raise LabError(f"consuming failed: {exc}", "is the broker still up? `streamlab status`") from None
        if batch:
            idle_since = time.monotonic()
        elif exit_when_idle_s is not None and time.monotonic() - idle_since >= exit_when_idle_s:
            break
        for records in batch.values():
            for message in records:
                summary.received += 1
                if not _handle_one(message, handle, on_malformed):
                    summary.malformed += 1
    return summary


def _handle_one(message, handle, on_malformed) -> bool:
    value, error = decode_json(message.value)
    if error is None:
        try:
            handle(message, value)
            return True
        except ValueError as exc:
            error = str(exc)
    on_malformed(message, error)
    return False


def warn_malformed(console) -> Callable[[Any, str], None]:
    """An `on_malformed` that prints one yellow line per skipped message."""
    def report(message, reason: str) -> None:
        console.print(f"[yellow]skipped malformed message at {where(message)}: {reason}[/yellow]", highlight=False)
    return report

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
from rich.markup import escape

from ..clients.kafka_client import decode_json, make_consumer, position
from ..errors import LabError
from .args import stop_on_signals

JOIN_GRACE_S = 30.0


@dataclass
class ConsumeSummary:
    received: int = 0
    malformed: int = 0

    def line(self, topic: str) -> str:
        return f"read {self.received:,} messages from {topic!r}, skipped {self.malformed:,} malformed"


def consume(
    consumer,
    handle: Callable[[Any, Any], None],
    stop: threading.Event,
    on_malformed: Callable[[Any, str], None],
    max_messages: int | None = None,
    exit_when_idle_s: float | None = None,
    decode: Callable[[bytes | None], tuple[Any, str | None]] = decode_json,
    after_batch: Callable[[Any], None] | None = None,
    on_idle: Callable[[float], None] | None = None,
) -> ConsumeSummary:
    """Call `handle(message, value)` for each message until `stop`, a limit, or idleness.

    `decode` turns the raw value into (value, None) or (None, reason); `after_batch` runs after
    each polled batch with the consumer (a processor flushes its output and commits there);
    `on_idle` gets the seconds since the last message after each empty poll.
    """
    summary = ConsumeSummary()
    started = idle_since = time.monotonic()
    while not stop.is_set() and (max_messages is None or summary.received < max_messages):
        room = None if max_messages is None else max_messages - summary.received
        try:
            batch = consumer.poll(timeout_ms=500, max_records=room)
        except KafkaError as exc:
            raise LabError(f"consuming failed: {exc}", "is the broker still up? `streamlab status`") from None
        idle_s = time.monotonic() - idle_since
        if batch or _joining(consumer, started):
            idle_since = time.monotonic()
        elif exit_when_idle_s is not None and idle_s >= exit_when_idle_s:
            break
        elif on_idle is not None:
            on_idle(idle_s)
        for records in batch.values():
            for message in records:
                summary.received += 1
                if not _handle_one(message, handle, on_malformed, decode):
                    summary.malformed += 1
        if batch and after_batch is not None:
            after_batch(consumer)
    return summary


def _joining(consumer, started: float) -> bool:
    """Still waiting for partitions (a group join can take seconds): not idle yet, for a while."""
    return not consumer.assignment() and time.monotonic() - started < JOIN_GRACE_S


def _handle_one(message, handle, on_malformed, decode) -> bool:
    value, error = decode(message.value)
    if error is None:
        try:
            handle(message, value)
            return True
        except ValueError as exc:
            error = str(exc)
    on_malformed(message, error)
    return False


def raw_value(raw: bytes | None) -> tuple[Any, str | None]:
    """A `decode` for processors that take any bytes: only a tombstone is malformed."""
    return (raw, None) if raw is not None else (None, "empty message (tombstone)")


def warn_malformed(console) -> Callable[[Any, str], None]:
    """An `on_malformed` that prints one yellow line per skipped message."""
    def report(message, reason: str) -> None:
        console.print(f"[yellow]skipped malformed message at {escape(position(message))}: {escape(reason)}[/yellow]",
                      highlight=False)
    return report


def consume_topic(args, handle, console, output=None, commit_offsets=None, on_start=None, **options) -> ConsumeSummary:
    """Consume `args.topic` as a script's consumer arguments say (group, start, limits), then close.

    With an `output` producer (a processor), each polled batch's output is flushed before the
    input offsets are committed: a crash re-processes a batch rather than losing it.
    `commit_offsets(consumer)` says what to commit (default: the consumer's positions);
    `on_start(consumer)` runs before the first poll. Ctrl+C stops between messages, so the
    caller can print its summary.
    """
    consumer_options = {}
    if output is not None:
        consumer_options["enable_auto_commit"] = False
        options["after_batch"] = flush_then_commit(output, commit=args.group is not None, offsets=commit_offsets)
    consumer = make_consumer(args.bootstrap_servers, args.topic, group_id=args.group,
                             from_beginning=args.from_beginning, **consumer_options)
    stop = stop_on_signals()
    try:
        if on_start is not None:
            on_start(consumer)
        return consume(consumer, handle, stop, warn_malformed(console), args.max_messages, args.exit_when_idle, **options)
    finally:
        consumer.close()


def flush_then_commit(producer, commit: bool, offsets: Callable[[Any], dict] | None = None) -> Callable[[Any], None]:
    def after_batch(consumer) -> None:
        try:
            producer.flush(timeout=30)
            if commit and offsets is not None:
                consumer.commit(offsets(consumer))
            elif commit:
                consumer.commit()
        except KafkaError as exc:
            raise LabError(f"could not hand this batch on: {exc}",
                           "nothing was committed: a restart processes the batch again") from None
    return after_batch

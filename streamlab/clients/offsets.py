"""Read a topic's partitions from given offsets up to their current end.

Used by the log streamer to learn what reached Kafka before a crash, and by tests to read back
everything a run produced.
"""

from __future__ import annotations

import time
from typing import Iterable, Iterator

from kafka import TopicPartition

from ..errors import LabError
from .kafka_client import make_consumer

PartitionKey = tuple[str, int]


def topic_partitions(consumer, topic: str) -> list[TopicPartition]:
    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        raise LabError(f"topic {topic} does not exist", "`make up` creates the lab's topics, or pass --topic", exit_code=2)
    return [TopicPartition(topic, number) for number in sorted(partitions)]


def end_offsets(bootstrap: str, topics: Iterable[str]) -> dict[PartitionKey, int]:
    """The next offset of every partition of `topics`; a missing topic is a one-line error."""
    consumer = make_consumer(bootstrap)
    try:
        partitions = [tp for topic in topics for tp in topic_partitions(consumer, topic)]
        return {(tp.topic, tp.partition): offset for tp, offset in consumer.end_offsets(partitions).items()}
    finally:
        consumer.close()


def read_range(
    bootstrap: str,
    topics: Iterable[str],
    start: dict[PartitionKey, int] | None = None,
    timeout_s: float = 60.0,
) -> Iterator:
    """Every record from `start` (default: the beginning) up to the end offsets as of the call."""
    start = start or {}
    consumer = make_consumer(bootstrap, enable_auto_commit=False)
    try:
        partitions = [tp for topic in topics for tp in topic_partitions(consumer, topic)]
        consumer.assign(partitions)
        ends = consumer.end_offsets(partitions)
        firsts = consumer.beginning_offsets(partitions)
        for tp in partitions:
            wanted = start.get((tp.topic, tp.partition), firsts[tp])
            # An offset past the end means the topic was re-created: everything in it is new to us.
            consumer.seek(tp, wanted if firsts[tp] <= wanted <= ends[tp] else firsts[tp])
        yield from _until_ends(consumer, ends, timeout_s)
    finally:
        consumer.close()


def _until_ends(consumer, ends: dict[TopicPartition, int], timeout_s: float) -> Iterator:
    remaining = {tp for tp, end in ends.items() if consumer.position(tp) < end}
    deadline = time.monotonic() + timeout_s
    while remaining:
        if time.monotonic() > deadline:
            raise LabError(f"reading {sorted(str(tp) for tp in remaining)} took over {timeout_s:.0f}s",
                           "check that the broker is healthy")
        for tp, records in consumer.poll(timeout_ms=500).items():
            for record in records:
                if record.offset < ends[tp]:
                    yield record
        remaining = {tp for tp in remaining if consumer.position(tp) < ends[tp]}

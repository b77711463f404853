"""The message browser's reads: the newest messages of a topic, and a stream of the ones arriving.

Each read has a consumer of its own, assigned to partitions without a group: browsing never commits,
never rebalances anyone, and leaves no consumer group behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kafka.errors import KafkaError

from kafka import TopicPartition

from ...clients.kafka_client import make_consumer
from ...errors import LabError
from ..errors import ConsoleError, not_found, unavailable
from ..messages import matches, message_view, newest_first, read_windows
from .kafka import WAIT_S, check_topic_name, offsets_of

READ_DEADLINE_S = 4.0  # reading back messages: at most this long per request
TAIL_PER_PARTITION = 20  # a stream shows the newest; at 10,000/s it skips the rest, and says how many
SCAN_LIMIT = 5000  # records read back per partition when a filter looks for matches


class MessagesSource:
    def __init__(self, bootstrap: str, redact: Callable[[str | None], str | None] = lambda text: text, wait_s: float = WAIT_S):
        self.bootstrap, self.redact, self.wait_s = bootstrap, redact, wait_s

    def newest(self, topic: str, limit: int = 50, text: str | None = None, key: str | None = None,
               partition: int | None = None) -> dict:
        """The newest `limit` messages matching the filters, newest first, and how many were looked at."""
        check_topic_name(topic)
        consumer = self._consumer()
        try:
            partitions = assign(consumer, topic, partition)
            begins, ends = offsets_of(consumer, partitions)
            starts = read_windows(ends, begins, SCAN_LIMIT if (text or key) else limit)
            records = read_between(consumer, starts, ends, READ_DEADLINE_S)
        except (KafkaError, OSError):
            raise unavailable("Kafka", self.bootstrap) from None
        finally:
            consumer.close()
        views = [message_view(record, self.redact) for record in records]
        found = [view for view in views if matches(view, text, key)]
        return {"topic": topic, "messages": newest_first(found, limit), "scanned": len(views), "matched": len(found),
                "ends": {tp.partition: end for tp, end in ends.items()}}

    def tail(self, topic: str) -> Tail:
        """A stream of the messages arriving from now on; the caller closes it."""
        check_topic_name(topic)
        consumer = self._consumer()
        try:
            return Tail(consumer, assign(consumer, topic, None), self.redact)
        except (KafkaError, OSError):
            consumer.close()
            raise unavailable("Kafka", self.bootstrap) from None
        except ConsoleError:
            consumer.close()
            raise

    def _consumer(self):
        try:
            return make_consumer(self.bootstrap, wait_s=self.wait_s, enable_auto_commit=False)
        except LabError:
            raise unavailable("Kafka", self.bootstrap) from None


class Tail:
    """Each step reads what arrived since the last one: at most TAIL_PER_PARTITION newest per
    partition, so a stream costs the same at 10 or 10,000 messages a second."""

    def __init__(self, consumer, partitions: list[TopicPartition], redact):
        self.consumer, self.partitions, self.redact = consumer, partitions, redact
        self.positions = offsets_of(consumer, partitions, begins=False)[1]

    def step(self) -> dict:
        ends = offsets_of(self.consumer, self.partitions, begins=False)[1]
        starts = {tp: max(self.positions.get(tp, end), end - TAIL_PER_PARTITION) for tp, end in ends.items()}
        skipped = sum(max(0, starts[tp] - self.positions.get(tp, ends[tp])) for tp in ends)
        records = read_between(self.consumer, starts, ends, READ_DEADLINE_S)
        self.positions = ends
        views = [message_view(record, self.redact) for record in records]
        return {"messages": newest_first(views, len(views)), "skipped": skipped}

    def close(self) -> None:
        self.consumer.close()


def assign(consumer, topic: str, partition: int | None) -> list[TopicPartition]:
    """Assign the topic's partitions (or one); 404 for a topic or partition that does not exist."""
    numbers = consumer.partitions_for_topic(topic)
    if not numbers:
        raise not_found(f"topic {topic!r} does not exist")
    if partition is not None and partition not in numbers:
        raise not_found(f"topic {topic!r} has no partition {partition}")
    partitions = [TopicPartition(topic, p) for p in sorted(numbers) if partition is None or p == partition]
    consumer.assign(partitions)
    return partitions


def read_between(consumer, starts: dict, ends: dict, deadline_s: float) -> list:
    """Records from each partition's start up to (not including) its end offset, within a deadline."""
    for tp, start in starts.items():  # every assigned partition: one left unpositioned would be read from its beginning
        consumer.seek(tp, start)
    wanted = {tp: start for tp, start in starts.items() if start < ends[tp]}
    records, deadline = [], time.monotonic() + deadline_s
    while wanted and time.monotonic() < deadline:
        for tp, batch in consumer.poll(timeout_ms=300, max_records=2000).items():
            records.extend(record for record in batch if record.offset < ends[tp])
        wanted = {tp: start for tp, start in wanted.items() if consumer.position(tp) < ends[tp]}
    return records

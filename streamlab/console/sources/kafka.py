"""The console's shared Kafka clients (kafka-python) and the topic list with its offsets.

One admin client and one metadata consumer serve the sampler and the pages, behind a lock
(kafka-python's clients are not meant for several threads at once), and are rebuilt after a failure
so the console recovers by itself when the broker comes back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kafka.errors import KafkaError

from kafka import TopicPartition

from ...clients.kafka_client import make_admin, make_consumer
from ...clients.topics import describe as describe_topic
from ...errors import LabError
from ...topology import invalid_topic_reason
from ..errors import bad_request, not_found, unavailable

WAIT_S = 3.0  # a console answers "Kafka is down" in seconds
OFFSETS_TIMEOUT_MS = 5000  # not kafka-python's 30 s default: a sampler tick must not hang that long


def check_topic_name(name: str) -> None:
    if reason := invalid_topic_reason(name):
        raise bad_request(f"{name!r} is not a topic name: {reason}")


def offsets_of(consumer, partitions: list[TopicPartition], begins: bool = True) -> tuple[dict, dict]:
    """(beginning, end) offsets of `partitions`, one request each, bounded in time."""
    if not partitions:
        return {}, {}
    first = _offsets(consumer.beginning_offsets, partitions) if begins else {}
    return first, _offsets(consumer.end_offsets, partitions)


def _offsets(ask, partitions: list[TopicPartition]) -> dict:
    """One request for all; when kafka-python has no answer for one (a topic it has no metadata for
    yet raises KeyError), ask per partition and leave out the ones that still have none."""
    try:
        return dict(ask(partitions, timeout_ms=OFFSETS_TIMEOUT_MS))
    except KeyError:
        answers = {}
        for tp in partitions:
            try:
                answers.update(ask([tp], timeout_ms=OFFSETS_TIMEOUT_MS))
            except KeyError:
                continue
        return answers


def partitions_of(consumer, topics: list[str]) -> list[TopicPartition]:
    return [TopicPartition(topic, p) for topic in topics for p in sorted(consumer.partitions_for_topic(topic) or ())]


class KafkaClients:
    def __init__(self, bootstrap: str, wait_s: float = WAIT_S):
        self.bootstrap, self.wait_s = bootstrap, wait_s
        self._admin = self._consumer = None
        self._lock = threading.RLock()

    @contextmanager
    def use(self) -> Iterator[tuple]:
        """(admin, metadata consumer) under the lock; a broker error is a 503 and drops both."""
        with self._lock:
            try:
                if self._admin is None:
                    self._admin = make_admin(self.bootstrap, self.wait_s)
                if self._consumer is None:
                    self._consumer = make_consumer(self.bootstrap, wait_s=self.wait_s, enable_auto_commit=False)
                yield self._admin, self._consumer
            except (KafkaError, OSError) as exc:
                self._drop()
                raise unavailable("Kafka", self.bootstrap) from exc
            except LabError as exc:
                if "not reachable" not in str(exc):
                    raise  # e.g. a topic that does not exist: the broker answered
                self._drop()
                raise unavailable("Kafka", self.bootstrap) from None

    def _drop(self) -> None:
        for client in (self._admin, self._consumer):
            try:
                if client is not None:
                    client.close()
            except Exception:  # closing a client of a dead broker may fail too; it is gone either way
                pass
        self._admin = self._consumer = None

    def close(self) -> None:
        with self._lock:
            self._drop()


class TopicsSource:
    def __init__(self, clients: KafkaClients, redact: Callable[[str | None], str | None] = lambda text: text):
        self.clients, self.redact = clients, redact

    def close(self) -> None:
        self.clients.close()

    def topic_offsets(self) -> dict[str, dict]:
        """{topic: {partitions, end, messages}} for every topic: the sampler's one look per tick."""
        with self.clients.use() as (_, consumer):
            names = sorted(consumer.topics())
            begins, ends = offsets_of(consumer, partitions_of(consumer, names))
        figures: dict[str, dict] = {name: {"partitions": 0, "end": 0, "messages": 0} for name in names}
        for tp, end in ends.items():
            entry = figures[tp.topic]
            entry["partitions"] += 1
            entry["end"] += end
            entry["messages"] += max(0, end - begins.get(tp, 0))
        return figures

    def topics(self) -> list[dict]:
        """Every topic with its partitions' beginning and end offsets."""
        with self.clients.use() as (_, consumer):
            names = sorted(consumer.topics())
            partitions = partitions_of(consumer, names)
            begins, ends = offsets_of(consumer, partitions)
        by_topic: dict[str, list[dict]] = {name: [] for name in names}
        for tp in partitions:
            by_topic[tp.topic].append({"partition": tp.partition, "begin": begins.get(tp, 0), "end": ends.get(tp, 0)})
        return [{"name": name, "internal": name.startswith("_"), "partitions": rows,
                 "messages": sum(max(0, r["end"] - r["begin"]) for r in rows)} for name, rows in by_topic.items()]

    def topic(self, name: str) -> dict:
        """One topic: each partition's leader, replicas, ISR and offsets, and the topic's own configs."""
        check_topic_name(name)
        with self.clients.use() as (admin, consumer):
            if name not in consumer.topics():
                raise not_found(f"topic {name!r} does not exist")
            described, configs = describe_topic(admin, name)
            begins, ends = offsets_of(consumer, partitions_of(consumer, [name]))
        rows = []
        for p in described:
            tp = TopicPartition(name, p.partition)
            rows.append({"partition": p.partition, "leader": p.leader, "replicas": p.replicas, "isr": p.isr,
                         "begin": begins.get(tp, 0), "end": ends.get(tp, 0)})
        return {"name": name, "partitions": rows, "configs": {k: self.redact(v) for k, v in configs.items()},
                "messages": sum(max(0, r["end"] - r["begin"]) for r in rows)}

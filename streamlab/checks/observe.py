"""What the checks read, from addresses and settings (never the Lab): one object per check run.

Every read is bounded; a service that does not answer is a LabError the check turns into a miss.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kafka.errors import KafkaError

from kafka import TopicPartition

from ..clients.connect import ConnectClient
from ..clients.kafka_client import SETTINGS_HINT, decode_json, make_admin, make_consumer
from ..clients.opensearch import OpenSearch
from ..clients.s3 import list_objects, read_object
from ..config import Settings
from ..errors import LabError

RECENT = 300  # messages per partition a check reads back, newest last


@dataclass
class Observer:
    settings: Settings

    @cached_property
    def admin(self):
        return make_admin(self.settings.KAFKA_BOOTSTRAP, wait_s=5, unreachable_hint=SETTINGS_HINT)

    def close(self) -> None:
        if "admin" in self.__dict__:
            self.admin.close()

    # --- Kafka ----------------------------------------------------------------------------------
    def topics(self) -> dict[str, int]:
        """Topic name -> partition count."""
        return {meta["name"]: len(meta["partitions"]) for meta in self.admin.describe_topics()}

    def end_offsets(self, topic: str) -> dict[int, int]:
        consumer = make_consumer(self.settings.KAFKA_BOOTSTRAP, wait_s=5, unreachable_hint=SETTINGS_HINT)
        try:
            partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
            return {tp.partition: end for tp, end in consumer.end_offsets(partitions).items()}
        finally:
            consumer.close()

    def message_count(self, topic: str) -> int:
        """Messages in the topic now (end minus beginning offsets)."""
        consumer = make_consumer(self.settings.KAFKA_BOOTSTRAP, wait_s=5, unreachable_hint=SETTINGS_HINT)
        try:
            partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
            ends, firsts = consumer.end_offsets(partitions), consumer.beginning_offsets(partitions)
            return sum(ends[tp] - firsts[tp] for tp in partitions)
        finally:
            consumer.close()

    def recent(self, topic: str, per_partition: int = RECENT) -> list[dict[str, Any]]:
        """The newest JSON messages of every partition (malformed ones skipped), each with its Kafka timestamp (`_ts`, s)."""
        consumer = make_consumer(self.settings.KAFKA_BOOTSTRAP, enable_auto_commit=False, wait_s=5, unreachable_hint=SETTINGS_HINT)
        try:
            partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
            if not partitions:
                return []
            consumer.assign(partitions)
            ends, firsts = consumer.end_offsets(partitions), consumer.beginning_offsets(partitions)
            for tp in partitions:
                consumer.seek(tp, max(firsts[tp], ends[tp] - per_partition))
            return _read_until(consumer, ends)
        finally:
            consumer.close()

    def groups_reading(self, topic: str) -> dict[str, int]:
        """Consumer groups with committed offsets on `topic` -> total committed."""
        found = {}
        for listed in self.admin.list_groups():
            group = listed.get("group_id", "")
            try:
                offsets = self.admin.list_group_offsets({group: None}).get(group, {})
            except KafkaError:  # a group that went away between the two calls
                continue
            committed = sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset > 0)
            if committed:
                found[group] = committed
        return found

    # --- Connect, S3, OpenSearch ----------------------------------------------------------------
    @cached_property
    def connect(self) -> ConnectClient:
        return ConnectClient(self.settings.CONNECT_URL, timeout_s=5)

    def connector(self, name: str) -> tuple[dict | None, dict]:
        """(its config or None when not registered, its status)."""
        config = self.connect.config_of(name)
        return config, (self.connect.status(name) if config is not None else {})

    def objects(self, prefix: str) -> list[tuple[str, int]]:
        """(key, size) under the prefix."""
        return [(key, size) for key, size, _ in list_objects(self.settings, prefix, count_records=False)]

    def object_lines(self, key: str) -> list[str]:
        return [line for line in read_object(self.settings, key).decode(errors="replace").splitlines() if line.strip()]

    @cached_property
    def opensearch(self) -> OpenSearch:
        return OpenSearch(self.settings, timeout_s=5)

    def documents(self, index_pattern: str) -> int:
        return self.opensearch.count(index_pattern)

    def sample_documents(self, index_pattern: str, size: int = 20) -> list[dict]:
        return self.opensearch.search(index_pattern, {"match_all": {}}, size=size)


def _read_until(consumer, ends: dict[TopicPartition, int], timeout_s: float = 10.0) -> list[dict[str, Any]]:
    import time

    values: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    remaining = {tp for tp, end in ends.items() if consumer.position(tp) < end}
    while remaining and time.monotonic() < deadline:
        for tp, records in consumer.poll(timeout_ms=500).items():
            for record in records:
                value, error = decode_json(record.value)
                if error is None and isinstance(value, dict):
                    values.append({**value, "_ts": record.timestamp / 1000, "_key": record.key})
        remaining = {tp for tp in remaining if consumer.position(tp) < ends[tp]}
    if remaining:
        raise LabError(f"reading back {sorted(tp.topic for tp in remaining)} took over {timeout_s:.0f}s")
    return values

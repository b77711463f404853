"""Kafka clients with the lab's conventions: bounded waits, JSON values, one-line errors.

Every producer and consumer script builds its clients here, so a broker that does not answer
always ends the same way: a bounded wait, then one line naming the address tried and a hint that
names only what the caller really has (`unreachable_hint`).
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError
from kafka.serializer import Serializer

from kafka import KafkaConsumer, KafkaProducer

from ..errors import LabError
from .waits import bounded_wait

DEFAULT_WAIT_S = 10.0
# The scripts and `streamlab consume | produce | topics` take --bootstrap-servers; a caller without it
# (`streamlab up`, `verify`) passes SETTINGS_HINT, the cluster drill a hint of its own.
OPTION_HINT = "start the lab with `make up`, or pass --bootstrap-servers HOST:PORT"
SETTINGS_HINT = "start the lab with `make up`; the address is KAFKA_BOOTSTRAP in .env"


def broker_unreachable(bootstrap: str, hint: str = OPTION_HINT) -> LabError:
    return LabError(f"Kafka is not reachable at {bootstrap}", hint)


def to_json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class CompactJson(Serializer):
    """Values as compact UTF-8 JSON (non-ASCII kept readable)."""

    def serialize(self, topic, headers, data):
        return None if data is None else to_json_bytes(data)


class TextKey(Serializer):
    """Keys as UTF-8 text; None stays None (round-robin partitioning)."""

    def serialize(self, topic, headers, data):
        return None if data is None else str(data).encode()


def make_producer(bootstrap: str, wait_s: float = DEFAULT_WAIT_S, unreachable_hint: str = OPTION_HINT,
                  **overrides: Any) -> KafkaProducer:
    """A JSON producer with acks=all and idempotence-friendly settings; fails in one line if the broker is down."""
    wait_s = bounded_wait(wait_s)
    options = dict(
        bootstrap_servers=bootstrap,
        acks="all",
        linger_ms=5,
        batch_size=64 * 1024,
        retries=5,
        value_serializer=CompactJson(),
        key_serializer=TextKey(),
        request_timeout_ms=int(max(wait_s, 5) * 1000),
        bootstrap_timeout_ms=int(wait_s * 1000),
        max_block_ms=int(wait_s * 1000),
    )
    options.update(overrides)
    try:
        return KafkaProducer(**options)
    except (KafkaError, OSError) as exc:
        raise broker_unreachable(bootstrap, unreachable_hint) from exc


def make_consumer(
    bootstrap: str,
    *topics: str,
    group_id: str | None = None,
    from_beginning: bool = True,
    wait_s: float = DEFAULT_WAIT_S,
    unreachable_hint: str = OPTION_HINT,
    **overrides: Any,
) -> KafkaConsumer:
    """A raw-bytes consumer (decode with `decode_json`, which tolerates malformed values)."""
    wait_s = bounded_wait(wait_s)
    options = dict(
        bootstrap_servers=bootstrap,
        group_id=group_id,
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=group_id is not None,
        bootstrap_timeout_ms=int(wait_s * 1000),
    )
    options.update(overrides)
    try:
        return KafkaConsumer(*topics, **options)
    except (KafkaError, OSError) as exc:
        raise broker_unreachable(bootstrap, unreachable_hint) from exc


def make_admin(bootstrap: str, wait_s: float = DEFAULT_WAIT_S, unreachable_hint: str = OPTION_HINT) -> KafkaAdminClient:
    wait_s = bounded_wait(wait_s)
    try:
        return KafkaAdminClient(
            bootstrap_servers=bootstrap,
            bootstrap_timeout_ms=int(wait_s * 1000),
            request_timeout_ms=int(max(wait_s, 5) * 1000),
        )
    except (KafkaError, OSError) as exc:
        raise broker_unreachable(bootstrap, unreachable_hint) from exc


def position(message) -> str:
    """Where a message sits: topic[partition]@offset."""
    return f"{message.topic}[{message.partition}]@{message.offset}"


def decode_json(raw: bytes | None) -> tuple[Any, str | None]:
    """(value, None) for a JSON message, (None, reason) for a malformed one."""
    if raw is None:
        return None, "empty message (tombstone)"
    try:
        return json.loads(raw), None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"not JSON: {exc}"


def iter_json(consumer: KafkaConsumer, max_messages: int | None = None, idle_s: float | None = None) -> Iterator:
    """Yield (message, value, error) until max_messages or idle_s seconds with nothing new."""
    seen = 0
    while max_messages is None or seen < max_messages:
        batch = consumer.poll(timeout_ms=int((idle_s or 1.0) * 1000))
        if not batch:
            if idle_s is not None:
                return
            continue
        for records in batch.values():
            for message in records:
                value, error = decode_json(message.value)
                yield message, value, error
                seen += 1
                if max_messages is not None and seen >= max_messages:
                    return

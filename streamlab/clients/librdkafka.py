"""confluent-kafka (librdkafka) clients with the lab's conventions: the client of every path where rate matters.

kafka-python (kafka_client.py) stays the course's client; librdkafka sends ~15x faster from Python
because batching, compression and acknowledgements run in C threads. Conventions: acks=all,
idempotence, no compression by default (the lab's broker is local; `compression` sets one),
bounded timeouts, and a broker that does not answer is one line naming the address tried.
"""

from __future__ import annotations

import logging
from typing import Any

from confluent_kafka import KafkaException, Producer

from .kafka_client import DEFAULT_WAIT_S, OPTION_HINT, broker_unreachable
from .waits import bounded_wait

# librdkafka logs connection failures to stderr on its own; the lab reports them as one line instead.
_quiet = logging.getLogger("streamlab.librdkafka")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


def producer_config(bootstrap: str, wait_s: float = DEFAULT_WAIT_S, delivery_timeout_s: float = 30.0,
                    compression: str = "none", **overrides: Any) -> dict[str, Any]:
    """The librdkafka settings every lab producer shares; `overrides` use librdkafka's own names."""
    config = {
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "enable.idempotence": True,  # the producer's own retries never write a record twice
        "linger.ms": 5,
        "socket.nagle.disable": True,  # small acks=all requests are not held back by Nagle's algorithm
        "batch.size": 1_000_000,
        "compression.type": compression,
        "queue.buffering.max.messages": 500_000,
        "message.timeout.ms": int(delivery_timeout_s * 1000),  # a record not acknowledged by then is reported failed
        "socket.connection.setup.timeout.ms": int(max(wait_s, 1) * 1000),  # librdkafka's minimum: 1 s
        "logger": _quiet,
    }
    config.update(overrides)
    return config


def make_fast_producer(bootstrap: str, wait_s: float = DEFAULT_WAIT_S, unreachable_hint: str = OPTION_HINT,
                       **settings: Any) -> Producer:
    """A librdkafka producer, once the broker answered a metadata request within `wait_s`."""
    wait_s = bounded_wait(wait_s)
    producer = Producer(producer_config(bootstrap, wait_s, **settings))
    try:
        producer.list_topics(timeout=wait_s)
    except KafkaException as exc:
        raise broker_unreachable(bootstrap, unreachable_hint) from exc
    return producer

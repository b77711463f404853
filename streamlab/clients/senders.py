"""Two Kafka clients behind one small interface, so a script can choose: `--client`.

A sender takes (topic, value, key), counts deliveries from the broker's acknowledgements into a
`Deliveries` tally, and flushes. ConfluentSender (librdkafka) is the default where rate matters;
KafkaPythonSender keeps the course's client selectable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from kafka.errors import KafkaError

from .kafka_client import make_producer
from .librdkafka import make_fast_producer

CONFLUENT, KAFKA_PYTHON = "confluent-kafka", "kafka-python"
CLIENTS = (CONFLUENT, KAFKA_PYTHON)


@dataclass
class Deliveries:
    """What the broker acknowledged, and the first error it reported."""

    delivered: int = 0
    failed: int = 0
    first_error: str = ""

    def ok(self, _metadata=None) -> None:
        self.delivered += 1

    def error(self, exc: BaseException | str) -> None:
        self.failed += 1
        self.first_error = self.first_error or (exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}")


class ConfluentSender:
    """librdkafka: values are bytes; delivery reports arrive on `service()` and `flush()`.

    `send(topic, value, key)` is librdkafka's own produce call with the report callback bound in, so
    a record costs no Python frame of ours; it raises BufferError when the local queue is full, and
    the caller then calls `make_room()` and sends again.
    """

    def __init__(self, bootstrap: str, deliveries: Deliveries, **settings: Any):
        self.deliveries = deliveries
        self._producer = make_fast_producer(bootstrap, **settings)
        self.send = partial(self._producer.produce, on_delivery=self._report)

    def _report(self, err, _msg) -> None:
        if err is None:
            self.deliveries.delivered += 1
        else:
            self.deliveries.error(err.str())

    def make_room(self) -> None:
        """Wait until acknowledgements free part of the local queue."""
        self._producer.poll(0.5)

    def service(self) -> None:
        """Run the delivery callbacks that are due (cheap; call it often)."""
        self._producer.poll(0)

    def flush(self, timeout_s: float) -> None:
        self._producer.flush(timeout_s)

    def close(self) -> None:
        self._producer.flush(0)


class KafkaPythonSender:
    """kafka-python, the course's client; `producer_options` go to KafkaProducer (e.g. a value_serializer)."""

    def __init__(self, bootstrap: str, deliveries: Deliveries, **producer_options: Any):
        self.deliveries = deliveries
        self._producer = make_producer(bootstrap, **producer_options)

    def send(self, topic: str, value, key=None) -> None:
        future = self._producer.send(topic, value=value, key=key)
        future.add_callback(self.deliveries.ok).add_errback(self.deliveries.error)

    def make_room(self) -> None:
        """kafka-python blocks in send() while its buffer is full."""

    def service(self) -> None:
        """kafka-python runs callbacks on its own I/O thread."""

    def flush(self, timeout_s: float) -> None:
        try:
            self._producer.flush(timeout=timeout_s)
        except KafkaError as exc:
            self.deliveries.error(exc)

    def close(self) -> None:
        self._producer.close()


def make_sender(client: str, bootstrap: str, deliveries: Deliveries, **options: Any):
    """A sender of `client` (confluent-kafka or kafka-python); values must be bytes unless options say otherwise."""
    if client == CONFLUENT:
        return ConfluentSender(bootstrap, deliveries, **options)
    options.setdefault("value_serializer", None)  # bytes pass through, as with librdkafka
    return KafkaPythonSender(bootstrap, deliveries, **options)

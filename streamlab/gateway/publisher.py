"""Writes records to Kafka with acks=all and returns where each landed (partition, offset)."""

from __future__ import annotations

import threading

from kafka.errors import KafkaError, MessageSizeTooLargeError

from kafka import KafkaProducer

from ..clients.kafka_client import make_producer
from ..errors import LabError
from .errors import GatewayError, kafka_unavailable


class KafkaPublisher:
    """One shared producer, built on first use so the gateway starts (and answers 503) without Kafka."""

    def __init__(self, bootstrap: str, wait_s: float = 5.0):
        self.bootstrap, self.wait_s = bootstrap, wait_s
        self._producer: KafkaProducer | None = None
        self._lock = threading.Lock()

    def _get(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                try:
                    # linger 0: a single POST waits for nothing but the broker's acknowledgement.
                    self._producer = make_producer(self.bootstrap, self.wait_s, linger_ms=0)
                except LabError:
                    raise kafka_unavailable(self.bootstrap) from None
            return self._producer

    def publish(self, topic: str, records: list[dict], keys: list[str | None]) -> list[tuple[int, int]]:
        """Send all records, then wait for every acknowledgement; 503 when Kafka does not answer.

        A batch is not atomic: after a 503 some of its records may be stored (retrying may duplicate).
        """
        producer = self._get()
        try:
            futures = [producer.send(topic, value=record, key=key) for record, key in zip(records, keys)]
            acked = [future.get(timeout=self.wait_s * 2) for future in futures]
        except MessageSizeTooLargeError:
            raise GatewayError(413, "record_too_large", "a record is larger than the broker accepts (1 MiB); split it") from None
        except KafkaError:
            raise kafka_unavailable(self.bootstrap) from None
        return [(meta.partition, meta.offset) for meta in acked]

    def close(self) -> None:
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=self.wait_s)
                self._producer = None

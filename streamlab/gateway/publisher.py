"""Writes records to Kafka with acks=all and returns where each landed (partition, offset).

librdkafka (confluent-kafka) sends; a poller thread runs its delivery reports, and each report
resolves an asyncio future of the request that sent the record. So a POST waits for its own
acknowledgement without holding a thread, and concurrent POSTs share the broker's batches.
"""

from __future__ import annotations

import asyncio
import threading

from confluent_kafka import KafkaError, Producer

from ..clients.kafka_client import to_json_bytes
from ..clients.librdkafka import make_fast_producer
from ..errors import LabError
from .errors import GatewayError, kafka_unavailable

MAX_RECORD_BYTES = 1_000_000  # the producer's message.max.bytes; the broker allows 1 MiB
POLL_S = 0.05


class KafkaPublisher:
    """One shared producer, built on first use so the gateway starts (and answers 503) without Kafka.

    The delivery timeout is shorter than the time a request waits, so a request answered 503 has no
    record left in flight: nothing is written after its answer.
    """

    def __init__(self, bootstrap: str, wait_s: float = 5.0):
        self.bootstrap, self.wait_s = bootstrap, wait_s
        self._producer: Producer | None = None
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def _get(self) -> Producer:
        with self._lock:
            if self._producer is None:
                try:
                    self._producer = make_fast_producer(self.bootstrap, self.wait_s, delivery_timeout_s=self.wait_s,
                                                        **{"linger.ms": 1, "message.max.bytes": MAX_RECORD_BYTES})
                except LabError:
                    raise kafka_unavailable(self.bootstrap) from None
                threading.Thread(target=self._poll, args=(self._producer,), name="gateway-acks", daemon=True).start()
            return self._producer

    def _poll(self, producer: Producer) -> None:
        while not self._closed.is_set():
            producer.poll(POLL_S)

    async def publish(self, topic: str, records: list[dict], keys: list[str | None]) -> list[tuple[int, int]]:
        """Send all records, then wait for every acknowledgement; 413 before sending if one is too large; 503 when Kafka does not answer.

        A batch is not atomic: after a 503 some of its records may be stored (retrying may duplicate).
        """
        values = [to_json_bytes(record) for record in records]
        if any(len(value) + len(key or "") > MAX_RECORD_BYTES for value, key in zip(values, keys)):
            raise GatewayError(413, "record_too_large", "a record is larger than the broker accepts (1 MB); split it")
        producer = self._producer or await asyncio.to_thread(self._get)
        loop = asyncio.get_running_loop()
        acks = [loop.create_future() for _ in values]
        try:
            for value, key, ack in zip(values, keys, acks):
                producer.produce(topic, value, key, on_delivery=_resolver(loop, ack))
            return await asyncio.wait_for(asyncio.gather(*acks), timeout=self.wait_s + 1)
        except (BufferError, asyncio.TimeoutError, _Refused):
            raise kafka_unavailable(self.bootstrap) from None

    def close(self) -> None:
        with self._lock:
            if self._producer is not None:
                self._producer.flush(self.wait_s)
                self._closed.set()
                self._producer = None


class _Refused(Exception):
    """The broker refused or timed out one record."""


def _resolver(loop: asyncio.AbstractEventLoop, ack: asyncio.Future):
    """A delivery callback (poller thread) that settles `ack` on the event loop's thread."""

    def report(err: KafkaError | None, msg) -> None:
        outcome = _Refused(err.str()) if err is not None else (msg.partition(), msg.offset())
        loop.call_soon_threadsafe(_settle, ack, outcome)

    return report


def _settle(ack: asyncio.Future, outcome) -> None:
    if ack.done():  # the request already gave up (timeout)
        return
    if isinstance(outcome, Exception):
        ack.set_exception(outcome)
    else:
        ack.set_result(outcome)

"""Writes records to Kafka with acks=all and returns where each landed (partition, offset).

librdkafka (confluent-kafka) sends; a poller thread runs its delivery reports, and each report
resolves an asyncio future of the request that sent the record. So a POST waits for its own
acknowledgement without holding a thread, and concurrent POSTs share the broker's batches.
"""

from __future__ import annotations

import asyncio
import threading
from functools import partial

from confluent_kafka import KafkaError, Producer

from ..clients.librdkafka import make_fast_producer
from ..errors import LabError
from ..fastjson import dumps
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
        values = [dumps(record) for record in records]
        if any(len(value) + len(key or "") > MAX_RECORD_BYTES for value, key in zip(values, keys)):
            raise GatewayError(413, "record_too_large", "a record is larger than the broker accepts (1 MB); split it")
        producer = self._producer or await asyncio.to_thread(self._get)
        batch = _BatchAck(asyncio.get_running_loop(), len(values))
        expiry = batch.loop.call_later(self.wait_s + 1, batch.expire)  # cheaper than wait_for, which wraps a task
        try:
            for index, (value, key) in enumerate(zip(values, keys)):
                producer.produce(topic, value, key, on_delivery=partial(batch.report, index))
            return await batch.done
        except (BufferError, _Refused):
            raise kafka_unavailable(self.bootstrap) from None
        finally:
            expiry.cancel()

    def close(self) -> None:
        with self._lock:
            if self._producer is not None:
                self._producer.flush(self.wait_s)
                self._closed.set()
                self._producer = None


class _Refused(Exception):
    """The broker refused or timed out a record."""


class _BatchAck:
    """One request's acknowledgements: the poller thread fills in positions; the loop wakes once, when all are in."""

    def __init__(self, loop: asyncio.AbstractEventLoop, count: int):
        self.loop, self.done = loop, loop.create_future()
        self.positions: list[tuple[int, int] | None] = [None] * count
        self.waiting, self.error = count, ""

    def report(self, index: int, err: KafkaError | None, msg) -> None:
        """A delivery callback, on the poller thread (the only thread that runs them)."""
        if err is not None:
            self.error = self.error or err.str()
        else:
            self.positions[index] = (msg.partition(), msg.offset())
        self.waiting -= 1
        if self.waiting == 0:
            self.loop.call_soon_threadsafe(self._settle)

    def _settle(self) -> None:
        if self.done.done():  # the request already gave up (timeout)
            return
        if self.error:
            self.done.set_exception(_Refused(self.error))
        else:
            self.done.set_result(self.positions)

    def expire(self) -> None:
        if not self.done.done():
            self.done.set_exception(_Refused("no acknowledgement in time"))

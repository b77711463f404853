"""The tolerant consume loop with a stand-in consumer: malformed messages are named and skipped."""

from __future__ import annotations

import threading
from collections import namedtuple

from streamlab.scripting.consume import consume, raw_value

Message = namedtuple("Message", "topic partition offset value")


class FakeConsumer:
    def __init__(self, batches):
        self.batches = list(batches)
        self.polled_with = []

    def assignment(self):
        return {("t", 0)}

    def poll(self, timeout_ms, max_records=None):
        self.polled_with.append(max_records)
        if not self.batches:
            return {}
        batch = self.batches.pop(0)
        return {("t", 0): batch[:max_records] if max_records else batch}


def messages(*values, start=0):
    return [Message("t", 0, start + number, value) for number, value in enumerate(values)]


def run(consumer, handle, **options):
    skipped = []
    summary = consume(consumer, handle, threading.Event(), lambda message, reason: skipped.append((message.offset, reason)),
                      exit_when_idle_s=0.0, **options)
    return summary, skipped


def test_malformed_values_and_wrong_shapes_are_skipped_with_their_offsets():
    seen = []

    def handle(message, value):
        if "n" not in value:
            raise ValueError("no n")
        seen.append(value["n"])

    consumer = FakeConsumer([messages(b'{"n": 1}', b"not json", None, b'{"x": 2}', b'{"n": 3}')])
    summary, skipped = run(consumer, handle)
    assert seen == [1, 3]
    assert [offset for offset, _ in skipped] == [1, 2, 3]
    assert "not JSON" in skipped[0][1] and "tombstone" in skipped[1][1] and skipped[2][1] == "no n"
    assert (summary.received, summary.malformed) == (5, 3)


def test_max_messages_never_reads_past_the_limit():
    consumer = FakeConsumer([messages(b"1", b"2", b"3"), messages(b"4", start=3)])
    summary, _ = run(consumer, lambda message, value: None, max_messages=2)
    assert summary.received == 2 and consumer.polled_with == [2]


def test_after_batch_runs_once_per_non_empty_batch_and_raw_decoding():
    calls, values = [], []
    consumer = FakeConsumer([messages(b"\xff raw"), messages(b"x", start=1)])
    run(consumer, lambda message, value: values.append(value), decode=raw_value, after_batch=calls.append)
    assert values == [b"\xff raw", b"x"] and calls == [consumer, consumer]

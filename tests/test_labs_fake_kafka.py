"""Every lab script's main() in-process against an in-memory stand-in for the Kafka clients.

kafka-python's producer, consumer and admin client, and confluent-kafka's producer (the fast paths),
use one in-memory cluster that, like the lab's broker, never creates a topic on first use.

Not a substitute for the integration tests (tests/test_labs_integration.py, real broker): this runs
the same flows without a broker, so wiring mistakes in the scripts show up in the unit suite.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import threading
import time
import zlib
from collections import namedtuple
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import streamlab.clients.kafka_client as kafka_io
import streamlab.clients.librdkafka as librdkafka
from kafka import TopicPartition
from kafka.structs import OffsetAndMetadata

REPO = Path(__file__).resolve().parent.parent
Record = namedtuple("Record", "topic partition offset key value headers")
Metadata = namedtuple("Metadata", "topic partition offset")


class Cluster:
    def __init__(self):
        self.topics: dict[str, list[list[Record]]] = {}
        self.committed: dict[tuple[str, TopicPartition], int] = {}
        self.notes: dict[tuple[str, TopicPartition], str] = {}  # each commit's metadata

    def create(self, name: str, partitions: int = 1) -> str:
        self.topics[name] = [[] for _ in range(partitions)]
        return name

    def values(self, topic: str) -> list:
        return [json.loads(r.value) for partition in self.topics[topic] for r in partition]


class Future:
    def __init__(self, metadata):
        self.metadata = metadata

    def get(self, timeout=None):
        return self.metadata

    def add_callback(self, callback):
        callback(self.metadata)
        return self

    def add_errback(self, errback):
        return self


def serialize(serializer, topic, data):
    """As kafka-python does: a Serializer object, a plain callable, or None for bytes as given."""
    if serializer is None or data is None:
        return data
    if hasattr(serializer, "serialize"):
        return serializer.serialize(topic, [], data)
    return serializer(data)


class FakeProducer:
    cluster: Cluster

    def __init__(self, **config):
        self.value_serializer = config.get("value_serializer")
        self.key_serializer = config.get("key_serializer")

    def send(self, topic, value=None, key=None, headers=None, partition=None, timestamp_ms=None):
        key, value = serialize(self.key_serializer, topic, key), serialize(self.value_serializer, topic, value)
        partitions = self.cluster.topics[topic]  # KeyError: the lab's broker does not auto-create topics
        number = zlib.crc32(key) % len(partitions) if key else 0
        log = partitions[number]
        log.append(Record(topic, number, len(log), key, value, list(headers or [])))
        return Future(Metadata(topic, number, len(log) - 1))

    def flush(self, timeout=None):
        pass

    def close(self, timeout=None):
        pass


class DeliveredMessage:
    """What confluent-kafka hands a delivery callback."""

    def __init__(self, metadata):
        self.metadata = metadata

    def topic(self):
        return self.metadata.topic

    def partition(self):
        return self.metadata.partition

    def offset(self):
        return self.metadata.offset


class FakeConfluentProducer(FakeProducer):
    """confluent-kafka's Producer: produce(topic, value, key, headers, on_delivery), reports on poll/flush."""

    def __init__(self, config):
        super().__init__()
        self.reports = []

    def list_topics(self, timeout=None):
        return self.cluster.topics

    def produce(self, topic, value=None, key=None, headers=None, on_delivery=None):
        key = key.encode() if isinstance(key, str) else key
        metadata = self.send(topic, value, key, headers).get()
        if on_delivery:
            self.reports.append((on_delivery, DeliveredMessage(metadata)))

    def poll(self, timeout=None):
        reports, self.reports = self.reports, []
        for callback, message in reports:
            callback(None, message)
        return len(reports)

    def flush(self, timeout=None):
        self.poll()
        return 0


class FakeConsumer:
    cluster: Cluster

    def __init__(self, *topics, **config):
        self.group = config.get("group_id")
        self.earliest = config.get("auto_offset_reset") == "earliest"
        self.positions: dict[TopicPartition, int] = {}
        self.topics = topics
        for topic in topics:
            for tp in self._partitions(topic):
                self.positions[tp] = self.cluster.committed.get((self.group, tp), 0 if self.earliest else self._end(tp))

    def _partitions(self, topic):
        return [TopicPartition(topic, n) for n in range(len(self.cluster.topics.get(topic, [])))]

    def _end(self, tp):
        return len(self.cluster.topics[tp.topic][tp.partition])

    def partitions_for_topic(self, topic):
        return {tp.partition for tp in self._partitions(topic)}

    def end_offsets(self, partitions):
        return {tp: self._end(tp) for tp in partitions}

    def beginning_offsets(self, partitions):
        return {tp: 0 for tp in partitions}

    def assign(self, partitions):
        self.positions = {tp: 0 for tp in partitions}

    def assignment(self):
        return set(self.positions)

    def seek(self, tp, offset):
        self.positions[tp] = offset

    def position(self, tp):
        return self.positions[tp]

    def poll(self, timeout_ms=0, max_records=None):
        room, batch = max_records or 500, {}
        for tp, position in self.positions.items():
            records = self.cluster.topics[tp.topic][tp.partition][position:position + room]
            if records:
                batch[tp] = records
                self.positions[tp] += len(records)
                room -= len(records)
        if not batch:
            time.sleep(0.02)
        return batch

    def commit(self, offsets=None):
        offsets = offsets or {tp: OffsetAndMetadata(position, "", -1) for tp, position in self.positions.items()}
        for tp, commit in offsets.items():
            self.cluster.committed[(self.group, tp)] = commit.offset
            self.cluster.notes[(self.group, tp)] = commit.metadata

    def committed(self, tp, metadata=False):
        if (self.group, tp) not in self.cluster.committed:
            return None
        offset = self.cluster.committed[(self.group, tp)]
        return OffsetAndMetadata(offset, self.cluster.notes[(self.group, tp)], -1) if metadata else offset

    def close(self):
        pass


class FakeAdmin:
    """What `require_topics` asks: the topic names, and creating missing ones with --create."""

    cluster: Cluster

    def __init__(self, **config):
        pass

    def list_topics(self):
        return list(self.cluster.topics)

    def create_topics(self, new_topics):
        for topic in new_topics:
            self.cluster.create(topic.name, topic.num_partitions)

    def close(self):
        pass


@pytest.fixture
def cluster(monkeypatch):
    cluster = Cluster()
    FakeProducer.cluster = FakeConsumer.cluster = FakeAdmin.cluster = cluster
    monkeypatch.setattr(kafka_io, "KafkaProducer", FakeProducer)
    monkeypatch.setattr(kafka_io, "KafkaConsumer", FakeConsumer)
    monkeypatch.setattr(kafka_io, "KafkaAdminClient", FakeAdmin)
    monkeypatch.setattr(librdkafka, "Producer", FakeConfluentProducer)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield cluster
    for sig, handler in handlers.items():  # the scripts install their own Ctrl+C handling
        signal.signal(sig, handler)


def script(path: str):
    spec = importlib.util.spec_from_file_location(Path(path).stem, REPO / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def run(path: str, *args: str) -> int:
    return script(path)(["--bootstrap-servers", "fake:9092", *args])


IDLE = ("--from-beginning", "--exit-when-idle", "0.2")


# -- the labs ------------------------------------------------------------------------------
def test_bakery(cluster, capsys):
    topic = cluster.create("bk-orders")
    assert run("producers/bakery_producer.py", "--topic", topic, "--count", "5", "--rate", "0", "--quiet") == 0
    FakeProducer(value_serializer=None).send(topic, value=b"not an order")
    assert run("consumers/bakery_consumer.py", "--topic", topic, *IDLE) == 0
    out = capsys.readouterr().out
    revenue = sum(json.loads(record.value)["total"] for record in cluster.topics[topic][0][:5])
    assert f"5 orders, revenue {revenue:,.2f}" in out
    assert f"skipped malformed message at {topic}[0]@5: not JSON" in out


def test_unicorns(cluster, capsys):
    topic = cluster.create("wildrydes", 3)
    assert run("producers/unicorn_producer.py", "--topic", topic, "--name", "A", "--name", "B", "--count", "3",
               "--interval", "0.05", "--quiet") == 0
    names = sorted(value["Name"] for partition in cluster.topics[topic] for value in map(lambda r: json.loads(r.value), partition))
    assert names == ["A", "A", "A", "B", "B", "B"]
    assert run("consumers/unicorn_consumer.py", "--topic", topic, "--compact", *IDLE) == 0
    assert capsys.readouterr().out.count(" m  magic ") == 6


def test_keyword_filter_and_filtered_consumer(cluster, capsys):
    source, filtered = cluster.create("test-topic"), cluster.create("filtered-topic")
    producer = FakeProducer()
    for text in (b"hello", b"URGENT: fix", b'{"error_code": 1}', None, b"an error"):
        producer.send(source, value=text, key=b"k")
    args = ["--topic", source, "--output-topic", filtered, "--keyword", "error,urgent", "--whole-words", *IDLE]
    assert run("processors/keyword_filter.py", *args) == 0
    copies = cluster.topics[filtered][0]
    assert [c.value for c in copies] == [b"URGENT: fix", b"an error"]
    assert dict(copies[0].headers) == {"matched-keywords": b"urgent", "filtered-from": f"{source}:0:1".encode()}
    assert run("processors/keyword_filter.py", *args) == 0  # the group committed: nothing copied twice
    assert len(cluster.topics[filtered][0]) == 2
    assert run("consumers/filtered_consumer.py", "--topic", filtered, *IDLE) == 0
    assert "URGENT: fix" in capsys.readouterr().out


class Api(BaseHTTPRequestHandler):
    def do_GET(self):
        device = int(self.path.strip("/"))
        reading = {"DeviceId": device, "sensor1": 95 if device == 2 else 50, "sensor2": 50, "sensor3": 50,
                   "motor1": 1000, "motor2": 1000, "motor3": 1600 if device == 3 else 1000, "isFail": device == 5}
        self.send_response(200)
        self.end_headers()
        self.wfile.write(json.dumps(reading).encode())

    def log_message(self, *args):
        pass


def test_fms_producer_api_and_consumer_alerts(cluster, capsys, monkeypatch):
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    sensors, alerts = cluster.create("sensor-data", 3), cluster.create("sensor-alerts")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        assert run("producers/fms_producer.py", "test", "--api-url", url, "--topic", sensors) == 0
    finally:
        server.shutdown()
    assert sorted(v["DeviceId"] for v in cluster.values(sensors)) == [1, 2, 3, 4, 5]
    assert run("producers/fms_producer.py", "--rounds", "2", "--interval", "0.01", "--topic", sensors) == 0
    assert len(cluster.values(sensors)) == 15
    capsys.readouterr()
    FakeProducer(value_serializer=None).send(sensors, value=b'{"DeviceId": 9}')
    assert run("consumers/fms_consumer.py", "--topic", sensors, "--alerts-topic", alerts, *IDLE) == 0
    out = capsys.readouterr().out
    assert "skipped malformed message at" in out and "sensor1 is missing" in out
    from_api = [(a["device_id"], a["field"]) for a in cluster.values(alerts) if a["device_id"] in (2, 3, 5)]
    assert {(2, "sensor1"), (3, "motor3"), (5, "isFail")} <= set(from_api)


def test_log_streamer_resumes_after_a_crash_and_aggregates(cluster, tmp_path, capsys):
    topic, dlq, stats = cluster.create("app-logs", 3), cluster.create("app-logs-dlq"), cluster.create("log-stats")
    log = tmp_path / "access.log"
    log.write_text("".join(f'10.0.0.{n % 7} - - [15/Jan/2024:10:00:{n % 60:02d} +0000] "GET /{n} HTTP/1.1" 200 {n} "-" "t"\n'
                           if n % 50 else f"junk {n}\n" for n in range(1, 1001)))
    main = script("producers/log_file_streamer.py")
    sources = json.dumps([{"path": str(log), "type": "apache", "name": "web"}])
    args = ["--bootstrap-servers", "fake:9092", "--log-files", sources, "--topic", topic, "--dlq-topic", dlq,
            "--checkpoint", str(tmp_path / "cp.json"), "--batch-size", "64", "--stats-interval", "0",
            "--exit-when-idle", "0.3"]

    class Crash(BaseException):
        pass

    def crash_after_third_batch():
        def hook(batches):
            if batches == 3:
                raise Crash  # acknowledged, checkpoint not yet written
        return hook

    main.__globals__["crash_hook"] = crash_after_third_batch
    with pytest.raises(Crash):
        main(args)
    main.__globals__["crash_hook"] = lambda: None
    assert main(args) == 0
    ids = [json.loads(r.value)["record_id"] for t in (topic, dlq) for p in cluster.topics[t] for r in p]
    assert len(ids) == len(set(ids)) == 1000
    assert len(cluster.values(dlq)) == 20
    assert run("processors/log_window_aggregator.py", "--topic", topic, "--output-topic", stats, *IDLE) == 0
    (window,) = cluster.values(stats)
    assert window["event_count"] == 980 and window["unique_ips"] == 7
    captured = capsys.readouterr()
    assert "already in Kafka, skipped" in captured.out
    assert f"as pid {os.getpid()}" in captured.err  # students `kill -9` it: it says which process it is
    assert f"resuming from checkpoint {tmp_path / 'cp.json'}: web at line" in captured.err


def test_log_windows_restarted_mid_window_replace_their_rows_under_one_key(cluster):
    """Issue 11, item 3: a restart rebuilds the open window in full; no two partial rows to add up."""
    logs, stats = cluster.create("app-logs", 2), cluster.create("log-stats")

    def send(seconds):
        for second in seconds:
            record = {"timestamp": f"2024-01-15T10:{second // 60:02d}:{second % 60:02d}Z", "log_type": "apache_access",
                      "ip_address": f"10.0.0.{second % 5}", "response_size": 10}
            FakeProducer(value_serializer=None).send(logs, key=str(second).encode(), value=json.dumps(record).encode())

    aggregate = ("processors/log_window_aggregator.py", "--topic", logs, "--output-topic", stats, *IDLE)
    send(range(0, 20))
    assert run(*aggregate) == 0  # stops mid-window: a row "so far"
    send(range(20, 60))
    send([90])  # closes 10:00 (10 s lateness)
    assert run(*aggregate) == 0  # the same group resumes
    rows = [(r.key.decode(), json.loads(r.value)) for r in cluster.topics[stats][0]]
    window = "apache_access|2024-01-15T10:00:00+00:00"
    assert [(row["event_count"], row["final"]) for key, row in rows if key == window] == [(20, False), (60, True)]
    latest = {key: row for key, row in rows}
    assert latest[window]["unique_ips"] == 5 and latest["apache_access|2024-01-15T10:01:00+00:00"]["event_count"] == 1
    assert run(*aggregate) == 0  # nothing new: the open window is rebuilt, its row the same
    assert json.loads(cluster.topics[stats][0][-1].value) == latest["apache_access|2024-01-15T10:01:00+00:00"]


def test_message_producer_demo(cluster):
    topic = cluster.create("test-topic")
    assert run("producers/message_producer.py", "--topic", topic, "--demo", "3", "--rate", "0") == 0
    assert [r.value.decode() for r in cluster.topics[topic][0]][0] == "order 1042 shipped #1"


# -- a typo in a topic name creates nothing (issue 10) ------------------------------------------
@pytest.mark.parametrize("script, args, typo, meant", [
    ("consumers/bakery_consumer.py", ["--topic", "bk-order"], "bk-order", "bk-orders"),
    ("producers/web_log_producer.py", ["--topic", "web-logs", "--count", "1"], "web-logs", "web_logs"),
    ("processors/keyword_filter.py", ["--output-topic", "filtered-topik"], "filtered-topik", "filtered-topic"),
    ("producers/log_file_streamer.py", ["--dlq-topic", "app-log-dlq", "--log-files", "LOG"], "app-log-dlq", "app-logs-dlq"),
])
def test_a_topic_typo_is_one_line_and_creates_nothing(cluster, tmp_path, script, args, typo, meant):
    from streamlab.errors import LabError
    from streamlab.topology import load_topology

    (tmp_path / "a.log").write_text("")
    args = [json.dumps([{"path": str(tmp_path / "a.log"), "type": "apache"}]) if a == "LOG" else a for a in args]

    for topic in load_topology().topics:
        cluster.create(topic.name, topic.partitions)
    with pytest.raises(LabError) as caught:
        run(script, *args)
    assert str(caught.value) == f"topic '{typo}' does not exist (did you mean {meant}?)"
    assert caught.value.exit_code == 2 and typo not in cluster.topics


def test_create_makes_the_topic_then_produces(cluster, capsys):
    assert run("producers/bakery_producer.py", "--topic", "bk-new", "--create", "--count", "2", "--rate", "0", "--quiet") == 0
    assert len(cluster.values("bk-new")) == 2
    assert "created topic 'bk-new'" in capsys.readouterr().err

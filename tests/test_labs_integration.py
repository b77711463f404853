"""The labs against the real broker: every script run as a student runs it, every topic read back.

Each test creates its own topics (uuid suffix), so tests never see each other's messages.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from streamlab.clients.kafka_client import make_admin, make_producer
from streamlab.clients.offsets import end_offsets, read_range
from streamlab.clients.topics import create
from streamlab.labs.unicorns import ground_distance

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parent.parent


# -- helpers -------------------------------------------------------------------------------
def new_topic(bootstrap: str, prefix: str, partitions: int = 1) -> str:
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    admin = make_admin(bootstrap)
    try:
        create(admin, name, partitions=partitions)
    finally:
        admin.close()
    wait_until(lambda: _has_leaders(bootstrap, name), 30, f"topic {name} ready")
    return name


def _has_leaders(bootstrap: str, topic: str) -> bool:
    try:
        end_offsets(bootstrap, [topic])
        return True
    except Exception:  # still being created
        return False


def wait_until(check, timeout_s: float, what: str, interval_s: float = 0.05):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")


def read_all(bootstrap: str, *topics: str) -> list:
    return list(read_range(bootstrap, topics))


def count(bootstrap: str, *topics: str) -> int:
    return sum(end_offsets(bootstrap, topics).values())


def script(*args: str, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout,
                          env=env)


def background(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **(env or {})})


def send_raw(bootstrap: str, topic: str, values: list[bytes | None], keys: list | None = None) -> None:
    producer = make_producer(bootstrap, value_serializer=None, key_serializer=None)
    for number, value in enumerate(values):
        producer.send(topic, value=value, key=keys[number] if keys else None)
    producer.flush(timeout=30)
    producer.close()


def send_json(bootstrap: str, topic: str, values: list, key=None) -> None:
    producer = make_producer(bootstrap)
    for value in values:
        producer.send(topic, value=value, key=key(value) if key else None)
    producer.flush(timeout=30)
    producer.close()


# -- log-file streamer ---------------------------------------------------------------------
def log_line(number: int) -> str:
    if number % 97 == 13:
        return f"garbage line {number}"  # to the dead-letter topic
    return f'10.0.{number % 200}.{number % 250} - - [15/Jan/2024:10:{number // 60 % 60:02d}:{number % 60:02d} +0900] ' \
           f'"GET /item/{number} HTTP/1.1" 200 {number} "-" "test-agent"'


def append_lines(path: Path, numbers: range) -> None:
    with open(path, "a") as handle:
        handle.write("".join(log_line(n) + "\n" for n in numbers))


def line_ids(path: Path, name: str, epoch: int) -> set[str]:
    """The record id every line of `path` must arrive under."""
    ids, offset = set(), 0
    for raw in path.read_bytes().splitlines(keepends=True):
        ids.add(f"{name}:{epoch}:{offset}")
        offset += len(raw)
    return ids


class Streamer:
    """producers/log_file_streamer.py on one apache file, in the background."""

    def __init__(self, bootstrap: str, log: Path, topic: str, dlq: str, checkpoint: Path, name: str = "crashtest"):
        self.name, self.checkpoint = name, checkpoint
        sources = json.dumps([{"path": str(log), "type": "apache", "name": name}])
        self.args = ["producers/log_file_streamer.py", "--log-files", sources, "--topic", topic, "--dlq-topic", dlq,
                     "--bootstrap-servers", bootstrap, "--checkpoint", str(checkpoint), "--batch-size", "200",
                     "--batch-timeout", "0.2", "--rotate-grace", "0.5", "--stats-interval", "0"]

    def start(self, *extra: str, env: dict | None = None) -> subprocess.Popen:
        return background(*self.args, *extra, env=env)

    def offset(self) -> int:
        try:
            return json.loads(self.checkpoint.read_text())["positions"][self.name]["offset"]
        except (FileNotFoundError, KeyError, ValueError):
            return 0


def assert_exactly_once(records: list, expected_ids: set[str]) -> None:
    ids = [record.value and json.loads(record.value)["record_id"] for record in records]
    duplicates = [rid for rid, seen in Counter(ids).items() if seen > 1]
    assert not duplicates, f"{len(duplicates)} lines sent twice, e.g. {duplicates[:3]}"
    missing = expected_ids - set(ids)
    assert not missing, f"{len(missing)} lines lost, e.g. {sorted(missing)[:3]}"
    assert len(ids) == len(expected_ids)


def test_streamer_survives_kill_9_and_resumes_without_loss_or_duplicates(kafka_bootstrap, tmp_path):
    topic, dlq = new_topic(kafka_bootstrap, "applogs", 3), new_topic(kafka_bootstrap, "applogs-dlq")
    log = tmp_path / "access.log"
    append_lines(log, range(60_000))
    streamer = Streamer(kafka_bootstrap, log, topic, dlq, tmp_path / "checkpoint.json")

    # 1. SIGKILL at an arbitrary moment while batches are in flight.
    first = streamer.start()
    wait_until(lambda: streamer.offset() > log.stat().st_size // 4, 120, "a quarter of the file acknowledged")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    assert streamer.offset() < log.stat().st_size, "the streamer finished before it could be killed"
    append_lines(log, range(60_000, 63_000))  # the log keeps growing while the streamer is down

    # 2. SIGKILL in the exact window a file checkpoint cannot close: acknowledged, not yet checkpointed.
    second = streamer.start(env={"STREAMLAB_STREAMER_CRASH_AFTER_ACK": "3"})
    assert second.wait(timeout=120) == -signal.SIGKILL, second.stderr.read()

    # 3. Resume to the end.
    third = streamer.start("--exit-when-idle", "3")
    out, err = third.communicate(timeout=300)
    assert third.returncode == 0, err
    skipped = re.search(r"already in Kafka, skipped\D*([\d,]+)", out)
    assert skipped and int(skipped.group(1).replace(",", "")) > 0, out  # the crash window was really hit

    records = read_all(kafka_bootstrap, topic, dlq)
    assert_exactly_once(records, line_ids(log, "crashtest", 0))
    dead = [json.loads(r.value) for r in records if r.topic == dlq]
    assert len(dead) == sum(1 for n in range(63_000) if n % 97 == 13)
    assert {d["reason"] for d in dead} == {"not an apache access log line"}
    assert all(d["raw_line"] == f"garbage line {d['line_number'] - 1}" for d in dead)


def test_streamer_follows_rotation_while_streaming(kafka_bootstrap, tmp_path):
    topic, dlq = new_topic(kafka_bootstrap, "applogs"), new_topic(kafka_bootstrap, "applogs-dlq")
    log = tmp_path / "access.log"
    log.touch()
    streamer = Streamer(kafka_bootstrap, log, topic, dlq, tmp_path / "checkpoint.json", name="rotating")
    process = streamer.start()
    try:
        # Its first checkpoint is written once the file is open: rotating before that would
        # test the start-up, not the rotation.
        wait_until(streamer.checkpoint.exists, 60, "the streamer to open the file")
        generations = []
        for generation in range(3):
            for chunk in range(10):  # a steady writer: 10 chunks of 100 lines
                append_lines(log, range(generation * 1000 + chunk * 100, generation * 1000 + chunk * 100 + 100))
                time.sleep(0.05)
            if generation < 2:
                rotated = tmp_path / f"access.log.{generation + 1}"
                os.rename(log, rotated)  # logrotate's default: rename, then the server creates a new file
                generations.append((rotated, generation))
                log.touch()
                # one rotation at a time, as logrotate does: the rotated file read, the new one opened
                wait_until(lambda: count(kafka_bootstrap, topic, dlq) >= (generation + 1) * 1000, 60, "the rotated file read")
                time.sleep(1.5)
        generations.append((log, 2))
        wait_until(lambda: count(kafka_bootstrap, topic, dlq) >= 3000, 60, "all 3000 lines in Kafka")
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    expected = set().union(*(line_ids(path, "rotating", epoch) for path, epoch in generations))
    records = read_all(kafka_bootstrap, topic, dlq)
    assert_exactly_once(records, expected)
    sizes = [json.loads(r.value)["response_size"] for r in records if r.topic == topic]
    assert sizes == sorted(sizes), "one partition, one source: lines arrive in file order across rotations"


# -- unicorns ------------------------------------------------------------------------------
def _status_seconds(record: dict) -> float:
    return datetime.strptime(record["StatusTime"], "%Y-%m-%d %H:%M:%S.%f").timestamp()


def test_one_unicorn_producer_with_two_names_sends_each_once_a_second(kafka_bootstrap):
    topic = new_topic(kafka_bootstrap, "wildrydes", 3)
    result = script("producers/unicorn_producer.py", "--bootstrap-servers", kafka_bootstrap, "--topic", topic,
                    "--name", "Shadowfax", "--name", "Bucephalus", "--count", "6", "--quiet")
    assert result.returncode == 0, result.stderr
    by_name = defaultdict(list)
    for record in read_all(kafka_bootstrap, topic):
        value = json.loads(record.value)
        assert record.key.decode() == value["Name"]
        by_name[value["Name"]].append(value)
    assert {name: len(values) for name, values in by_name.items()} == {"Shadowfax": 6, "Bucephalus": 6}
    for values in by_name.values():
        values.sort(key=_status_seconds)
        gaps = [_status_seconds(b) - _status_seconds(a) for a, b in zip(values, values[1:])]
        # The producer keeps a schedule, so a late record (a busy machine) is followed by an early one.
        assert 0.85 <= sum(gaps) / len(gaps) <= 1.15 and all(0.1 <= gap <= 2.5 for gap in gaps), gaps
        assert all(ground_distance(a, b) == pytest.approx(b["Distance"], abs=1.5) for a, b in zip(values, values[1:]))


def test_two_unicorn_producers_at_once(kafka_bootstrap):
    topic = new_topic(kafka_bootstrap, "wildrydes", 3)
    common = ["producers/unicorn_producer.py", "--bootstrap-servers", kafka_bootstrap, "--topic", topic,
              "--count", "4", "--quiet"]
    processes = [background(*common, "--name", name) for name in ("Shadowfax", "Rocinante")]
    for process in processes:
        assert process.wait(timeout=60) == 0, process.stderr.read()
    names = Counter(json.loads(r.value)["Name"] for r in read_all(kafka_bootstrap, topic))
    assert names == {"Shadowfax": 4, "Rocinante": 4}
    tail = script("consumers/unicorn_consumer.py", "--bootstrap-servers", kafka_bootstrap, "--topic", topic,
                  "--from-beginning", "--exit-when-idle", "3")
    assert tail.returncode == 0, tail.stderr
    assert tail.stdout.count('"Name": "Rocinante"') == 4 and '"MagicPoints"' in tail.stdout


# -- keyword filter ------------------------------------------------------------------------
def test_keyword_filter_end_to_end(kafka_bootstrap):
    source, filtered = new_topic(kafka_bootstrap, "test-topic"), new_topic(kafka_bootstrap, "filtered")
    messages = [b"server started", b"ERROR: disk full", b'{"error_count": 0, "message": "all fine"}',
                "긴급: 결제 지연".encode(), b"\xff\xfe binary error", None, b"errors are not whole words",
                b'{"message": "an error in JSON"}']
    send_raw(kafka_bootstrap, source, messages, keys=[f"k{n}".encode() for n in range(len(messages))])
    group = f"filter-{uuid.uuid4().hex[:6]}"
    command = ["processors/keyword_filter.py", "--bootstrap-servers", kafka_bootstrap, "--topic", source,
               "--output-topic", filtered, "--keyword", "error,긴급", "--whole-words", "--group", group,
               "--from-beginning", "--exit-when-idle", "3"]
    result = script(*command)
    assert result.returncode == 0, result.stderr
    copies = read_all(kafka_bootstrap, filtered)
    assert [c.value for c in copies] == [messages[1], messages[3], messages[4], messages[7]]
    assert [c.key for c in copies] == [b"k1", b"k3", b"k4", b"k7"]
    headers = dict(copies[1].headers)
    assert headers["matched-keywords"].decode() == "긴급" and headers["filtered-from"] == f"{source}:0:3".encode()
    assert "skipped malformed message at" in result.stdout  # the tombstone, named by offset

    again = script(*command)  # same group: the committed offsets mean nothing is copied twice
    assert again.returncode == 0 and count(kafka_bootstrap, filtered) == 4

    shown = script("consumers/filtered_consumer.py", "--bootstrap-servers", kafka_bootstrap, "--topic", filtered,
                   "--from-beginning", "--exit-when-idle", "3")
    assert shown.returncode == 0, shown.stderr
    assert "ERROR: disk full" in shown.stdout and "긴급: 결제 지연" in shown.stdout


# -- factory sensors -----------------------------------------------------------------------
def reading(device: int, **changes) -> dict:
    base = {"time": "2024-01-15T10:00:00Z", "DeviceId": device, "sensor1": 60, "sensor2": 70, "sensor3": 80,
            "motor1": 1200, "motor2": 1300, "motor3": 1400, "isFail": False}
    return {**base, **changes}


def test_fms_consumer_publishes_alerts_and_skips_malformed_readings(kafka_bootstrap):
    sensors, alerts = new_topic(kafka_bootstrap, "sensor-data"), new_topic(kafka_bootstrap, "sensor-alerts")
    send_json(kafka_bootstrap, sensors, [reading(1), reading(2, sensor2=95.5, motor1=1600), reading(3, isFail=True)])
    send_raw(kafka_bootstrap, sensors, [b"not json", b'{"DeviceId": 4}'])
    send_json(kafka_bootstrap, sensors, [reading(5, sensor1=90, motor3=1500)])  # at the limits: NORMAL
    result = script("consumers/fms_consumer.py", "--bootstrap-servers", kafka_bootstrap, "--topic", sensors,
                    "--alerts-topic", alerts, "--from-beginning", "--exit-when-idle", "3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("NORMAL") == 2 and result.stdout.count("CRITICAL") == 2
    assert f"skipped malformed message at {sensors}[0]@3" in result.stdout
    assert f"skipped malformed message at {sensors}[0]@4" in result.stdout
    published = [(r.key.decode(), json.loads(r.value)) for r in read_all(kafka_bootstrap, alerts)]
    assert [(key, a["field"], a["value"]) for key, a in published] == [
        ("2", "sensor2", 95.5), ("2", "motor1", 1600.0), ("3", "isFail", True)]


class _FmsApi(BaseHTTPRequestHandler):
    def do_GET(self):
        device = int(self.path.strip("/"))
        body = json.dumps(reading(device, sensor3=91 if device == 4 else 80)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_fms_producer_reads_an_api_and_the_simulator(kafka_bootstrap):
    topic = new_topic(kafka_bootstrap, "sensor-data", 3)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FmsApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        no_proxy = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
        result = script("producers/fms_producer.py", "test", "--api-url", url, "--bootstrap-servers", kafka_bootstrap,
                        "--topic", topic, env=no_proxy)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    values = sorted((json.loads(r.value) for r in read_all(kafka_bootstrap, topic)), key=lambda v: v["DeviceId"])
    assert [v["DeviceId"] for v in values] == [1, 2, 3, 4, 5] and values[3]["sensor3"] == 91
    simulated = script("producers/fms_producer.py", "test", "--bootstrap-servers", kafka_bootstrap, "--topic", topic)
    assert simulated.returncode == 0, simulated.stderr
    assert count(kafka_bootstrap, topic) == 10


# -- bakery and log windows ----------------------------------------------------------------
def test_bakery_orders_and_running_totals(kafka_bootstrap):
    topic = new_topic(kafka_bootstrap, "bk-orders")
    produced = script("producers/bakery_producer.py", "--bootstrap-servers", kafka_bootstrap, "--topic", topic,
                      "--count", "20", "--rate", "0", "--seed", "4", "--quiet")
    assert produced.returncode == 0 and "all delivered" in produced.stderr, produced.stderr
    send_raw(kafka_bootstrap, topic, [b'{"items": []}'])
    revenue = round(sum(json.loads(r.value).get("total", 0) for r in read_all(kafka_bootstrap, topic)), 2)
    result = script("consumers/bakery_consumer.py", "--bootstrap-servers", kafka_bootstrap, "--topic", topic,
                    "--from-beginning", "--exit-when-idle", "3")
    assert result.returncode == 0, result.stderr
    assert f"20 orders, revenue {revenue:,.2f}" in result.stdout
    assert f"skipped malformed message at {topic}[0]@20: the order has no items" in result.stdout


def test_log_window_aggregator_publishes_per_type_windows(kafka_bootstrap):
    logs, stats = new_topic(kafka_bootstrap, "app-logs"), new_topic(kafka_bootstrap, "log-stats")
    events = [{"timestamp": f"2024-01-15T10:00:{s:02d}+00:00", "ip_address": f"10.0.0.{s % 3}", "response_size": 100 * s,
               "log_type": "apache_access"} for s in (1, 2, 3)]
    events += [{"timestamp": "2024-01-15T10:00:30+00:00", "level": "INFO", "message": "m", "log_type": "application"},
               {"timestamp": "2024-01-15T10:02:00+00:00", "ip_address": "10.0.0.9", "response_size": 7,
                "log_type": "apache_access"}]
    send_json(kafka_bootstrap, logs, events)
    result = script("processors/log_window_aggregator.py", "--bootstrap-servers", kafka_bootstrap, "--topic", logs,
                    "--output-topic", stats, "--from-beginning", "--exit-when-idle", "3")
    assert result.returncode == 0, result.stderr
    windows = [json.loads(r.value) for r in read_all(kafka_bootstrap, stats)]
    assert [(w["window_start"][11:16], w["log_type"], w["event_count"], w["unique_ips"], w["avg_response_size"])
            for w in windows] == [("10:00", "apache_access", 3, 3, 200.0), ("10:00", "application", 1, 0, None),
                                  ("10:02", "apache_access", 1, 1, 7.0)]


def test_log_window_aggregator_restarted_mid_window_replaces_its_row(kafka_bootstrap):
    """Issue 11, item 3, on the real broker: the group's commit (lowest open offset, watermark in its
    metadata) lets the second run publish the open window in full, under the same key."""
    # One partition: the aggregator's watermark is the newest event time over all partitions, so on a
    # busy machine a partition read far ahead of another can close a window before the other's events
    # for it arrive (they then count as late). The restart semantics are what this test is about.
    logs, stats = new_topic(kafka_bootstrap, "app-logs", partitions=1), new_topic(kafka_bootstrap, "log-stats")
    group = f"log-windows-{uuid.uuid4().hex[:8]}"

    def events(seconds) -> list[dict]:
        return [{"timestamp": f"2024-01-15T10:{s // 60:02d}:{s % 60:02d}+00:00", "log_type": "apache_access",
                 "ip_address": f"10.0.0.{s % 5}", "response_size": 10} for s in seconds]

    def aggregate() -> None:
        result = script("processors/log_window_aggregator.py", "--bootstrap-servers", kafka_bootstrap, "--topic", logs,
                        "--output-topic", stats, "--group", group, "--from-beginning", "--exit-when-idle", "3")
        assert result.returncode == 0, result.stderr

    send_json(kafka_bootstrap, logs, events(range(0, 20)), key=lambda event: event["timestamp"])
    aggregate()  # stops mid-window: a row "so far"
    send_json(kafka_bootstrap, logs, events([*range(20, 60), 90]), key=lambda event: event["timestamp"])
    aggregate()  # the same group resumes; 10:01:30 closes 10:00
    rows = [(record.key.decode(), json.loads(record.value)) for record in read_all(kafka_bootstrap, stats)]
    window = "apache_access|2024-01-15T10:00:00+00:00"
    assert [(row["event_count"], row["final"]) for key, row in rows if key == window] == [(20, False), (60, True)]
    assert dict(rows)[window]["unique_ips"] == 5

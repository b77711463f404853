"""The lab's S3 sink after SIGKILLs of the Connect worker: every event once in S3 (issue 11, item 1).

Each test has a topic and a connector of its own (connectors/s3-sink.json, renamed). It produces
events carrying a sequence number and an explicit Kafka timestamp, kills the worker at one kind of
moment, restarts it, and reads S3 back: 0 missing, 0 duplicated, and every record in the hour folder
of its own timestamp. The JUnit crash tests (connect/sinks/.../S3CrashReplayTest) cover every kill
point deterministically; these check the same guarantee with the real worker, offsets and s3proxy.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from conftest import REPO, run_cli

from streamlab.clients.kafka_client import make_producer
from streamlab.clients.s3 import list_objects, read_object
from streamlab.waiting import wait_for

pytestmark = pytest.mark.integration

HOUR_FOLDER = re.compile(r"/hour=(\d{2})/")
RESTART_PAUSE_S = 2
# A restarted worker rejoins the group, replays, and uploads the open objects at its first flush; the
# killed worker's consumer holds its partitions until its session times out (45 s) first.
LANDING_TIMEOUT_S = 150


@pytest.fixture(scope="module")
def crash_lab(lab_controller, kafka_bootstrap):
    lab_controller.ensure("s3", "connect")
    return lab_controller.settings


@pytest.fixture
def sink(crash_lab, fresh_topic, tmp_path):
    """A connector of the test's own on a fresh 3-partition topic; deleted afterwards."""
    config = json.loads((REPO / "connectors" / "s3-sink.json").read_text())
    config["name"] = f"s3-crash-{uuid.uuid4().hex[:6]}"
    path = tmp_path / "s3-crash.json"
    path.write_text(json.dumps(config))
    result = run_cli("connect", "register", str(path), env={**os.environ, "WEB_LOGS_TOPIC": fresh_topic})
    assert result.returncode == 0, result.stderr
    yield fresh_topic
    run_cli("connect", "delete", config["name"])


def produce(bootstrap: str, topic: str, sequences: range, timestamp_ms, rate: float | None = None) -> None:
    """One event per sequence number, with that Kafka timestamp (also in the value, to check the folders)."""
    producer = make_producer(bootstrap)
    try:
        for seq in sequences:
            ts = timestamp_ms(seq)
            producer.send(topic, key=str(seq % 7), value={"seq": seq, "ts_ms": ts}, timestamp_ms=ts)
            if rate:
                time.sleep(1 / rate)
        producer.flush()
    finally:
        producer.close()


def now_ms(_seq: int) -> int:
    return int(time.time() * 1000)


def kill_and_restart(lab_controller) -> int:
    pid = lab_controller.runtime.kill("connect")
    time.sleep(RESTART_PAUSE_S)
    lab_controller.runtime.up(["connect"])
    return pid


def objects(settings, topic: str) -> dict[str, list[dict]]:
    prefix = f"topics/{topic}/"
    return {
        key: [json.loads(line) for line in read_object(settings, key).splitlines() if line.strip()]
        for key, _, _ in list_objects(settings, prefix, count_records=False)
    }


def listing(settings, topic: str) -> dict[str, int]:
    return {key: size for key, size, _ in list_objects(settings, f"topics/{topic}/", count_records=False)}


def assert_every_event_once(settings, topic: str, count: int, label: str) -> None:
    expected = set(range(count))
    landed = wait_for(
        lambda: {r["seq"] for rs in objects(settings, topic).values() for r in rs} >= expected,
        LANDING_TIMEOUT_S,
        f"waiting for {count} events in S3",
    )
    stored = objects(settings, topic)
    copies = Counter(r["seq"] for records in stored.values() for r in records)
    missing = len(expected - set(copies))
    duplicated = sum(n - 1 for n in copies.values() if n > 1)
    wrong_hour = [
        (key, r["seq"])
        for key, records in stored.items()
        for r in records
        if HOUR_FOLDER.search(key)[1] != datetime.fromtimestamp(r["ts_ms"] / 1000, timezone.utc).strftime("%H")
    ]
    print(f"{label}: {len(stored)} objects, {sum(copies.values())} records, missing {missing}, duplicated {duplicated}")
    assert landed, f"{label}: not all {count} events reached S3 in {LANDING_TIMEOUT_S} s"
    assert (missing, duplicated) == (0, 0), label
    assert not wrong_hour, f"{label}: records outside their timestamp's hour folder: {wrong_hour[:3]}"
    assert all(len(records) <= 10 for records in stored.values())


def test_kill_before_the_first_offset_commit(sink, crash_lab, kafka_bootstrap, lab_controller):
    produce(kafka_bootstrap, sink, range(0, 400), now_ms)
    time.sleep(1)  # full objects are uploaded at once; the first offset commit comes 10 s after the task started
    kill_and_restart(lab_controller)
    produce(kafka_bootstrap, sink, range(400, 800), now_ms)
    assert_every_event_once(crash_lab, sink, 800, "killed before the first commit")


def test_kill_right_after_uploads(sink, crash_lab, kafka_bootstrap, lab_controller):
    """A slow stream keeps objects open across offset flushes; each kill follows an upload seen in S3."""
    producer = threading.Thread(target=produce, args=(kafka_bootstrap, sink, range(0, 900), now_ms, 30))
    producer.start()
    for _ in range(2):
        before = listing(crash_lab, sink)
        # after a kill the worker restarts, rejoins its group and reopens the task first
        changed = wait_for(lambda: listing(crash_lab, sink) != before, LANDING_TIMEOUT_S, "waiting for an upload", interval_s=0.05)
        assert changed, f"no upload within {LANDING_TIMEOUT_S} s"
        kill_and_restart(lab_controller)
    producer.join(120)
    assert_every_event_once(crash_lab, sink, 900, "killed right after uploads")


def last_full_hour_ms() -> int:
    """The latest o'clock at least a minute ago, in epoch milliseconds.

    Event times around it are in the past (brokers refuse timestamps far in the future) and well inside
    the topic's 7-day retention: with times from 2024, the broker's retention check deleted the records
    mid-test (every 5 minutes), before the restarted task had read them.
    """
    a_minute_ago = datetime.now(timezone.utc) - timedelta(minutes=1)
    return int(a_minute_ago.replace(minute=0, second=0, microsecond=0).timestamp() * 1000)


def test_kill_across_an_hour_boundary(sink, crash_lab, kafka_bootstrap, lab_controller):
    """Event times from 20 s before the last full hour to 20 s after it."""
    start = last_full_hour_ms() - 20_000
    at = lambda seq: start + 40 * seq  # noqa: E731 - offset 500 is the o'clock
    produce(kafka_bootstrap, sink, range(0, 600), at)
    time.sleep(1)
    kill_and_restart(lab_controller)
    produce(kafka_bootstrap, sink, range(600, 1000), at)
    assert_every_event_once(crash_lab, sink, 1000, "killed across an hour boundary")

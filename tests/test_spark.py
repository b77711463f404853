"""The Spark lab (seed 003, lab 5) against the real native broker and a real local Spark (`local[2]`).

One SparkSession serves the module (its JVM starts once); the streaming job itself runs as the
student runs it, `python processors/spark_streaming.py`, in its own process, so it can be killed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, run_cli, run_script
from streamlab.clients.kafka_client import iter_json, make_consumer
from streamlab.clients.librdkafka import make_fast_producer
from streamlab.clients.topics import require_topics
from streamlab.spark import parsing, publish, windows
from streamlab.spark.progress import progress_line
from streamlab.spark.schemas import SCHEMAS
from streamlab.spark.session import spark_session

pytestmark = pytest.mark.integration

SENSORS = SCHEMAS["sensor-data"]


@pytest.fixture(scope="module")
def spark(settings, kafka_bootstrap):
    session = spark_session("streamlab-tests", Path(settings.LAB_JARS))
    yield session
    session.stop()


def reading(device: int, time_text: str, sensor1: float = 50.0, fail: bool = False) -> dict:
    return {"time": time_text, "DeviceId": device, "sensor1": sensor1, "sensor2": 60.0, "sensor3": 70.0,
            "motor1": 1000.0, "motor2": 1100.0, "motor3": 1200.0 + device, "isFail": fail}


def produce(bootstrap: str, topic: str, values: list) -> None:
    """JSON objects, or raw strings sent as they are (bad records)."""
    producer = make_fast_producer(bootstrap)
    for value in values:
        producer.produce(topic, value=value if isinstance(value, str) else json.dumps(value))
    assert producer.flush(30) == 0


def start_stream_job(topic: str, output: Path, checkpoint: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "processors/spark_streaming.py", "--topic", topic, "--schema", "sensor-data",
               "--output", str(output), "--checkpoint", str(checkpoint), *extra]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)  # its own group: kill -9 takes the Spark JVM with it


def committed_batches(output: Path) -> int:
    log = output / "_spark_metadata"
    return len([p for p in log.iterdir() if p.name.isdigit()]) if log.is_dir() else 0


def wait_for_batches(job: subprocess.Popen, output: Path, batches: int, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while committed_batches(output) < batches:
        assert job.poll() is None, f"the Spark job ended early:\n{job.stdout.read()}"
        assert time.monotonic() < deadline, f"no {batches} batches committed in {timeout_s:.0f} s"
        time.sleep(0.2)


def test_kill_minus_9_mid_stream_then_restart_leaves_every_record_in_parquet_exactly_once(
        spark, kafka_bootstrap, fresh_topic, tmp_path):
    events = [reading(1 + n % 5, f"2026-01-21T10:{n // 60 % 60:02d}:{n % 60:02d}") for n in range(3000)]
    bad = ["not json at all", '{"DeviceId": "abc"}']
    produce(kafka_bootstrap, fresh_topic, events + bad)
    checkpoint = tmp_path / "checkpoint"

    job = start_stream_job(fresh_topic, tmp_path, checkpoint, "--trigger", "0.5", "--max-per-batch", "300")
    wait_for_batches(job, tmp_path / fresh_topic, 2)
    os.killpg(job.pid, signal.SIGKILL)
    job.wait(timeout=30)
    partial = spark.read.parquet(str(tmp_path / fresh_topic)).count()
    assert 0 < partial < len(events) + len(bad), "the kill must land mid-stream"

    restart = start_stream_job(fresh_topic, tmp_path, checkpoint, "--once")
    out, _ = restart.communicate(timeout=240)
    assert restart.returncode == 0, out
    assert "Traceback" not in out
    assert "batch" in out and "rows" in out  # one progress line per micro-batch

    rows = spark.read.parquet(str(tmp_path / fresh_topic))
    positions = rows.select("kafka_partition", "kafka_offset")
    assert rows.count() == len(events) + len(bad)
    assert positions.distinct().count() == len(events) + len(bad)  # 0 duplicated
    assert rows.where("raw IS NOT NULL").count() == len(bad)       # bad records kept, raw text and all
    dates = rows.where("raw IS NULL").select("date").distinct().collect()
    assert [str(row.date) for row in dates] == ["2026-01-21"]  # event time, not arrival (bad records: Kafka's)
    # the producer spreads unkeyed records over partitions in sticky batches: partition 0 may hold none
    first = rows.where("raw IS NULL").orderBy("kafka_partition", "kafka_offset").first()
    assert first.DeviceId in range(1, 6) and first.motor3 == 1200.0 + first.DeviceId


def latest_per_key(bootstrap: str, topic: str) -> dict[str, dict]:
    consumer = make_consumer(bootstrap, topic)
    try:
        return {message.key.decode(): value for message, value, _ in iter_json(consumer, idle_s=5)}
    finally:
        consumer.close()


def test_windows_close_with_the_watermark_and_a_late_event_is_left_out(spark, kafka_bootstrap, fresh_topic, tmp_path):
    stats_topic = fresh_topic + "-stats"
    require_topics(kafka_bootstrap, stats_topic, create=True)
    rows = parsing.parsed(parsing.kafka_stream(spark, kafka_bootstrap, fresh_topic), SENSORS)
    stats = windows.window_stats(rows, SENSORS, window_s=60, watermark_s=30)
    shown: list[str] = []
    producer = make_fast_producer(kafka_bootstrap)
    query = publish.start_window_query(stats, publish.batch_publisher(producer, stats_topic, SENSORS, shown.append),
                                       tmp_path / "checkpoint", {"processingTime": "0.5 seconds"}, "windows_test")
    steps = [
        [reading(1, "2026-01-21T10:00:10", 10.0), reading(1, "2026-01-21T10:00:20", 20.0)],
        [reading(1, "2026-01-21T10:01:05.526Z", 30.0)],     # the producer's format; watermark -> 10:00:35
        [reading(1, "2026-01-21T10:00:40", 40.0, fail=True)],  # late, but not behind the watermark: counted
        [reading(1, "2026-01-21T10:01:50", 50.0)],          # watermark -> 10:01:20: window 10:00 is closed
        [reading(1, "2026-01-21T10:00:30", 1000.0)],        # behind the watermark: left out
    ]
    try:
        for values in steps:
            produce(kafka_bootstrap, fresh_topic, values)
            query.processAllAvailable()
    finally:
        query.stop()
        producer.flush(10)
    windows_by_key = latest_per_key(kafka_bootstrap, stats_topic)
    first, second = windows_by_key["1|2026-01-21T10:00:00Z"], windows_by_key["1|2026-01-21T10:01:00Z"]
    assert (first["readings"], first["avg_sensor1"], first["failures"]) == (3, 23.33, 1)
    assert (second["readings"], second["avg_sensor1"]) == (2, 40.0)
    assert first["window_end"] == "2026-01-21T10:01:00Z" and first["max_motor3"] == 1201.0
    assert any(line.startswith("2026-01-21T10:00:00Z DeviceId=1  readings 3") for line in shown)


def test_progress_line_names_rows_rates_and_duration():
    line = progress_line({"batchId": 7, "numInputRows": 1200, "inputRowsPerSecond": 400.0,
                          "processedRowsPerSecond": 950.5, "durationMs": {"triggerExecution": 1263}})
    assert line == "batch     7  rows   1,200  input     400.0/s  processed     950.5/s  took 1.26 s"


@pytest.mark.parametrize("script", ["processors/spark_streaming.py", "processors/spark_aggregate.py"])
def test_a_topic_without_a_schema_is_one_line(script):
    result = run_script(script, "--topic", "my-own-topic")
    assert result.returncode == 2
    assert "no schema for topic 'my-own-topic': add --schema" in result.stderr
    assert "Traceback" not in result.stderr


def check_spark() -> dict:
    result = run_cli("check", "spark", "--json", timeout=120)
    assert "Traceback" not in result.stderr
    (report,) = json.loads(result.stdout)["labs"]
    return {c["name"]: c for c in report["criteria"]} | {"done": report["done"], "exit": result.returncode}


def test_check_spark_turns_done_once_the_student_ran_both_jobs(spark, kafka_bootstrap):
    before = check_spark()
    assert (before["done"], before["exit"]) == (False, 1)
    assert "make spark-stream" in before["sensor-data in Parquet"]["fix"]

    produced = run_script("producers/fms_producer.py", "--interval", "0.05", "--rounds", "4")
    assert produced.returncode == 0, produced.stderr
    for job in ("processors/spark_streaming.py", "processors/spark_aggregate.py"):
        result = run_script(job, "--once", timeout=300)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr

    after = check_spark()
    assert after["done"] and after["exit"] == 0, after
    assert "records behind" in after["the checkpoint keeps up with the topic"]["detail"]

"""`streamlab check`, `check kpis` and the fault drills.

Unit tests grade fake observations; the integration tests grade what is really in the native lab:
each check fails with its named fix on a wrong setup and passes once the exercise is done.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid

import pytest
from conftest import REPO, run_cli, run_script

from streamlab.checks import course, kafka_labs, sink_labs, streamer_lab
from streamlab.checks.model import LabReport, met, missed
from streamlab.checks.observe import Observer
from streamlab.clients.connect import ConnectClient, render
from streamlab.clients.kafka_client import make_admin, make_consumer, make_producer
from streamlab.clients.topics import create
from streamlab.errors import LabError
from streamlab.lab import Lab
from streamlab.waiting import wait_for


def by_name(criteria) -> dict:
    return {c.name: c for c in criteria}


# --- unit -----------------------------------------------------------------------------------------


class FakeView:
    """Observations as given, for the checks' pure judgement."""

    def __init__(self, counts: dict[str, int]):
        self.counts = counts

    def message_count(self, topic: str) -> int:
        return self.counts.get(topic, 0)


def test_a_filter_that_passes_everything_is_not_done():
    criteria = by_name(kafka_labs.keyword_filter(FakeView({"test-topic": 50, "filtered-topic": 50})))
    miss = criteria["the filter drops what does not match"]
    assert not miss.ok and "every message passed" in miss.fix and "KEYWORDS=" in miss.fix


def test_a_filter_that_keeps_some_is_done():
    assert all(c.ok for c in kafka_labs.keyword_filter(FakeView({"test-topic": 50, "filtered-topic": 7})))


def test_a_report_is_done_only_when_every_criterion_holds():
    assert LabReport("x", "001", [met("a"), met("b")]).done
    report = LabReport("x", "001", [met("a"), missed("b", "seen", "do this")])
    assert not report.done and report.as_json()["criteria"][1] == {"name": "b", "ok": False, "detail": "seen", "fix": "do this"}
    assert not LabReport("x", "001", []).done


def test_labs_come_in_course_order_with_their_seed():
    assert [lab.name for lab in course.LABS][:3] == ["kafka-basics", "connect-s3", "fanout-connect"]
    assert {lab.seed for lab in course.LABS} == {"000", "001", "002", "003", "004"}
    with pytest.raises(LabError, match="no lab named 'conect-s3'"):
        course.find("conect-s3")


def test_an_unknown_lab_is_one_line():
    result = run_cli("check", "nosuch")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no lab named 'nosuch'" in result.stderr and "kafka-basics" in result.stderr


def test_elk_on_the_native_runtime_names_docker():
    (criterion,) = sink_labs.fanout(None, "elk", "web_logs", "native")
    assert not criterion.ok and "docker runtime" in criterion.fix


# --- integration: the real lab --------------------------------------------------------------------


@pytest.fixture(scope="module")
def view(lab_controller, settings):
    lab_controller.ensure("kafka", "s3", "opensearch", "connect")
    observer = Observer(settings)
    yield observer
    observer.close()


def produce_json(bootstrap: str, topic: str, values: list[dict]) -> None:
    producer = make_producer(bootstrap)
    for value in values:
        producer.send(topic, value=value)
    producer.flush(timeout=30)
    producer.close()


@pytest.mark.integration
def test_kafka_basics_names_each_missing_step_then_turns_done(view, kafka_bootstrap):
    orders = f"orders-{uuid.uuid4().hex[:8]}"
    before = by_name(kafka_labs.kafka_basics(view, {orders: 2}, orders=orders))
    assert not before["topics exist with their partitions"].ok
    assert f"streamlab topics create {orders} -p 2" in before["topics exist with their partitions"].fix
    admin = make_admin(kafka_bootstrap)
    create(admin, orders, partitions=2)
    admin.close()
    produce_json(kafka_bootstrap, orders, [{"order_id": n} for n in range(5)])
    halfway = by_name(kafka_labs.kafka_basics(view, {orders: 2}, orders=orders))
    assert halfway["orders produced to " + orders].ok
    assert "make bakery-consume" in halfway[f"orders consumed by a group from {orders}"].fix
    consumer = make_consumer(kafka_bootstrap, orders, group_id=f"bakery-{orders}")
    assert wait_for(lambda: bool(consumer.poll(timeout_ms=1000)), 20, "reading the orders")
    consumer.commit()
    consumer.close()
    assert all(c.ok for c in kafka_labs.kafka_basics(view, {orders: 2}, orders=orders))


@pytest.mark.integration
def test_connect_s3_names_a_wrong_file_max_records_then_turns_done(view, kafka_bootstrap, settings):
    topic, name = f"chk-{uuid.uuid4().hex[:8]}", f"check-s3-{uuid.uuid4().hex[:6]}"
    admin = make_admin(kafka_bootstrap)
    create(admin, topic, partitions=1)
    admin.close()
    missing = by_name(sink_labs.connect_s3(view, topic, connector=name))
    assert "make connect-s3" in missing["S3 sink connector registered"].fix
    client = ConnectClient(settings.CONNECT_URL)
    connector = render(REPO / "connectors" / "s3-sink.json", Lab(runtime_name="native").connect_variables())
    config = {**connector.config, "name": name, "topics": topic, "file.max.records": "25", "errors.deadletterqueue.topic.name": f"{topic}-dlq"}
    client.put_config(type(connector)(name, config))
    try:
        client.wait_running(name, 60)
        wrong = by_name(sink_labs.connect_s3(view, topic, connector=name))
        assert not wrong["an object every 10 records"].ok and '"file.max.records": "10"' in wrong["an object every 10 records"].fix
        # and onto a topic of its own: the old 25-record task may still run for a moment after the change
        topic = f"{topic}-10"
        admin = make_admin(kafka_bootstrap)
        create(admin, topic, partitions=1)
        admin.close()
        client.put_config(type(connector)(name, {**config, "topics": topic, "file.max.records": "10"}))
        client.wait_running(name, 60)
        produce_json(kafka_bootstrap, topic, [{"ip": "10.0.0.1", "seq": n} for n in range(30)])
        assert wait_for(lambda: len(view.objects(f"topics/{topic}/")) >= 3, 60, "waiting for the sink's objects")
        criteria = sink_labs.connect_s3(view, topic, connector=name)
        assert all(c.ok for c in criteria), [c for c in criteria if not c.ok]
    finally:
        client.delete(name)


@pytest.mark.integration
def test_log_streamer_not_running_is_named(view, tmp_path):
    criteria = by_name(streamer_lab.log_streamer(view, tmp_path, topic=f"none-{uuid.uuid4().hex[:6]}", dlq="app-logs-dlq"))
    assert not criteria["the streamer is running"].ok and "make stream-logs" in criteria["the streamer is running"].fix


@pytest.mark.integration
def test_make_check_on_a_fresh_lab_lists_every_lab_with_a_fix(view):
    result = run_cli("check", "--json", timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert [lab["lab"] for lab in report["labs"]] == [lab.name for lab in course.LABS]
    for lab in report["labs"]:
        misses = [c for c in lab["criteria"] if not c["ok"]]
        assert all(c["fix"] for c in misses), lab
    assert not next(lab for lab in report["labs"] if lab["lab"] == "gateway")["done"]


@pytest.mark.integration
def test_kpis_report_the_four_figures(view):
    switched = run_cli("switch", "connect", timeout=180)
    assert switched.returncode == 0, switched.stderr
    result = run_cli("check", "kpis", "--json", "--count", "300", timeout=300)
    assert "Traceback" not in result.stderr
    (kpis,) = json.loads(result.stdout)["labs"]
    criteria = {c["name"]: c for c in kpis["criteria"]}
    assert set(criteria) == {"p99 produce -> sink < 5 s", "delivery >= 99.9%", "producer >= 10,000 msg/s", "one node down survived"}
    assert criteria["delivery >= 99.9%"]["ok"] and "0 of 300 lost" in criteria["delivery >= 99.9%"]["detail"]
    assert criteria["producer >= 10,000 msg/s"]["detail"].endswith("acknowledged, acks=all)")


@pytest.mark.integration
def test_break_records_lands_every_bad_record_in_the_dlq_with_a_reason(view):
    assert run_cli("switch", "connect", timeout=180).returncode == 0
    result = run_cli("drill", "records", timeout=180)
    assert result.returncode == 0, result.stderr[-800:]
    assert "dead-lettered by the sinks: 8 of 8" in result.stdout
    assert result.stdout.count("s3-sink") == 4 and result.stdout.count("opensearch-sink") == 4 and "serialization error" in result.stdout


@pytest.mark.integration
def test_break_connect_recovers_with_nothing_lost(view):
    assert run_cli("switch", "connect", timeout=180).returncode == 0
    started = time.monotonic()
    result = run_cli("drill", "connect", "--down", "5", "--count", "150", timeout=400)
    assert result.returncode == 0, result.stderr[-800:]
    assert "killed connect" in result.stderr and "connect     healthy" in result.stderr
    assert "150 tagged events" in result.stdout and time.monotonic() - started < 300


@pytest.mark.integration
def test_break_opensearch_recovers_with_nothing_lost(view):
    """OpenSearch down while events flow: the sink retries, and once it is back every event is searchable."""
    assert run_cli("switch", "connect", timeout=180).returncode == 0
    result = run_cli("drill", "opensearch", "--down", "5", "--count", "150", timeout=400)
    assert result.returncode == 0, result.stderr[-800:]
    assert "killed opensearch" in result.stderr and "opensearch  healthy" in result.stderr
    assert "150 tagged events" in result.stdout and "missing" in result.stdout


# --- integration: a lab done as the docs say turns ✓ ------------------------------------------------


def fresh_topics(bootstrap: str, *prefixes: str) -> list[str]:
    names = [f"{prefix}-{uuid.uuid4().hex[:8]}" for prefix in prefixes]
    admin = make_admin(bootstrap)
    for name in names:
        create(admin, name, partitions=1)
    admin.close()
    return names


@pytest.mark.integration
def test_unicorns_turn_done_with_two_unicorns_at_one_a_second(view, kafka_bootstrap):
    (topic,) = fresh_topics(kafka_bootstrap, "rides")
    assert not all(c.ok for c in kafka_labs.unicorns(view, topic))
    result = run_script("producers/unicorn_producer.py", "--bootstrap-servers", kafka_bootstrap, "--topic", topic,
                        "--name", "Shadowfax", "--name", "Rocinante", "--count", "5", "--quiet", timeout=60)
    assert result.returncode == 0, result.stderr
    criteria = kafka_labs.unicorns(view, topic)
    assert all(c.ok for c in criteria), criteria


@pytest.mark.integration
def test_factory_sensors_turn_done_once_the_consumer_raised_the_alerts(view, kafka_bootstrap):
    readings, alerts = fresh_topics(kafka_bootstrap, "sensors", "alerts")
    produce_json(kafka_bootstrap, readings, [
        {"time": "2026-12-01T10:00:00", "DeviceId": 1, "sensor1": 95.0, "sensor2": 40.0, "sensor3": 40.0,
         "motor1": 900.0, "motor2": 900.0, "motor3": 900.0, "isFail": False},
        {"time": "2026-12-01T10:00:00", "DeviceId": 2, "sensor1": 40.0, "sensor2": 40.0, "sensor3": 40.0,
         "motor1": 900.0, "motor2": 900.0, "motor3": 900.0, "isFail": False},
    ])
    before = by_name(kafka_labs.factory_sensors(view, readings, alerts))
    assert not before["alerts raised"].ok and "make fms-consume" in before["alerts raised"].fix
    result = run_script("consumers/fms_consumer.py", "--bootstrap-servers", kafka_bootstrap, "--topic", readings,
                        "--alerts-topic", alerts, "--from-beginning", "--exit-when-idle", "3", timeout=60)
    assert result.returncode == 0, result.stderr
    criteria = kafka_labs.factory_sensors(view, readings, alerts)
    assert all(c.ok for c in criteria), criteria


@pytest.mark.integration
def test_fanout_connect_turns_done_after_switch_and_verify(view, settings):
    assert run_cli("switch", "connect", timeout=180).returncode == 0
    verified = run_cli("verify", "--count", "50", "--rate", "50", timeout=180)
    assert verified.returncode == 0, verified.stderr[-500:]
    criteria = sink_labs.fanout(view, "connect", settings.WEB_LOGS_TOPIC, "native")
    assert all(c.ok for c in criteria), criteria


@pytest.mark.integration
def test_log_streamer_turns_done_while_it_runs(view, kafka_bootstrap, tmp_path):
    topic, dlq = fresh_topics(kafka_bootstrap, "applogs", "applogs-dlq")
    files = [("access.log", "apache"), ("nginx.log", "nginx"), ("app.log", "json")]
    sources = json.dumps([{"path": str(tmp_path / name), "type": kind, "name": kind} for name, kind in files])
    state = tmp_path / "state"
    command = [sys.executable, "producers/log_file_streamer.py", "--bootstrap-servers", kafka_bootstrap, "--log-files", sources,
               "--topic", topic, "--dlq-topic", dlq, "--checkpoint", str(state / "checkpoint.json"), "--generate-test-logs",
               "--batch-timeout", "1"]
    streamer = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        done = lambda: all(c.ok for c in streamer_lab.log_streamer(view, state, topic, dlq))  # noqa: E731
        assert wait_for(done, 90, "waiting for the log-streamer check to turn done"), streamer_lab.log_streamer(view, state, topic, dlq)
    finally:
        streamer.terminate()
        streamer.wait(30)
    stopped = by_name(streamer_lab.log_streamer(view, state, topic, dlq))
    assert not stopped["the streamer is running"].ok and "make stream-logs" in stopped["the streamer is running"].fix

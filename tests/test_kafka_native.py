"""The foundation against the real native broker: producer script, consume, topics, error paths."""

from __future__ import annotations

import ipaddress
import json
import os
import socket
from collections import Counter

import pytest
from conftest import REPO, run_cli, run_script

from streamlab.clients.kafka_client import iter_json, make_consumer, make_producer
from streamlab.clients.offsets import end_offsets
from streamlab.config import load_settings
from streamlab.errors import LabError
from streamlab.labs.weblogs import FIELDS, METHODS, STATUS_CODES
from streamlab.runtime.native import NativeRuntime
from streamlab.topology import load_topology

pytestmark = pytest.mark.integration

KAFKA_PORT = load_topology().port("kafka")  # lab.yaml's, shifted by the suite's LAB_PORT_OFFSET


def consume_all(bootstrap: str, topic: str, expected: int):
    consumer = make_consumer(bootstrap, topic)
    try:
        return list(iter_json(consumer, max_messages=expected, idle_s=10))
    finally:
        consumer.close()


def assert_one_clean_line(result, *phrases: str):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    for phrase in phrases:
        assert phrase in result.stderr


def test_producer_script_delivers_10000_web_logs_with_the_course_schema(kafka_bootstrap, fresh_topic):
    result = run_script("producers/web_log_producer.py", "--count", "10000", "--rate", "0", "--topic", fresh_topic, "--quiet")
    assert result.returncode == 0, result.stderr
    assert "all delivered" in result.stderr and "delivered 10,000" in result.stderr

    messages = consume_all(kafka_bootstrap, fresh_topic, 10_000)
    assert len(messages) == 10_000
    assert all(error is None for _, _, error in messages)
    values = [value for _, value, _ in messages]
    for message, value, _ in messages[:500]:
        assert tuple(value) == FIELDS
        ipaddress.ip_address(value["ip"])
        assert value["method"] in METHODS and value["status_code"] in STATUS_CODES
        assert message.key.decode() == value["ip"]  # keyed by client for per-client ordering
    assert len({m.partition for m, _, _ in messages}) == 3
    assert Counter(v["method"] for v in values).most_common(1)[0][0] == "GET"


def test_consume_command_shows_the_events(kafka_bootstrap, fresh_topic):
    assert run_script("producers/web_log_producer.py", "--count", "25", "--topic", fresh_topic, "--quiet").returncode == 0
    result = run_cli("consume", fresh_topic, "--max", "25", "--raw", "--idle", "5")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 25 and all(tuple(json.loads(line)) == FIELDS for line in lines)
    assert "25 message(s)" in result.stderr


def test_default_topics_exist_after_up(kafka_bootstrap):
    listed = run_cli("topics", "list").stdout.split()
    assert set(load_topology().topic_names()) <= set(listed)


def test_topics_create_describe_delete(kafka_bootstrap):
    name = f"cli-{os.getpid()}"
    created = run_cli("topics", "create", name, "-p", "2", "-c", "retention.ms=3600000")
    assert created.returncode == 0 and "created" in created.stdout
    again = run_cli("topics", "create", name)
    assert again.returncode == 0 and "already exists" in again.stdout
    described = run_cli("topics", "describe", name)
    assert "2 partition(s)" in described.stdout and "retention.ms=3600000" in described.stdout
    assert run_cli("topics", "delete", name).returncode == 0


def test_bad_topic_name_is_one_line(kafka_bootstrap):
    result = run_cli("topics", "create", "no spaces!")
    assert result.returncode == 2
    assert_one_clean_line(result, "'no spaces!' is not a valid topic name")
    result = run_script("producers/web_log_producer.py", "--topic", "bad/topic", "--count", "1")
    assert_one_clean_line(result, "not a valid topic name")


def test_unreachable_broker_is_a_bounded_wait_then_one_line():
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = run_script("producers/web_log_producer.py", "--bootstrap-servers", f"localhost:{port}", "--count", "1", timeout=60)
    assert_one_clean_line(result, f"Kafka is not reachable at localhost:{port}")
    assert len(result.stderr.strip().splitlines()) <= 2


def test_up_is_idempotent_and_status_is_a_table(lab_controller, kafka_bootstrap):
    runtime = lab_controller.runtime
    before = runtime.pidfile("kafka").process().pid
    runtime.up(["kafka"])
    assert runtime.pidfile("kafka").process().pid == before
    status = run_cli("status")
    assert status.returncode == 0
    row = next(line for line in status.stdout.splitlines() if " kafka " in line)
    assert "healthy" in row and str(KAFKA_PORT) in row and str(before) in row


def test_port_taken_names_the_port_and_the_process(kafka_bootstrap, tmp_path):
    other = load_settings(environ={**os.environ, "LAB_HOME": str(tmp_path)})
    with pytest.raises(LabError) as caught:
        NativeRuntime(other, load_topology()).up(["kafka"])
    message = str(caught.value)
    assert f"port {KAFKA_PORT} for kafka is already taken by pid" in message and "java" in message


def test_down_with_nothing_running_is_fine(tmp_path):
    env = {**os.environ, "LAB_HOME": str(tmp_path)}
    result = run_cli("down", env=env)
    assert result.returncode == 0 and "nothing to stop" in result.stderr


def test_missing_java_is_one_line(tmp_path):
    env = {**os.environ, "LAB_HOME": str(tmp_path), "PATH": "/nonexistent", "JAVA_HOME": ""}
    result = run_cli("up", "kafka", env=env)
    assert_one_clean_line(result, "Java was not found", "install Java 17+")


def test_runtime_auto_says_which_it_chose(tmp_path):
    env = {**os.environ, "LAB_HOME": str(tmp_path), "RUNTIME": "auto"}
    result = run_cli("status", env=env)  # `up` and `status` say it; other commands stay quiet (issue 10)
    assert "runtime: native (no Docker engine answers)" in result.stderr or "runtime: docker" in result.stderr


@pytest.mark.parametrize("command, typo, meant", [
    (("cli", "consume", "web_log"), "web_log", "web_logs"),
    (("consumers/bakery_consumer.py", "--topic", "bk-order"), "bk-order", "bk-orders"),
    (("producers/web_log_producer.py", "--topic", "web-logs", "--count", "1"), "web-logs", "web_logs"),
])
def test_a_topic_typo_is_one_line_and_no_topic(kafka_bootstrap, command, typo, meant):
    """The broker does not auto-create topics, and no command does unless --create (issue 10)."""
    result = run_cli(*command[1:], timeout=60) if command[0] == "cli" else run_script(*command, timeout=60)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"error: topic '{typo}' does not exist (did you mean {meant}?)"]
    assert typo not in run_cli("topics", "list").stdout.split()


def test_produce_to_a_missing_topic_fails_at_the_broker_too(kafka_bootstrap):
    """Clients that skip the lab's check (the course's own code) get no topic either."""
    name = f"never-created-{os.getpid()}"
    producer = make_producer(kafka_bootstrap, max_block_ms=3000)
    try:
        with pytest.raises(Exception):
            producer.send(name, value={"n": 1}).get(timeout=10)
    finally:
        producer.close(timeout=1)
    assert name not in run_cli("topics", "list").stdout.split()


def test_create_makes_the_topic(kafka_bootstrap):
    name = f"made-{os.getpid()}"
    result = run_script("producers/web_log_producer.py", "--topic", name, "--create", "--count", "5", "--quiet")
    assert result.returncode == 0 and f"created topic '{name}'" in result.stderr, result.stderr
    consumed = run_cli("consume", name, "--max", "5", "--raw", "--idle", "5")
    assert len(consumed.stdout.splitlines()) == 5


def test_ctrl_c_flushes_and_prints_a_delivery_summary(kafka_bootstrap, fresh_topic):
    import signal
    import subprocess
    import sys
    import time

    producer = subprocess.Popen(
        [sys.executable, "producers/web_log_producer.py", "--topic", fresh_topic, "--rate", "200"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    # Ctrl-C once 150 events are in: a fixed pause could land before the first send on a busy machine
    deadline = time.monotonic() + 60
    while sum(end_offsets(kafka_bootstrap, [fresh_topic]).values()) < 150 and time.monotonic() < deadline:
        time.sleep(0.2)
    producer.send_signal(signal.SIGINT)
    _, stderr = producer.communicate(timeout=90)  # flushing waits for every ack; a busy machine is slow
    assert producer.returncode == 0, stderr
    assert "interrupted: flushing" in stderr and "all delivered" in stderr and "Traceback" not in stderr
    delivered = int(stderr.rsplit("delivered ", 1)[1].split()[0].replace(",", ""))
    assert delivered > 100
    assert len(consume_all(kafka_bootstrap, fresh_topic, delivered)) == delivered


def test_missing_maven_is_one_line(tmp_path):
    from streamlab.runtime.java import find_java

    only_java = tmp_path / "bin"
    only_java.mkdir()
    (only_java / "java").symlink_to(find_java())
    env = {**os.environ, "LAB_HOME": str(tmp_path / "home"), "LAB_JARS": str(tmp_path / "jars"), "PATH": str(only_java), "JAVA_HOME": ""}
    result = run_cli("up", "kafka", env=env)
    assert_one_clean_line(result, "Maven (mvn) was not found", "install Maven")


def test_doctor_is_a_table_and_masks_secrets(kafka_bootstrap, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIsecret\nOPENSEARCH_PASS=hunter2hunter2\n")
    result = run_cli("doctor", env={**os.environ, "STREAMLAB_ENV_FILE": str(env_file)})
    output = result.stdout + result.stderr
    assert "wJalrXUtnFEMIsecret" not in output and "hunter2hunter2" not in output
    assert "wJ******" in output
    kafka_row = next(line for line in result.stdout.splitlines() if f"port {KAFKA_PORT}" in line)
    assert "the lab's own" in kafka_row and "Traceback" not in output

"""Unit tests for pure logic: settings, topic names, event factory, pacing."""

from __future__ import annotations

import ipaddress
import time
from datetime import datetime
from pathlib import Path

import pytest

from streamlab.clients.topics import parse_configs
from streamlab.config import load_settings, mask
from streamlab.errors import LabError
from streamlab.labs.weblogs import FIELDS, METHODS, STATUS_CODES, WebLogFactory
from streamlab.topology import invalid_topic_reason, load_topology
from streamlab.waiting import Pacer


def test_settings_work_without_env_file(tmp_path: Path):
    settings = load_settings(env_file=tmp_path / "missing.env", environ={})
    topo = load_topology()
    assert settings.RUNTIME == "auto"
    assert settings.KAFKA_BOOTSTRAP == f"localhost:{topo.port('kafka')}"
    assert settings.CONNECT_FLUSH_INTERVAL_MS == "10000"
    assert settings.LAB_BIND == "127.0.0.1"


def test_environment_beats_env_file_beats_defaults(tmp_path: Path):
    env_file = tmp_path / ".env"
    env_file.write_text("RUNTIME=native\nS3_BUCKET=from-file\nJVM_HEAP=256m\n")
    settings = load_settings(env_file=env_file, environ={"S3_BUCKET": "from-env"})
    assert (settings.RUNTIME, settings.S3_BUCKET, settings.JVM_HEAP) == ("native", "from-env", "256m")


def test_one_minimum_python_in_pyproject_the_doctor_and_both_readmes():
    from streamlab.bundle.wheels import read_pyproject
    from streamlab.runtime.doctor import MIN_PYTHON, _python

    minimum = ".".join(map(str, MIN_PYTHON))
    assert read_pyproject()["project"]["requires-python"] == f">={minimum}"
    assert _python().name == f"python {minimum}+"
    repo = Path(__file__).resolve().parent.parent
    for readme in ("README.md", "README.ko.md"):
        assert f"Python {minimum}+" in (repo / readme).read_text(), readme


def test_bad_runtime_is_one_clear_error(tmp_path: Path):
    with pytest.raises(LabError, match="RUNTIME='podman' is not one of auto, docker, native"):
        load_settings(env_file=tmp_path / "none", environ={"RUNTIME": "podman"})


def test_a_bad_runtime_names_where_it_came_from(tmp_path: Path, monkeypatch):
    from streamlab.lab import Lab

    env_file = tmp_path / ".env"
    env_file.write_text("RUNTIME=podman\n")
    with pytest.raises(LabError) as from_shell:
        load_settings(env_file=tmp_path / "none", environ={"RUNTIME": "podman"})
    assert "environment" in from_shell.value.hint and ".env" not in from_shell.value.hint
    with pytest.raises(LabError) as from_file:
        load_settings(env_file=env_file, environ={})
    assert from_file.value.hint == f"fix it in {env_file}"
    monkeypatch.setenv("STREAMLAB_ENV_FILE", str(env_file))
    monkeypatch.delenv("RUNTIME", raising=False)
    with pytest.raises(LabError) as from_flag:
        Lab(runtime_name="bogus").settings
    assert str(from_flag.value).startswith("--runtime 'bogus' is not one of auto, docker, native")
    assert ".env" not in str(from_flag.value) and from_flag.value.exit_code == 2
    assert Lab(runtime_name="native").settings.RUNTIME == "native"  # the flag beats a bad RUNTIME in .env


def test_secrets_are_masked_and_other_values_are_not(tmp_path: Path):
    settings = load_settings(env_file=tmp_path / "none", environ={"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI", "OPENSEARCH_PASS": "hunter2"})
    shown = settings.masked()
    assert "wJalrXUtnFEMI" not in str(shown) and "hunter2" not in str(shown)
    assert shown["AWS_SECRET_ACCESS_KEY"].startswith("wJ") and shown["S3_BUCKET"] == settings.S3_BUCKET
    assert mask("OPENSEARCH_USER", "admin") == "admin"


@pytest.mark.parametrize("name", ["web_logs", "bk-orders", "a.b_c-9", "x" * 249])
def test_valid_topic_names(name):
    assert invalid_topic_reason(name) is None


@pytest.mark.parametrize("name,reason", [("", "empty"), (".", "reserved"), ("a b", "' '"), ("x" * 250, "250"), ("로그", "only letters")])
def test_invalid_topic_names_say_why(name, reason):
    assert reason in invalid_topic_reason(name)


def test_lab_yaml_topics_are_valid_and_unique():
    names = load_topology().topic_names()
    assert len(names) == len(set(names))
    assert all(invalid_topic_reason(n) is None for n in names)
    assert {"web_logs", "bk-orders", "wildrydes", "sensor-data"} <= set(names)


def test_parse_configs():
    assert parse_configs(["retention.ms=5", "cleanup.policy = compact"]) == {"retention.ms": "5", "cleanup.policy": "compact"}
    with pytest.raises(LabError, match="KEY=VALUE"):
        parse_configs(["retention.ms"])


def test_web_log_events_have_the_course_schema():
    factory = WebLogFactory(seed=7)
    events = [factory.event() for _ in range(2000)]
    for event in events[:50]:
        assert tuple(event) == FIELDS
        ipaddress.ip_address(event["ip"])
        datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00"))
        assert event["url"].startswith("http")
        assert isinstance(event["status_code"], int)
    methods = [e["method"] for e in events]
    assert set(methods) <= set(METHODS) and methods.count("GET") > len(events) / 2
    statuses = [e["status_code"] for e in events]
    assert set(statuses) <= set(STATUS_CODES) and statuses.count(200) > len(events) / 2
    assert any(s >= 400 for s in statuses)


def test_factory_is_repeatable_and_carries_extra_fields():
    a, b = WebLogFactory(seed=1), WebLogFactory(seed=1)
    strip = lambda e: {k: v for k, v in e.items() if k != "timestamp"}  # noqa: E731
    assert [strip(a.event()) for _ in range(5)] == [strip(b.event()) for _ in range(5)]
    assert a.event(run_id="r1", seq=3)["seq"] == 3


def test_pool_mode_is_not_bound_by_faker():
    pooled, fresh = WebLogFactory(seed=1), WebLogFactory(seed=1, fresh=True)
    started = time.perf_counter()
    for _ in range(2000):
        pooled.event()
    pooled_s = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(200):
        fresh.event()
    fresh_s = (time.perf_counter() - started) * 10
    assert pooled_s * 5 < fresh_s  # a ratio, not a timing: pools are far cheaper than Faker calls


def test_pacer_keeps_the_rate():
    pacer = Pacer(200)
    started = time.monotonic()
    for done in range(1, 51):
        pacer.wait(done)
    assert 0.2 <= time.monotonic() - started < 0.6
    unpaced = Pacer(0)
    started = time.monotonic()
    unpaced.wait(10_000)
    assert time.monotonic() - started < 0.01


def test_relative_paths_in_env_are_from_the_repository_root(tmp_path: Path):
    from streamlab.topology import REPO_ROOT

    settings = load_settings(env_file=tmp_path / "none", environ={"LAB_HOME": ".lab", "LAB_JARS": "cache/jars"})
    assert settings.LAB_HOME == str(REPO_ROOT / ".lab") and settings.LAB_JARS == str(REPO_ROOT / "cache" / "jars")

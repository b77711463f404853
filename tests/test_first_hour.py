"""What a new student met in the first hour (issue 10), held without a lab.

Topic typos, hints that name real options, one runtime line, a quiet Ctrl+C under make, the FMS
API down, S3 before the first object, the cluster's topic and its stop.
"""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from kafka.errors import KafkaConnectionError
from rich.console import Console
from typer.testing import CliRunner

import streamlab.clients.kafka_client as kafka_io
from streamlab.clients import topics as topic_ops
from streamlab.clients.kafka_client import OPTION_HINT, SETTINGS_HINT
from streamlab.clients.topics import closest_name, require_topics
from streamlab.config import load_settings
from streamlab.errors import LabError
from streamlab.lab import Lab
from streamlab.labs.fms import device_span
from streamlab.topology import load_topology

REPO = Path(__file__).resolve().parent.parent
LAB_TOPICS = [*load_topology().topic_names(), "__consumer_offsets", "connect-offsets"]


class FakeAdmin:
    def __init__(self, topics=LAB_TOPICS):
        self.topics, self.closed = set(topics), False

    def list_topics(self):
        return list(self.topics)

    def create_topics(self, new_topics):
        self.topics |= {topic.name for topic in new_topics}

    def close(self):
        self.closed = True


def app_for(lab: Lab | None = None):
    from streamlab.cli import build_app

    return build_app(lab or Lab(), Console(file=io.StringIO()))


# --- item 3: a typo in a topic name creates nothing -----------------------------------------------

@pytest.mark.parametrize("typo, meant", [("web_log", "web_logs"), ("bk-order", "bk-orders"), ("web-logs", "web_logs")])
def test_a_typo_names_the_closest_topic_and_creates_nothing(typo, meant):
    admin = FakeAdmin()
    with pytest.raises(LabError) as caught:
        require_topics(admin, typo)
    assert str(caught.value) == f"topic '{typo}' does not exist (did you mean {meant}?)"
    assert caught.value.exit_code == 2 and typo not in admin.topics


def test_a_name_close_to_nothing_says_how_to_create_it():
    with pytest.raises(LabError) as caught:
        require_topics(FakeAdmin(), "payments")
    assert str(caught.value) == "topic 'payments' does not exist (pass --create to make it, or `streamlab topics create payments`)"


def test_create_makes_only_the_missing_topics():
    admin = FakeAdmin()
    assert require_topics(admin, "web_logs", "payments", "payments", create=True) == ["payments"]
    assert "payments" in admin.topics
    assert require_topics(admin, "web_logs", "payments") == []


def test_internal_topics_are_never_suggested():
    assert closest_name("__consumer_offset", ["__consumer_offsets", "web_logs"]) is None
    assert closest_name("nothing-like-it", LAB_TOPICS) is None


def test_an_address_gets_an_admin_of_its_own_closed_after(monkeypatch):
    admin = FakeAdmin()
    monkeypatch.setattr(topic_ops, "make_admin", lambda bootstrap: admin)
    with pytest.raises(LabError):
        require_topics("localhost:9092", "web_log")
    assert admin.closed


def test_consume_refuses_a_typo_and_creates_with_create(monkeypatch):
    admin = FakeAdmin()
    monkeypatch.setattr(kafka_io, "KafkaAdminClient", lambda **config: admin)
    result = CliRunner().invoke(app_for(), ["consume", "web_log"])
    assert isinstance(result.exception, LabError) and result.exception.exit_code == 2
    assert str(result.exception) == "topic 'web_log' does not exist (did you mean web_logs?)"
    assert "web_log" not in admin.topics

    class Empty:
        def __init__(self, *topics, **config):
            assert "fresh-topic" in admin.topics  # created before the consumer subscribes

        def poll(self, timeout_ms=0, max_records=None):
            return {}

        def close(self):
            pass

    monkeypatch.setattr(kafka_io, "KafkaConsumer", Empty)
    result = CliRunner().invoke(app_for(), ["consume", "fresh-topic", "--create", "--idle", "0.1"])
    assert result.exit_code == 0, result.output
    assert "fresh-topic" in admin.topics


# --- item 10: every hint names something real -----------------------------------------------------

def refuse(**config):
    raise KafkaConnectionError("no broker answers")


@pytest.mark.parametrize("argv", [["consume", "web_logs"], ["topics", "list"], ["topics", "describe", "web_logs"],
                                  ["topics", "create", "x"], ["topics", "delete", "x"]])
def test_commands_that_reach_kafka_take_bootstrap_servers_and_say_so(argv, monkeypatch):
    monkeypatch.setattr(kafka_io, "KafkaAdminClient", refuse)
    result = CliRunner().invoke(app_for(), [*argv, "--bootstrap-servers", "localhost:1"])
    assert isinstance(result.exception, LabError), result.output
    assert str(result.exception) == f"Kafka is not reachable at localhost:1 ({OPTION_HINT})"


def test_up_names_kafka_bootstrap_not_an_option_it_lacks(monkeypatch):
    monkeypatch.setattr(kafka_io, "KafkaAdminClient", refuse)
    with pytest.raises(LabError) as caught:
        Lab(console=Console(file=io.StringIO()), runtime_name="native").provision(["kafka"])
    assert caught.value.hint == SETTINGS_HINT and "--bootstrap-servers" not in str(caught.value)


def test_verify_names_kafka_bootstrap(monkeypatch):
    import streamlab.clients.librdkafka as librdkafka
    from streamlab.fanout import verify

    class Down:
        def __init__(self, config):
            pass

        def list_topics(self, timeout=None):
            raise librdkafka.KafkaException("down")

    monkeypatch.setattr(librdkafka, "Producer", Down)
    with pytest.raises(LabError) as caught:
        verify.produce_tagged(Lab(console=Console(file=io.StringIO())), "web_logs", "run", 1, 10)
    assert caught.value.hint == SETTINGS_HINT


def test_the_drill_points_at_the_cluster(monkeypatch):
    from types import SimpleNamespace

    from streamlab.cluster import drill

    monkeypatch.setattr(kafka_io, "KafkaAdminClient", refuse)
    with pytest.raises(LabError) as caught:
        drill.ensure_topic(SimpleNamespace(spec=SimpleNamespace(bootstrap="localhost:1")))
    assert "streamlab cluster" in caught.value.hint and "--bootstrap-servers" not in caught.value.hint


# --- item 11: the runtime is said by `up` and `status` only ---------------------------------------

def test_choosing_the_runtime_says_nothing_until_asked():
    buffer = io.StringIO()
    lab = Lab(console=Console(file=buffer), runtime_name="native")
    assert lab.runtime.name == "native" and buffer.getvalue() == ""
    lab.announce_runtime()
    assert buffer.getvalue().strip() == "runtime: native (RUNTIME=native)"


def cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "LAB_HOME": str(home), "RUNTIME": "auto", "STREAMLAB_ENV_FILE": os.devnull}
    return subprocess.run([sys.executable, "-m", "streamlab", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def test_only_status_and_up_say_the_runtime(tmp_path):
    down, status = cli("down", home=tmp_path), cli("status", home=tmp_path)
    assert down.returncode == 0 and "runtime:" not in down.stderr, down.stderr
    assert status.returncode == 0 and status.stderr.count("runtime: ") == 1, status.stderr


# Stands for a lab script: Ctrl+C sets its stop flag, then it takes a moment to close and exits 0.
STUB = """import signal, sys, threading, time
stop = threading.Event()
signal.signal(signal.SIGINT, lambda *args: stop.set())
print("ready", flush=True)
stop.wait(30)
time.sleep(0.5)
"""


def lab_targets() -> list[str]:
    text = (REPO / "mk" / "labs.mk").read_text()
    return [line.split(":")[0] for line in text.splitlines() if ": $(STAMP) ##" in line]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("target", lab_targets())
def test_ctrl_c_ends_a_lab_target_without_a_make_error(target, tmp_path):
    """The script stops cleanly on Ctrl+C; make must not add `*** [...] Interrupt` (dash in between did)."""
    stub = tmp_path / "stub.py"
    stub.write_text(STUB)
    make = subprocess.Popen(["make", "-s", target, "STAMP=", f"PY={sys.executable} {stub}"], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    if make.stdout.readline().strip() != "ready":
        os.killpg(make.pid, signal.SIGKILL)
        pytest.fail(f"make {target} did not start the script: {make.communicate(timeout=10)[1]}")
    os.killpg(make.pid, signal.SIGINT)  # what Ctrl+C does: the whole foreground group gets it
    _, stderr = make.communicate(timeout=30)
    assert "***" not in stderr, stderr


# --- item 8: an unreachable FMS API is one short line per round -----------------------------------

def fms_producer():
    spec = importlib.util.spec_from_file_location("fms_producer", REPO / "producers" / "fms_producer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_device_spans():
    assert device_span([1, 2, 3, 4, 5]) == "1-5"
    assert device_span([5, 1, 2, 3]) == "1-3, 5"
    assert device_span([7]) == "7"


@pytest.mark.parametrize("url, why", [("http://127.0.0.1:1", "connection refused"),
                                      ("http://no-such-host.invalid:9872", "name not resolved")])
def test_an_unreachable_api_is_a_few_words(url, why, monkeypatch):
    from streamlab.clients.fms_api import ApiReader, FetchError

    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(FetchError) as caught:
        ApiReader(url, timeout_s=3).read(1)
    assert str(caught.value) == f"could not reach {url} ({why})" and caught.value.unreachable


def test_a_round_against_a_dead_api_is_one_line(capsys):
    from streamlab.clients.fms_api import FetchError

    asked = []

    def reader(device_id):
        asked.append(device_id)
        raise FetchError("could not reach http://finfra.example:9872 (name not resolved)", unreachable=True)

    class Producer:
        def flush(self, timeout=None):
            pass

    assert fms_producer().one_round(reader, [1, 2, 3, 4, 5], Producer(), "sensor-data") == (0, 5)
    assert asked == [1]  # the others would only wait for the same answer
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == ["device 1-5: could not reach http://finfra.example:9872 (name not resolved)"]


def test_a_single_round_is_announced_as_once():
    cadence = fms_producer().cadence
    assert cadence(1, 10) == "once"
    assert cadence(None, 10) == "every 10s until Ctrl+C" and cadence(3, 2.5) == "every 2.5s, 3 rounds"


# --- items 5 and 6: S3 before and after the first object ------------------------------------------

class FakeS3:
    def __init__(self, objects):
        self.objects = objects  # key -> LastModified

    def get_paginator(self, name):
        return self

    def paginate(self, Bucket, Prefix):
        yield {"Contents": [{"Key": k, "LastModified": t, "Size": 1} for k, t in self.objects.items() if k.startswith(Prefix)]}


def at(second: int) -> datetime:
    return datetime(2026, 1, 1, 10, 0, second, tzinfo=timezone.utc)


def test_newest_key_under_a_prefix(monkeypatch):
    from streamlab.clients import s3

    prefix = "topics/web_logs/year=2026/"
    objects = {prefix + "a+0+00.jsonl": at(1), prefix + "a+0+10.jsonl": at(5), prefix + "a+1+00.jsonl": at(5),
               "topics/other/x.jsonl": at(9)}
    monkeypatch.setattr(s3, "s3_client", lambda settings: FakeS3(objects))
    settings = load_settings()
    assert s3.newest_key(settings, "topics/web_logs/") == (prefix + "a+1+00.jsonl", 3)  # same second: the higher key
    assert s3.newest_key(settings, prefix + "a+0+00.jsonl") == (prefix + "a+0+00.jsonl", 1)  # a whole key is itself
    assert s3.newest_key(settings, "topics/none/") == (None, 0)


def test_s3_ls_of_an_empty_prefix_says_so(monkeypatch):
    import streamlab.commands.s3 as s3_command

    monkeypatch.setattr(s3_command, "list_objects", lambda settings, prefix, **options: [])
    buffer = io.StringIO()
    result = CliRunner().invoke(app_for(Lab(console=Console(file=buffer, soft_wrap=True))), ["s3", "ls", "topics/web_logs/"])
    assert result.exit_code == 0 and result.output == ""
    assert buffer.getvalue().strip() == "no objects under s3://streamlab/topics/web_logs/ yet (the sink writes every 10 s)"


def test_s3_ls_piped_has_a_header_row(monkeypatch):
    import streamlab.commands.s3 as s3_command

    def listing(settings, prefix, count_records, progress):
        return [("topics/a.jsonl", 120, 2 if count_records else None)]

    monkeypatch.setattr(s3_command, "list_objects", listing)
    result = CliRunner().invoke(app_for(), ["s3", "ls"])
    assert result.output.splitlines() == ["key\tsize", "topics/a.jsonl\t120"]
    result = CliRunner().invoke(app_for(), ["s3", "ls", "--records"])
    assert result.output.splitlines() == ["key\tsize\trecords", "topics/a.jsonl\t120\t2"]


def test_s3_cat_of_a_prefix_prints_its_newest_object_and_names_it(monkeypatch):
    import streamlab.commands.s3 as s3_command

    monkeypatch.setattr(s3_command, "newest_key", lambda settings, key: ("topics/web_logs/x+0+10.jsonl", 4))
    monkeypatch.setattr(s3_command, "read_object", lambda settings, key: b'{"n": 1}\n')
    buffer = io.StringIO()
    lab = Lab(console=Console(file=buffer, soft_wrap=True))
    out = Console(file=io.StringIO())
    from streamlab.cli import build_app

    result = CliRunner().invoke(build_app(lab, out), ["s3", "cat", "topics/web_logs/"])
    assert result.exit_code == 0, result.output
    assert out.file.getvalue() == '{"n": 1}\n'
    assert buffer.getvalue().strip() == "s3://streamlab/topics/web_logs/x+0+10.jsonl (the newest of 4 under topics/web_logs/)"


def test_s3_cat_of_nothing_yet_is_one_line(monkeypatch):
    import streamlab.commands.s3 as s3_command

    monkeypatch.setattr(s3_command, "newest_key", lambda settings, key: (None, 0))
    result = CliRunner().invoke(app_for(), ["s3", "cat", "topics/web_logs/"])
    assert isinstance(result.exception, LabError) and result.exception.exit_code == 2
    assert str(result.exception) == "no objects under s3://streamlab/topics/web_logs/ yet (the sink writes every 10 s)"


# --- items 7 and 11: the cluster creates its topic and stops in parallel ---------------------------

def test_cluster_up_creates_the_replicated_topic(monkeypatch):
    from streamlab.cluster import drill
    from streamlab.cluster.runtime import ClusterRuntime

    made = []
    monkeypatch.setattr(ClusterRuntime, "up", lambda self, only=None: None)
    monkeypatch.setattr(drill, "ensure_topic", lambda cluster: made.append(cluster))
    buffer = io.StringIO()
    result = CliRunner().invoke(app_for(Lab(console=Console(file=buffer, width=300))), ["cluster", "up"])
    assert result.exit_code == 0, result.output
    assert len(made) == 1 and "topic 'replicated-topic' is ready" in buffer.getvalue()


SLOW_TO_STOP = """import signal, sys, time
signal.signal(signal.SIGTERM, lambda *args: (time.sleep(float(sys.argv[1])), sys.exit(0)))
print("ready", flush=True)
time.sleep(120)
"""


def started(tmp_path: Path, cluster, seconds_to_stop: float) -> list:
    import psutil

    script = tmp_path / "node.py"
    script.write_text(SLOW_TO_STOP)
    procs = []
    for node in cluster.nodes:
        proc = subprocess.Popen([sys.executable, str(script), str(seconds_to_stop)], stdout=subprocess.PIPE, text=True)
        proc.stdout.readline()
        cluster.pidfile(node.name).write(proc.pid)
        procs.append(proc)
    assert all(psutil.pid_exists(p.pid) for p in procs)
    return procs


def gone_after_stop(proc: subprocess.Popen) -> bool:
    """psutil reaped our child while waiting for it, so only its absence tells (not its exit code)."""
    import psutil

    return not psutil.pid_exists(proc.pid) or psutil.Process(proc.pid).status() == psutil.STATUS_ZOMBIE


def cluster_in(tmp_path: Path):
    from streamlab.cluster.runtime import ClusterRuntime

    settings = load_settings(environ={**os.environ, "LAB_HOME": str(tmp_path / "home")})
    return ClusterRuntime(settings, load_topology(), Console(file=io.StringIO()))


def test_cluster_down_stops_the_nodes_together(tmp_path):
    cluster = cluster_in(tmp_path)
    procs = started(tmp_path, cluster, seconds_to_stop=2)
    began = time.monotonic()
    cluster.down()
    assert time.monotonic() - began < 4.5  # one after another: 6 s and more
    assert all(gone_after_stop(p) for p in procs) and not cluster.running()


def test_cluster_down_kills_a_node_that_does_not_stop(tmp_path, monkeypatch):
    import streamlab.cluster.runtime as cluster_runtime

    monkeypatch.setattr(cluster_runtime, "STOP_GRACE_S", 1.0)
    cluster = cluster_in(tmp_path)
    procs = started(tmp_path, cluster, seconds_to_stop=60)
    began = time.monotonic()
    cluster.down()
    assert time.monotonic() - began < 4  # SIGKILL after the grace, not 60 s
    assert all(gone_after_stop(p) for p in procs) and not cluster.running()

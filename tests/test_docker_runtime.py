"""The docker runtime's commands, checked with a stand-in `docker` CLI that records its arguments.

No Docker engine runs here, so these tests check what the lab asks Compose to do (the compose file
itself is checked by tests/test_compose.py with Compose's own loader).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from streamlab.config import load_settings
from streamlab.errors import LabError
from streamlab.fanout.pipelines import switch
from streamlab.lab import Lab
from streamlab.runtime.docker import DockerRuntime
from streamlab.topology import load_topology

FAKE_DOCKER = """#!/bin/sh
echo "$*" >> "$DOCKER_CALLS"
case "$*" in
  *"ps --status running --services"*) cat "$DOCKER_RUNNING" ;;
  *"ps --all --format json"*) if [ -n "$DOCKER_PS" ]; then cat "$DOCKER_PS"; else
    echo '{"Service":"kafka","State":"running","Health":"healthy","Image":"apache/kafka:4.3.1","Publishers":[{"PublishedPort":9092}]}'; fi ;;
  *"compose -f"*" up "*"logstash"*) [ -n "$DOCKER_FAIL" ] && { echo "logstash unhealthy" >&2; exit 1; } ;;
  *" run "*) echo "env $STREAMLAB_SPARK_DATA | $STREAMLAB_SPARK_STATE | $UID:$GID" >> "$DOCKER_CALLS" ;;
esac
exit 0
"""


@pytest.fixture
def docker_cli(tmp_path: Path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(FAKE_DOCKER)
    (bin_dir / "docker").chmod(0o755)
    calls, running = tmp_path / "calls", tmp_path / "running"
    running.write_text("kafka\nconnect\nfluent-bit\n")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DOCKER_CALLS", str(calls))
    monkeypatch.setenv("DOCKER_RUNNING", str(running))
    return lambda: calls.read_text().splitlines() if calls.exists() else []


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    monkeypatch.setenv("OFFLINE", "0")  # compose's arguments without bundle/ (tests/test_bundle.py has those)
    return DockerRuntime(load_settings(env_file=tmp_path / "none", environ={}), load_topology(offset=0))


def test_up_waits_for_health_and_builds(docker_cli, runtime):
    runtime.up()
    (call,) = docker_cli()
    assert call.endswith("up -d --build --wait") and "docker-compose.yaml" in call


def test_down_includes_the_fan_out_profiles(docker_cli, runtime):
    runtime.down()
    assert "--profile elk --profile efk --profile cluster --profile spark down" in docker_cli()[0]


def test_status_is_parsed_from_compose_ps(docker_cli, runtime):
    (row,) = runtime.status()
    assert (row.name, row.state, row.port) == ("kafka", "healthy", 9092)


def test_containers_reach_local_services_by_their_compose_names(runtime):
    assert runtime.address_for_containers("http://localhost:9000", "s3") == "http://s3proxy:9000"
    assert runtime.address_for_containers("http://127.0.0.1:9200", "opensearch") == "http://opensearch:9200"
    aws = "https://search-x.ap-northeast-2.es.amazonaws.com"
    assert runtime.address_for_containers(aws, "opensearch") == aws


def docker_lab(runtime) -> Lab:
    lab = Lab()
    lab.__dict__["runtime"] = runtime  # the docker runtime without asking for an engine
    lab.__dict__["settings"] = runtime.settings
    return lab


def test_switch_elk_stops_efk_and_starts_logstash(docker_cli, runtime, monkeypatch):
    monkeypatch.setattr("streamlab.fanout.pipelines._stop_connectors", lambda lab: False)
    monkeypatch.setattr("streamlab.clients.opensearch.OpenSearch.put_template", lambda self, name: None)
    switch(docker_lab(runtime), "elk")
    calls = docker_cli()
    assert any(c.endswith("--profile efk stop fluent-bit") for c in calls)
    assert any(c.endswith("--profile elk up -d --build --wait logstash") for c in calls)
    assert not any("stop logstash" in c for c in calls)


def test_a_failing_switch_is_one_line(docker_cli, runtime, monkeypatch):
    monkeypatch.setenv("DOCKER_FAIL", "1")
    monkeypatch.setattr("streamlab.fanout.pipelines._stop_connectors", lambda lab: False)
    monkeypatch.setattr("streamlab.clients.opensearch.OpenSearch.put_template", lambda self, name: None)
    with pytest.raises(LabError, match="docker compose --profile elk up -d --build --wait logstash` failed"):
        switch(docker_lab(runtime), "elk")


def test_container_addresses_follow_env_targets(tmp_path):
    from streamlab.runtime.docker import container_env

    local = load_settings(env_file=tmp_path / "none", environ={})
    assert container_env(local) == {}  # compose defaults: s3proxy and opensearch on the lab network
    aws = load_settings(env_file=tmp_path / "none", environ={
        "S3_ENDPOINT": "", "AWS_REGION": "ap-northeast-2",
        "OPENSEARCH_URL": "https://search-x.ap-northeast-2.es.amazonaws.com",
    })
    assert container_env(aws) == {
        "S3_ENDPOINT_DOCKER": "https://s3.ap-northeast-2.amazonaws.com",
        "OPENSEARCH_URL_DOCKER": "https://search-x.ap-northeast-2.es.amazonaws.com",
        "OPENSEARCH_HOST_DOCKER": "search-x.ap-northeast-2.es.amazonaws.com",
        "OPENSEARCH_PORT_DOCKER": "443",
        "OPENSEARCH_TLS_DOCKER": "On",
    }


# --- `compose ps --format json`: JSON lines (Compose 2.21+) or one JSON array (older Compose) -----

PS_ITEMS = [
    {"Service": "kafka", "State": "running", "Health": "healthy", "Image": "apache/kafka:4.3.1",
     "Publishers": [{"URL": "127.0.0.1", "TargetPort": 9092, "PublishedPort": 9092, "Protocol": "tcp"}]},
    {"Service": "connect", "State": "running", "Health": "starting", "Image": "streamlab/connect:4.3.1",
     "Publishers": [{"URL": "", "TargetPort": 8083, "PublishedPort": 0, "Protocol": "tcp"},
                    {"URL": "127.0.0.1", "TargetPort": 8083, "PublishedPort": 8083, "Protocol": "tcp"}]},
    {"Service": "logstash", "State": "exited", "Health": "", "Image": "streamlab/logstash:8.19.7", "Publishers": None},
]


@pytest.mark.parametrize("shape", ["lines", "array", "array-pretty"])
def test_compose_ps_json_is_read_in_both_shapes(shape):
    import json

    from streamlab.runtime.docker import parse_compose_ps

    text = {
        "lines": "\n".join(json.dumps(item) for item in PS_ITEMS) + "\n",
        "array": json.dumps(PS_ITEMS) + "\n",
        "array-pretty": json.dumps(PS_ITEMS, indent=2),  # one array over many lines
    }[shape]
    assert parse_compose_ps(text) == PS_ITEMS
    assert parse_compose_ps("") == parse_compose_ps("[]\n") == []


@pytest.mark.parametrize("text", ["not json at all", '{"Service": "kafka"', "[1, 2]"])
def test_compose_ps_that_is_not_json_is_one_line(text):
    from streamlab.runtime.docker import parse_compose_ps

    with pytest.raises(LabError, match="docker compose ps --format json") as caught:
        parse_compose_ps(text)
    assert "\n" not in str(caught.value)


def test_status_reads_the_array_of_older_compose(docker_cli, runtime, tmp_path, monkeypatch):
    import json

    ps = tmp_path / "ps.json"
    ps.write_text(json.dumps(PS_ITEMS))
    monkeypatch.setenv("DOCKER_PS", str(ps))
    rows = [(row.name, row.state, row.port) for row in runtime.status()]
    assert rows == [("kafka", "healthy", 9092), ("connect", "starting", 8083), ("logstash", "exited", None)]


# --- the s3 service writes ./data/s3 as the host user (docker-compose.yaml `user:`) -------------


def test_compose_gets_the_host_uid_and_gid(runtime, monkeypatch):
    import subprocess

    seen: dict[str, str] = {}

    def fake_run(cmd, cwd, env, capture_output, text):
        seen.clear()
        seen.update(env)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr("streamlab.runtime.docker.shutil.which", lambda name: "/usr/bin/docker")
    monkeypatch.setattr("streamlab.runtime.docker.subprocess.run", fake_run)
    monkeypatch.delenv("UID", raising=False)
    monkeypatch.delenv("GID", raising=False)
    runtime.compose("ps")
    assert (seen["UID"], seen["GID"]) == (str(os.getuid()), str(os.getgid()))
    monkeypatch.setenv("UID", "4242")  # exported by hand: it wins, as every variable of the environment
    runtime.compose("ps")
    assert seen["UID"] == "4242"


def test_up_makes_the_s3_folder_before_docker_would_make_it_as_root(docker_cli, runtime, tmp_path, monkeypatch):
    monkeypatch.setattr("streamlab.runtime.docker.REPO_ROOT", tmp_path)
    runtime.up()
    assert (tmp_path / "data" / "s3").is_dir()
    assert docker_cli()[0].endswith("up -d --build --wait")


def test_a_bucket_folder_left_by_root_is_one_line_before_compose(docker_cli, runtime, tmp_path, monkeypatch):
    monkeypatch.setattr("streamlab.runtime.docker.REPO_ROOT", tmp_path)
    bucket = tmp_path / "data" / "s3" / "streamlab"
    bucket.mkdir(parents=True)
    real_access = os.access
    monkeypatch.setattr("streamlab.runtime.docker.os.access",  # as a student would find it (root sees all writable)
                        lambda path, mode: False if Path(path) == bucket else real_access(path, mode))
    with pytest.raises(LabError) as caught:
        runtime.up()
    assert str(bucket) in caught.value.message and "sudo chown -R" in caught.value.hint
    assert docker_cli() == []  # compose never ran


# --- the Spark jobs (`make spark-*`): in the spark container when RUNTIME picks docker ----------

def test_a_spark_job_runs_where_runtime_says(tmp_path, capsys):
    from streamlab.spark.launch import where

    assert where(load_settings(env_file=tmp_path / "none", environ={"RUNTIME": "native"})) == "native"
    assert "runtime: native (RUNTIME=native)" in capsys.readouterr().err


def test_a_spark_job_runs_in_a_container_removed_after_it():
    from streamlab.spark.launch import compose_run_args

    assert compose_run_args("processors/spark_streaming.py", ["--topic", "web_logs"], build=True) == [
        "--profile", "spark", "run", "--rm", "--build", "spark", "python3", "processors/spark_streaming.py", "--topic", "web_logs"]
    assert "--build" not in compose_run_args("processors/spark_aggregate.py", [], build=False)  # images from bundle/


def test_a_spark_job_in_the_container_writes_the_hosts_folders_as_the_student(docker_cli, tmp_path, monkeypatch):
    from streamlab.spark.launch import run_in_container

    monkeypatch.setenv("OFFLINE", "0")
    for name in ("STREAMLAB_SPARK_DATA", "STREAMLAB_SPARK_STATE", "UID", "GID"):
        monkeypatch.delenv(name, raising=False)
    parquet, home = tmp_path / "parquet", tmp_path / "home"
    settings = load_settings(env_file=tmp_path / "none", environ={"SPARK_DATA_DIR": str(parquet), "LAB_HOME": str(home)})

    run_in_container(settings, "processors/spark_streaming.py", ["--topic", "web_logs"])

    call, env = docker_cli()
    assert call.endswith("--profile spark run --rm --build spark python3 processors/spark_streaming.py --topic web_logs")
    assert env == f"env {parquet} | {home / 'spark'} | {os.getuid()}:{os.getgid()}"
    assert parquet.is_dir() and (home / "spark").is_dir()  # made as the student: Docker would make them as root

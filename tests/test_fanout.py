"""The connect fan-out (S3 + OpenSearch) against the real worker, s3proxy and OpenSearch; verify; switching."""

from __future__ import annotations

import os
import re
import socket

import pytest
from conftest import run_cli

from streamlab.clients.connect import ConnectClient
from streamlab.clients.opensearch import OpenSearch

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def fanout_lab(lab_controller, kafka_bootstrap):
    lab_controller.ensure("s3", "opensearch", "connect")
    return lab_controller.settings


def verify_rows(stdout: str) -> dict[str, list[str]]:
    """{'s3': [received, missing, duplicated, p50, p99], 'opensearch': [...]} from verify's table."""
    rows = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃|]", line) if c.strip()]
        if len(cells) == 6 and cells[1].isdigit():
            rows["s3" if cells[0].startswith("s3://") else "opensearch"] = cells[1:]
    return rows


def test_switch_connect_registers_both_sinks_and_is_idempotent(fanout_lab):
    first = run_cli("switch", "connect", timeout=180)
    assert first.returncode == 0, first.stderr
    assert "connect pipeline active" in first.stderr
    connectors = ConnectClient(fanout_lab.CONNECT_URL).names()
    assert {"s3-sink", "opensearch-sink"} <= set(connectors)
    again = run_cli("switch", "connect", timeout=180)
    assert again.returncode == 0 and "already active" in again.stderr
    assert ConnectClient(fanout_lab.CONNECT_URL).names() == connectors
    status = run_cli("pipeline")
    assert re.search(r"connect\s*│\s*active", status.stdout)


def test_verify_reports_zero_missing_in_s3_and_opensearch(fanout_lab):
    run_cli("switch", "connect", timeout=180)
    result = run_cli("verify", "--count", "300", "--rate", "150", timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = verify_rows(result.stdout)
    assert rows["s3"][:3] == ["300", "0", "0"], rows
    assert rows["opensearch"][:3] == ["300", "0", "0"], rows
    print("verify connect fan-out:", rows)


def test_verify_at_a_slow_rate_counts_the_records_an_object_gains_after_its_first_upload(fanout_lab):
    """At 15 events/s a partition's object is uploaded at a flush while still open, then overwritten as it
    fills: verify reads it again (it used to read each key once and report the rest missing)."""
    run_cli("switch", "connect", timeout=180)
    result = run_cli("verify", "--count", "150", "--rate", "15", timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = verify_rows(result.stdout)
    assert rows["s3"][:3] == ["150", "0", "0"], rows


def test_documents_are_searchable_with_the_right_types(fanout_lab):
    run_cli("switch", "connect", timeout=180)
    assert run_cli("verify", "--count", "50", timeout=180).returncode == 0
    search = OpenSearch(fanout_lab)
    index = "web_logs-connect-*"
    search.refresh(index)
    mapping = next(iter(search.mapping(index).values()))["mappings"]["properties"]
    assert mapping["timestamp"]["type"] == "date"
    assert mapping["ip"]["type"] == "ip"
    assert mapping["status_code"]["type"] == "integer"
    assert mapping["method"]["type"] == "keyword"
    errors = search.search(index, {"range": {"status_code": {"gte": 400}}}, size=50)
    assert errors and all(doc["status_code"] >= 400 for doc in errors)
    any_ip = search.search(index, {"match_all": {}}, size=1)[0]["ip"]
    network = ".".join(any_ip.split(".")[:2]) + ".0.0/16"
    assert search.search(index, {"term": {"ip": network}}, size=5)  # CIDR queries work on an ip field
    recent = search.search(index, {"range": {"timestamp": {"gte": "now-1h"}}}, size=5)
    assert recent


def test_switching_away_removes_the_connectors_and_back_adds_them(fanout_lab):
    from streamlab.fanout.pipelines import PIPELINES, _stop, is_active
    from streamlab.lab import Lab

    lab = Lab(runtime_name="native")
    run_cli("switch", "connect", timeout=180)
    assert _stop(lab, PIPELINES["connect"]) is True
    assert not is_active(lab, PIPELINES["connect"])
    assert not {"s3-sink", "opensearch-sink"} & set(ConnectClient(fanout_lab.CONNECT_URL).names())
    assert run_cli("verify").returncode == 1  # nothing active: verify says so
    back = run_cli("switch", "connect", timeout=180)
    assert back.returncode == 0 and is_active(lab, PIPELINES["connect"])


def test_elk_needs_docker_in_one_line(fanout_lab):
    result = run_cli("switch", "elk")
    assert result.returncode == 1
    assert "the elk pipeline needs the docker runtime" in result.stderr and "Traceback" not in result.stderr


def test_efk_without_a_fluent_bit_binary_says_how_to_get_one_in_one_line(fanout_lab):
    result = run_cli("switch", "efk", env={**os.environ, "FLUENT_BIT_BIN": "/nonexistent/fluent-bit"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the efk pipeline needs a fluent-bit binary" in result.stderr and "brew install fluent-bit" in result.stderr


def test_verify_with_opensearch_down_is_one_line(fanout_lab):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {**os.environ, "OPENSEARCH_URL": f"http://localhost:{port}"}
    result = run_cli("verify", "--count", "5", env=env, timeout=60)
    assert result.returncode == 1
    assert f"OpenSearch is not reachable at http://localhost:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_pipeline_is_a_usage_error(fanout_lab):
    result = run_cli("switch", "kafka-streams")
    assert result.returncode == 2 and "unknown pipeline 'kafka-streams'" in result.stderr

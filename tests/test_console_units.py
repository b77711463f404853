"""The lab console's own logic, without any service: rates, lag, tables, the S3 tree and tally, access
rules, secret masking, and the app over fake sources (FastAPI's TestClient, no port is bound).

The `fake_sources()` here are also what a developer can serve to look at the page without a lab.
"""

from __future__ import annotations

import io
import json
import re
import time
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from streamlab.console import create_app
from streamlab.console.access import (
    LOCAL,
    READ_ONLY,
    TOKEN,
    access_mode,
    check_change,
    host_allowed,
)
from streamlab.console.app import STATIC, index_html
from streamlab.console.config import ConsoleConfig, console_port, console_token
from streamlab.console.errors import ConsoleError, from_lab_error
from streamlab.console.figures import (
    History,
    RateMeter,
    lag_rows,
    total_lag,
    total_messages,
)
from streamlab.console.flow import ActivePipeline, Processor, flow_spec
from streamlab.console.messages import (
    matches,
    message_view,
    newest_first,
    read_windows,
    value_view,
)
from streamlab.console.pages import PAGES
from streamlab.console.redact import (
    HIDDEN,
    Redactor,
    public_settings,
    redactor_for,
    without_userinfo,
)
from streamlab.console.s3_tally import S3Tally, line_count, offset_of
from streamlab.console.s3_tree import (
    check_key,
    clean_prefix,
    crumbs,
    download_name,
    folder_entry,
    listing_view,
)
from streamlab.console.sampler import Probe, Sampler
from streamlab.console.sources import Sources
from streamlab.console.sources.s3 import S3Watcher
from streamlab.console.sse import event
from streamlab.console.tables import hits_table, jsonl_table
from streamlab.console.watch import LabWatch
from streamlab.errors import LabError
from streamlab.runtime.base import ServiceStatus
from streamlab.topology import load_topology, Service, Topology

SECRET = "s3cr3t-value-never-shown"
TOKEN_VALUE = "class-token-42"

# --- rates, lag, history --------------------------------------------------------------------------


def test_rate_is_messages_per_second_over_the_window():
    meter = RateMeter(window_s=5)
    assert meter.add(0.0, 1000) is None  # one sample: no rate yet
    assert meter.add(1.0, 1100) == pytest.approx(100)
    assert meter.add(2.0, 1300) == pytest.approx(150)  # (1300 - 1000) / 2
    for t in range(3, 12):
        meter.add(float(t), 1300 + (t - 2) * 50)
    assert meter.rate() == pytest.approx(50)  # old samples left the window


def test_rate_restarts_when_the_total_goes_down():
    meter = RateMeter()
    meter.add(0.0, 5000)
    meter.add(1.0, 5100)
    assert meter.add(2.0, 10) is None  # topic created again: a new window, never a negative rate
    assert meter.add(3.0, 40) == pytest.approx(30)


def test_lag_per_partition_and_total():
    committed = {("web_logs", 0): 90, ("web_logs", 1): None, ("web_logs", 2): 120, ("web_logs", 3): -1}
    ends = {("web_logs", 0): 100, ("web_logs", 1): 50, ("web_logs", 2): 110, ("web_logs", 3): 7}
    rows = lag_rows(committed, ends)
    assert [(r["partition"], r["lag"]) for r in rows] == [(0, 10), (1, None), (2, 0), (3, None)]
    assert rows[3]["committed"] is None  # -1 is Kafka's "no offset"
    assert total_lag(rows) == 10
    assert total_lag(lag_rows({("t", 0): None}, {("t", 0): 5})) is None


def test_total_messages_subtracts_the_beginning():
    assert total_messages({("t", 0): 100, ("t", 1): 0}, {("t", 0): 150, ("t", 1): 20}) == 70


def test_history_keeps_only_the_span_and_a_hard_cap():
    history = History(span_s=10, max_points=5)
    for t in range(20):
        history.add("in", float(t), t * 2)
    points = history.points("in")
    assert len(points) == 5 and points[-1] == (19.0, 38.0)
    assert all(19 - t <= 10 for t, _ in points)
    history.add("lag", 1.0, None)
    assert history.as_dict()["lag"] == [(1.0, None)]


# --- tables ------------------------------------------------------------------------------------------


def test_jsonl_becomes_a_table_with_columns_in_first_seen_order():
    data = b'{"ip": "1.2.3.4", "status_code": 200}\n{"ip": "5.6.7.8", "method": "GET", "tags": ["a"]}\nnot json\n\n[1]\n'
    table = jsonl_table(data)
    assert table["format"] == "jsonl"
    assert table["columns"] == ["ip", "status_code", "method", "tags"]
    assert table["rows"] == [["1.2.3.4", 200, None, None], ["5.6.7.8", None, "GET", '["a"]']]
    assert table["records"] == 2 and table["bad_lines"] == [3, 4]


def test_a_json_array_object_and_plain_text():
    assert jsonl_table(b'[{"a": 1}, {"b": 2}]')["columns"] == ["a", "b"]
    text = jsonl_table(b"hello\nworld\n")
    assert text["format"] == "text" and text["columns"] == [] and text["bad_lines"] == [1, 2]
    assert jsonl_table(b"")["records"] == 0


def test_rows_are_capped_and_long_cells_cut():
    data = b"\n".join(json.dumps({"n": i, "long": "x" * 900}).encode() for i in range(30))
    table = jsonl_table(data, max_rows=10)
    assert table["records"] == 30 and table["shown"] == 10 and len(table["rows"]) == 10
    assert len(table["rows"][0][1]) == 500 and table["rows"][0][1].endswith("…")


def test_hits_table_leads_with_index_and_id():
    table = hits_table([{"_index": "web_logs-connect-2026.11.23", "_id": "a1", "_source": {"ip": "1.1.1.1", "status_code": 503}}])
    assert table["columns"] == ["_index", "_id", "ip", "status_code"]
    assert table["rows"] == [["web_logs-connect-2026.11.23", "a1", "1.1.1.1", 503]]


# --- S3: the folder tree and the tally --------------------------------------------------------------


def test_prefixes_are_cleaned_and_checked():
    assert clean_prefix("") == ""
    assert clean_prefix("/topics/web_logs") == "topics/web_logs/"
    assert clean_prefix("topics/") == "topics/"
    for bad in ("topics/../secret", "a/\x00b"):
        with pytest.raises(ConsoleError) as refused:
            clean_prefix(bad)
        assert refused.value.status == 400
    with pytest.raises(ConsoleError):
        check_key("")


def test_hour_folders_read_as_a_tree():
    assert crumbs("topics/web_logs/year=2026/") == [
        {"label": "/", "prefix": ""}, {"label": "topics", "prefix": "topics/"},
        {"label": "web_logs", "prefix": "topics/web_logs/"}, {"label": "year=2026", "prefix": "topics/web_logs/year=2026/"}]
    assert folder_entry("topics/web_logs/year=2026/") == {"prefix": "topics/web_logs/year=2026/", "label": "year=2026", "name": "year", "value": "2026"}
    assert folder_entry("topics/")["name"] is None
    page = {"CommonPrefixes": [{"Prefix": "topics/web_logs/year=2026/month=11/"}],
            "Contents": [{"Key": "topics/web_logs/year=2026/", "Size": 0},
                         {"Key": "topics/web_logs/year=2026/x.jsonl", "Size": 42, "LastModified": datetime(2026, 11, 23, tzinfo=timezone.utc)}],
            "IsTruncated": True, "NextContinuationToken": "abc"}
    view = listing_view("streamlab", "topics/web_logs/year=2026/", page)
    assert [f["label"] for f in view["folders"]] == ["month=11"]
    assert [f["name"] for f in view["files"]] == ["x.jsonl"]  # the folder's own marker object is not a file
    assert view["next"] == "abc" and view["files"][0]["modified"].startswith("2026-11-23")


def test_download_names_are_safe():
    assert download_name("topics/web_logs/year=2026/web_logs+0+00000000000000000000.jsonl") == "web_logs+0+00000000000000000000.jsonl"
    assert download_name('a/b"; x=<y>.txt') == "b___x=_y_.txt"


def key(partition: int, offset: int, hour: str = "10") -> str:
    return f"topics/web_logs/year=2026/month=11/day=23/hour={hour}/web_logs+{partition}+{offset:020d}.jsonl"


def test_tally_counts_records_from_object_offsets_and_reads_only_the_newest():
    tally = S3Tally()
    for k in (key(0, 0), key(0, 10), key(0, 20), key(1, 0), key(1, 7)):
        tally.observe(k)
    assert tally.objects == 5
    assert tally.records == 20 + 7  # closed objects: 0->10->20 on p0, 0->7 on p1
    assert sorted(tally.to_read(10)) == sorted([key(0, 20), key(1, 7)])
    tally.counted(key(0, 20), 4)
    tally.counted(key(1, 7), 10)
    assert tally.records == 41 and tally.pending == 0
    tally.observe(key(0, 24, hour="11"))  # the next object tells how many the previous one held
    assert tally.records == 41 + 0 and tally.to_read(10) == [key(0, 24, hour="11")]


def test_tally_survives_a_topic_created_again_and_other_layouts():
    tally = S3Tally()
    tally.observe(key(0, 500))
    tally.counted(key(0, 500), 10)
    tally.observe(key(0, 0, hour="12"))  # offsets restarted
    assert tally.records == 10 and tally.to_read(5) == [key(0, 0, hour="12")]
    logstash = S3Tally()
    logstash.observe("raw/web_logs/2026/11/23/10/ls.s3.abc.2026-11-23T10.00.part0.txt")
    assert logstash.records == 0 and logstash.pending == 1
    logstash.counted("raw/web_logs/2026/11/23/10/ls.s3.abc.2026-11-23T10.00.part0.txt", 300)
    assert logstash.records == 300 and logstash.pending == 0
    assert offset_of("x/web_logs+12+00000000000000000345.jsonl.gz") == (12, 345)
    assert offset_of("x/efk-20261123T100000-uuid.jsonl") is None
    assert line_count(b'{"a":1}\n{"a":2}\n\n') == 2


def test_tally_counts_an_object_overwritten_as_it_fills_once_by_key():
    """The S3 sink uploads a partition's open object at each flush and overwrites it as it grows."""
    tally = S3Tally()
    tally.observe(key(0, 0))
    tally.counted(key(0, 0), 3)
    tally.rewritten(key(0, 0))  # same key, new ETag
    assert tally.records == 3 and tally.pending == 1 and tally.to_read(5) == [key(0, 0)]  # the old count until read again
    tally.counted(key(0, 0), 7)
    assert tally.records == 7 and tally.pending == 0  # replaced, not 3 + 7
    tally.rewritten(key(0, 0, hour="09"))  # an object the tally never took in: nothing to read
    assert tally.to_read(5) == []
    tally.observe(key(0, 7))  # a new key adds
    tally.counted(key(0, 7), 2)
    assert tally.records == 9 and tally.objects == 2
    tally.rewritten(key(0, 0))  # no longer the newest: its records follow from the offsets
    assert tally.to_read(5) == [] and tally.records == 9


def test_tally_counts_other_layouts_by_key_and_settles_them():
    efk = "raw/efk/2026/11/23/10/efk-20261123T100000-a.jsonl"
    tally = S3Tally()
    tally.observe(efk)
    tally.counted(efk, 3)
    tally.rewritten(efk)
    assert tally.waiting(efk) and tally.records == 3
    tally.counted(efk, 7)
    assert tally.records == 7 and not tally.waiting(efk)
    tally.observe(efk.replace("-a.", "-b."))
    tally.counted(efk.replace("-a.", "-b."), 5)
    assert tally.records == 12
    tally.settle(efk)  # its hour has passed: the count stays, the key is dropped
    assert tally.records == 12 and efk not in tally.lines


class ListedS3:
    """list_page and read over a dict of key -> (ETag, body), with S3's order and StartAfter."""

    def __init__(self):
        self.objects: dict[str, tuple[str, bytes]] = {}
        self.listed: list[tuple[str, str | None]] = []
        self.reads: list[str] = []

    def put(self, key_: str, etag: str, records: int) -> None:
        self.objects[key_] = (etag, b"".join(b'{"n": %d}\n' % i for i in range(records)))

    def list_page(self, prefix, delimiter=None, start_after=None, token=None):
        self.listed.append((prefix, start_after))
        keys = sorted(k for k in self.objects if k.startswith(prefix) and (start_after is None or k > start_after))
        return {"Contents": [{"Key": k, "ETag": self.objects[k][0], "Size": len(self.objects[k][1])} for k in keys], "IsTruncated": False}

    def read(self, key_):
        self.reads.append(key_)
        return self.objects[key_][1]


def test_s3_watcher_reads_an_object_again_when_its_etag_changes():
    store, half_past_ten = ListedS3(), datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc)
    watcher = S3Watcher(store, connect_pipeline(), clock=lambda: half_past_ten)
    store.put(key(0, 0, hour="09"), "x", 10)
    store.put(key(0, 10), "a", 3)
    assert watcher.poll(1)["records"] == 10 + 3  # the first scan
    store.put(key(0, 10), "b", 7)  # the open object, overwritten as it fills
    figures = watcher.poll(1)
    assert figures["records"] == 10 + 7 and figures["objects"] == 2 and figures["pending"] == 0
    store.reads.clear()
    assert watcher.poll(1)["records"] == 17 and store.reads == []  # unchanged: not read again
    store.listed.clear()
    store.put(key(0, 17), "c", 2)  # the next object adds
    assert watcher.poll(1)["records"] == 10 + 7 + 2 and store.reads == [key(0, 17)]
    # Each partition is listed from its newest key on (StartAfter just before it), never from the folder's start.
    assert store.listed == [(key(0, 0, hour="09").rsplit("+", 1)[0] + "+", key(0, 0, hour="09")[:-1]),
                            (key(0, 10).rsplit("+", 1)[0] + "+", key(0, 10)[:-1])]


# --- messages ------------------------------------------------------------------------------------------


def record(partition: int, offset: int, value: bytes | None, key_: bytes | None = b"10.0.0.1", ts: int = 1_780_000_000_000, headers=()):
    return SimpleNamespace(partition=partition, offset=offset, value=value, key=key_, timestamp=ts, headers=list(headers))


def test_values_are_shown_as_json_text_or_base64():
    assert value_view(b'{"a": 1}')["json"] == {"a": 1}
    assert value_view(b"plain words")["format"] == "text"
    binary = value_view(b"\xff\xfe\x00")
    assert binary["format"] == "binary" and binary["text"] == "//4A"
    assert value_view(None)["format"] == "null"
    big = value_view(b'{"a": "' + b"x" * 70_000 + b'"}')
    assert big["cut"] and big["format"] == "text"


def test_message_view_and_filters():
    redactor = Redactor([SECRET])
    view = message_view(record(2, 41, b'{"url": "/login", "status_code": 401}', headers=[("__connect.errors.exception.message", f"bad {SECRET}".encode())]),
                        redactor.text)
    assert view["partition"] == 2 and view["offset"] == 41 and view["key"] == "10.0.0.1"
    assert view["time"].endswith("Z") and view["headers"] == [["__connect.errors.exception.message", f"bad {HIDDEN}"]]
    assert matches(view, text="LOGIN") and matches(view, key="10.0.0") and matches(view, text="errors.exception")
    assert not matches(view, text="checkout") and not matches(view, key="192.168")


def test_newest_first_across_partitions_and_read_windows():
    views = [message_view(record(p, o, b"{}", ts=ts)) for p, o, ts in [(0, 5, 100), (1, 9, 300), (2, 1, 200), (0, 6, 300)]]
    assert [(v["partition"], v["offset"]) for v in newest_first(views, 3)] == [(1, 9), (0, 6), (2, 1)]  # same time: higher offset first
    assert read_windows({"a": 100, "b": 3}, {"a": 10, "b": 0}, 50) == {"a": 50, "b": 0}


# --- access: who may change the lab -------------------------------------------------------------------


def test_access_modes_follow_the_bind_and_the_token():
    assert access_mode("127.0.0.1", None) == LOCAL
    assert access_mode("localhost", TOKEN_VALUE) == LOCAL
    assert access_mode("0.0.0.0", TOKEN_VALUE) == TOKEN
    assert access_mode("0.0.0.0", "") == READ_ONLY
    assert access_mode("192.168.1.20", None) == READ_ONLY


@pytest.mark.parametrize("mode,given,action,status", [
    (LOCAL, None, "1", None),
    (LOCAL, None, None, 403),  # no action header: not from the console page
    (READ_ONLY, TOKEN_VALUE, "1", 403),
    (TOKEN, None, "1", 401),
    (TOKEN, "wrong", "1", 401),
    (TOKEN, TOKEN_VALUE, "1", None),
])
def test_token_rules(mode, given, action, status):
    if status is None:
        check_change(mode, TOKEN_VALUE, given, action)
        return
    with pytest.raises(ConsoleError) as refused:
        check_change(mode, TOKEN_VALUE, given, action)
    assert refused.value.status == status and "\n" not in refused.value.detail


def test_on_loopback_only_loopback_host_names_are_served():
    assert host_allowed(LOCAL, "127.0.0.1:8090") and host_allowed(LOCAL, "localhost:8090") and host_allowed(LOCAL, "[::1]:8090")
    assert not host_allowed(LOCAL, "evil.example:8090")  # DNS rebinding
    assert host_allowed(TOKEN, "lab-machine:8090")


# --- secrets ------------------------------------------------------------------------------------------


def lab_env(**changes) -> dict[str, str]:
    env = {
        "RUNTIME": "native", "LAB_BIND": "127.0.0.1", "KAFKA_BOOTSTRAP": "localhost:9092", "CONNECT_URL": "http://localhost:8083",
        "S3_ENDPOINT": "http://localhost:9000", "S3_BUCKET": "streamlab", "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "streamlab", "AWS_SECRET_ACCESS_KEY": SECRET, "OPENSEARCH_URL": "https://admin:pw-in-url@search.example:443",
        "OPENSEARCH_USER": "admin", "OPENSEARCH_PASS": "opensearch-password", "GATEWAY_API_KEY": "", "WEB_LOGS_TOPIC": "web_logs",
    }
    env.update(changes)
    return env


def test_public_settings_are_an_allowlist_without_credentials():
    shown = public_settings(lab_env())
    text = json.dumps(shown)
    assert SECRET not in text and "opensearch-password" not in text and "pw-in-url" not in text and "admin" not in text
    assert shown["OPENSEARCH_URL"] == "https://search.example:443" and shown["S3_BUCKET"] == "streamlab"
    assert not {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "OPENSEARCH_PASS", "OPENSEARCH_USER"} & set(shown)
    assert without_userinfo("http://localhost:9200") == "http://localhost:9200"


def test_redactor_hides_secret_values_but_not_the_bucket_name():
    redactor = redactor_for(lab_env(AWS_ACCESS_KEY_ID="AKIAEXAMPLE123"))
    trace = f"S3 refused key AKIAEXAMPLE123 / {SECRET} on bucket streamlab"
    assert redactor.text(trace) == f"S3 refused key {HIDDEN} / {HIDDEN} on bucket streamlab"
    local = redactor_for(lab_env())  # the local default key id is "streamlab", also the bucket's name
    assert local.text("bucket streamlab") == "bucket streamlab" and local.text(SECRET) == HIDDEN
    config = local.config({"aws.secret.access.key": SECRET, "aws.access.key.id": "streamlab", "connection.password": "",
                           "connection.url": "https://u:p@host:443", "topics": "web_logs", "note": f"x{SECRET}x"})
    assert config == {"aws.secret.access.key": HIDDEN, "aws.access.key.id": HIDDEN, "connection.password": "",
                      "connection.url": "https://host:443", "topics": "web_logs", "note": f"x{HIDDEN}x"}


# --- errors, config, flow -----------------------------------------------------------------------------


@pytest.mark.parametrize("error,status", [
    (LabError("Kafka Connect is not reachable at http://localhost:8083", "start the lab"), 503),
    (LabError("OpenSearch at http://x did not answer within 10s"), 503),
    (LabError("not found: s3-sink", "see `streamlab connect list`"), 404),
    (LabError("topic 'x' does not exist"), 404),
    (LabError("bad name", exit_code=2), 400),
    (LabError("Kafka Connect refused PUT /connectors/x/pause: rebalance"), 502),
])
def test_lab_errors_become_http_answers(error, status):
    assert from_lab_error(error).status == status


def test_console_port_from_lab_yaml_or_8090(tmp_path):
    lab_yaml = tmp_path / "lab.yaml"
    lab_yaml.write_text("services: {}\nconsole: {port: 8191}\n")
    assert console_port(load_topology(lab_yaml, offset=0)) == 8191
    assert console_port(load_topology(lab_yaml, offset=1000)) == 9191  # the test suite's shift
    assert console_port(Topology(services={}, topics=[], buckets=[])) == 8090
    as_service = Topology(services={"console": Service("console", port=8192)}, topics=[], buckets=[])
    assert console_port(as_service) == 8192


def test_console_token_from_environment_then_env_file():
    assert console_token({"CONSOLE_TOKEN": " a "}, {"CONSOLE_TOKEN": "b"}) == "a"
    assert console_token({}, {"CONSOLE_TOKEN": "b"}) == "b"
    assert console_token({}, {}) == ""


def connect_pipeline() -> ActivePipeline:
    return ActivePipeline(
        name="connect", about="Kafka Connect: S3 sink + OpenSearch sink", topic="web_logs", s3_prefix="topics/web_logs/",
        index_pattern="web_logs-connect*", hour_folder="year=%Y/month=%m/day=%d/hour=%H/", offset_keys=True,
        processors=(Processor("c-s3-sink", "s3-sink", "connect-s3-sink", ("s3",), connector="s3-sink"),
                    Processor("c-opensearch-sink", "opensearch-sink", "connect-opensearch-sink", ("opensearch",), connector="opensearch-sink")))


def test_flow_of_the_connect_pipeline_and_of_none():
    flow = flow_spec(connect_pipeline(), "web_logs", "streamlab")
    assert [(e["from"], e["to"], e["figure"]) for e in flow["edges"]] == [
        ("producer", "topic", "in"),
        ("topic", "c-s3-sink", "lag:connect-s3-sink"), ("c-s3-sink", "s3", "s3"),
        ("topic", "c-opensearch-sink", "lag:connect-opensearch-sink"), ("c-opensearch-sink", "opensearch", "opensearch")]
    assert {n["id"]: n["row"] for n in flow["nodes"]}["c-opensearch-sink"] == 1
    none = flow_spec(None, "web_logs", "streamlab")
    assert none["pipeline"] is None and [e["figure"] for e in none["edges"]] == ["in"] and "switch-connect" in none["about"]


def test_sse_event_is_one_json_line():
    assert event("sample", {"a": "x\ny"}) == b'event: sample\ndata: {"a":"x\\ny"}\n\n'


# --- fake sources: the app without a lab -----------------------------------------------------------


class FakeLab:
    runtime = "native"

    def __init__(self, pipeline: ActivePipeline | None = None):
        self.active = pipeline

    def services(self):
        rows = [ServiceStatus("kafka", "healthy", 9092, 4101, 412.3), ServiceStatus("s3", "healthy", 9000, 4102, 180.0),
                ServiceStatus("opensearch", "healthy", 9200, 4103, 905.6), ServiceStatus("connect", "healthy", 8083, 4104, 388.1),
                ServiceStatus("console", "healthy", 8090, 4105, 61.2)]
        return [{"name": r.name, "state": r.state, "port": r.port, "pid": r.pid, "memory_mb": r.memory_mb, "detail": ""} for r in rows]

    def pipeline(self):
        return self.active

    def info(self):
        return {"runtime": "native", "settings": public_settings(lab_env())}


class FakeTopics:
    """web_logs grows by about 120 messages a second of wall time."""

    started = time.time()

    def end(self) -> int:
        return 48_000 + int((time.time() - self.started) * 120)

    def topic_offsets(self):
        end = self.end()
        return {"web_logs": {"partitions": 3, "end": end, "messages": end}, "web_logs-dlq": {"partitions": 1, "end": 3, "messages": 3},
                "orders": {"partitions": 3, "end": 512, "messages": 512}, "__consumer_offsets": {"partitions": 50, "end": 900, "messages": 900}}

    def topics(self):
        end = self.end()
        rows = [("web_logs", [end // 3, end // 3, end - 2 * (end // 3)]), ("web_logs-dlq", [3]), ("orders", [170, 171, 171]),
                ("__consumer_offsets", [18] * 50)]
        return [{"name": n, "internal": n.startswith("_"), "messages": sum(ends),
                 "partitions": [{"partition": i, "begin": 0, "end": e} for i, e in enumerate(ends)]} for n, ends in rows]

    def topic(self, name):
        if name not in ("web_logs", "orders", "web_logs-dlq"):
            raise ConsoleError(404, "not_found", f"topic {name!r} does not exist")
        row = next(t for t in self.topics() if t["name"] == name)
        return {"name": name, "messages": row["messages"], "configs": {"retention.ms": "604800000"},
                "partitions": [{**p, "leader": 1, "replicas": [1], "isr": [1]} for p in row["partitions"]]}

    def close(self):
        pass


class FakeGroups:
    def group_lags(self, groups):
        return {g: 37 if "s3" in g else 4 for g in groups}

    def groups(self):
        return [{"group": "connect-opensearch-sink", "state": "Stable", "protocol": "consumer", "members": 1, "topics": ["web_logs"], "lag": 4},
                {"group": "connect-s3-sink", "state": "Stable", "protocol": "consumer", "members": 1, "topics": ["web_logs"], "lag": 37},
                {"group": "streamlab-connect", "state": "Stable", "protocol": "connect", "members": 1, "topics": [], "lag": None}]

    def group(self, group_id):
        if group_id not in {g["group"] for g in self.groups()}:
            raise ConsoleError(404, "not_found", f"consumer group {group_id!r} does not exist")
        return {"group": group_id, "state": "Stable", "protocol": "consumer", "lag": 37, "error": None,
                "members": [{"member": "m-1", "client": f"{group_id}-0", "host": "/127.0.0.1", "assigned": [{"topic": "web_logs", "partitions": [0, 1, 2]}]}],
                "partitions": [{"topic": "web_logs", "partition": p, "committed": 16_000 + p, "end": 16_010 + p * 9, "lag": 10 + p * 8} for p in range(3)]}


WEB_LOG = {"ip": "203.0.113.9", "timestamp": "2026-11-23T10:15:02.123Z", "method": "GET", "url": "/products/42",
           "status_code": 200, "user_agent": "Mozilla/5.0 (X11; Linux x86_64)"}


class FakeTail:
    def __init__(self):
        self.offset = 16_100

    def step(self):
        self.offset += 1
        value = json.dumps({**WEB_LOG, "url": f"/live/{self.offset}"}).encode()
        return {"messages": [message_view(record(self.offset % 3, self.offset, value, ts=int(time.time() * 1000)))], "skipped": 0}

    def close(self):
        pass


class FakeMessages:
    def newest(self, topic, limit=50, text=None, key=None, partition=None):
        now = int(time.time() * 1000)
        views = [message_view(record(i % 3, 16_000 + i, json.dumps({**WEB_LOG, "status_code": [200, 404, 500][i % 3], "url": f"/p/{i}"}).encode(),
                                     key_=f"203.0.113.{i % 7}".encode(), ts=now - i * 40)) for i in range(60)]
        found = [v for v in views if matches(v, text, key) and (partition is None or v["partition"] == partition)]
        return {"topic": topic, "messages": newest_first(found, limit), "scanned": len(views), "matched": len(found), "ends": {}}

    def tail(self, topic):
        return FakeTail()


class FakeConnect:
    def __init__(self):
        self.state = {"s3-sink": "RUNNING", "opensearch-sink": "RUNNING"}
        self.requests: list[tuple[str, str]] = []

    def states(self):
        return [{"name": n, "state": s, "tasks": [s]} for n, s in self.state.items()]

    def connectors(self):
        return [{"name": n, "type": "sink", "class": f"io.streamlab.connect.{n}.Connector", "state": s, "worker": "127.0.0.1:8083",
                 "trace": None, "topics": "web_logs", "group": f"connect-{n}",
                 "tasks": [{"id": 0, "state": s, "worker": "127.0.0.1:8083", "trace": None}],
                 "config": {"aws.secret.access.key": HIDDEN, "topics": "web_logs"}} for n, s in self.state.items()]

    def act(self, name, action):
        if name not in self.state:
            raise ConsoleError(404, "not_found", f"connector {name!r} does not exist")
        self.requests.append((name, action))
        self.state[name] = {"pause": "PAUSED", "resume": "RUNNING", "restart": "RUNNING"}.get(action, self.state[name])
        if action == "delete":
            del self.state[name]
        return {"name": name, "action": action, "requested": True}

    def files(self):
        return [{"file": "s3-sink.json", "name": "s3-sink", "class": "io.streamlab.connect.s3.S3SinkConnector", "error": None}]

    def register(self, file_name):
        return {"name": "s3-sink", "outcome": "unchanged", "state": "RUNNING", "tasks": ["RUNNING"]}


class FakeWatcher:
    def __init__(self):
        self.polls = 0

    def poll(self, partitions):
        self.polls += 1
        return {"objects": 4_700 + self.polls * 6, "records": 47_000 + self.polls * 60, "pending": 0, "partial": False}


class FakeS3:
    hour = "topics/web_logs/year=2026/month=11/day=23/hour=10/"

    def browse(self, prefix="", token=None):
        tree = {"": ["topics/"], "topics/": ["topics/web_logs/"], "topics/web_logs/": ["topics/web_logs/year=2026/"],
                "topics/web_logs/year=2026/": ["topics/web_logs/year=2026/month=11/"],
                "topics/web_logs/year=2026/month=11/": ["topics/web_logs/year=2026/month=11/day=23/"],
                "topics/web_logs/year=2026/month=11/day=23/": [self.hour]}
        files = [{"Key": f"{self.hour}web_logs+{p}+{o:020d}.jsonl", "Size": 2310, "LastModified": datetime(2026, 11, 23, 10, 5, tzinfo=timezone.utc)}
                 for p in range(3) for o in (0, 10, 20)] if prefix == self.hour else []
        return listing_view("streamlab", prefix, {"CommonPrefixes": [{"Prefix": p} for p in tree.get(prefix, [])], "Contents": files})

    def show(self, key_):
        check_key(key_)
        body = "\n".join(json.dumps({**WEB_LOG, "url": f"/p/{i}", "status_code": [200, 200, 404, 500][i % 4]}) for i in range(10)).encode()
        return {"key": key_, "size": len(body), "cut": False, "modified": "2026-11-23T10:05:00+00:00", "table": jsonl_table(body), "text": body.decode()}

    def download(self, key_):
        body = b'{"a": 1}\n'
        return iter([body]), len(body)

    def watcher(self, pipeline):
        return FakeWatcher()


class FakeSearch:
    def __init__(self):
        self.counted = 46_000

    def count(self, pattern):
        self.counted += 55
        return self.counted

    def indices(self, include_hidden=False):
        return [{"index": "web_logs-connect-2026.11.23", "health": "yellow", "status": "open", "documents": self.counted, "bytes": 18_300_000}]

    def search(self, pattern, query="", size=50):
        if "((" in query:
            raise ConsoleError(400, "opensearch_refused", "Failed to parse query [((]")
        hits = [{"_index": "web_logs-connect-2026.11.23", "_id": f"web_logs+0+{i}", "_source": {**WEB_LOG, "status_code": 500 + i % 4}}
                for i in range(min(size, 12))]
        return {"index": pattern, "query": query, "took_ms": 3, "total": 812, "total_is_lower_bound": False, **hits_table(hits)}


def fake_sources(pipeline: ActivePipeline | None = None) -> Sources:
    return Sources(lab=FakeLab(pipeline if pipeline is not None else connect_pipeline()), topics=FakeTopics(), groups=FakeGroups(),
                   messages=FakeMessages(), connect=FakeConnect(), s3=FakeS3(), search=FakeSearch())


def console_client(sources=None, bind="127.0.0.1", token=None) -> TestClient:
    app = create_app(sources or fake_sources(), ConsoleConfig(bind=bind), token, start_sampler=False)
    return TestClient(app, base_url="http://127.0.0.1:8090")


ACTION = {"X-Console-Action": "1"}


def error_of(response) -> str:
    body = response.json()
    assert set(body) == {"error", "detail"} and body["detail"] and "\n" not in body["detail"], body
    assert "Traceback" not in response.text
    return body["error"]


# --- the app over fakes ---------------------------------------------------------------------------


def test_health_meta_and_the_page_name_every_page():
    client = console_client()
    assert client.get("/api/health").json() == {"status": "ok", "access": "local"}
    meta = client.get("/api/meta").json()
    assert [p["id"] for p in meta["pages"]] == ["overview", "topics", "groups", "connectors", "s3", "opensearch", "checks"]
    assert meta["access"]["mode"] == "local"
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for page_ in PAGES:
        assert f'src="/static/pages/{page_.id}.js"' in page.text and f'href="#/{page_.id}"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/static/console.css").status_code == 200


def test_every_page_has_its_script_and_nothing_is_loaded_from_elsewhere():
    for page in PAGES:
        assert (STATIC / page.script).is_file(), page.script
    outside = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//|@import|url\(\s*["']?https?:""")
    for path in STATIC.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert not outside.search(text), f"{path.name} loads something from outside the console"
            assert "cdn" not in text.lower(), path.name
    assert "<!--NAV-->" not in index_html() and "<!--PAGE SCRIPTS-->" not in index_html()


def test_no_secret_reaches_any_answer():
    client = console_client()
    answers = [client.get(path) for path in ("/api/meta", "/api/topics", "/api/connectors", "/api/overview", "/api/connectors/files")]
    for answer in answers:
        assert answer.status_code == 200
        for secret in (SECRET, "opensearch-password", "pw-in-url"):
            assert secret not in answer.text


def test_sampler_tick_makes_the_overview_sample():
    client = console_client()
    sampler = client.app.state.sampler
    with sampler.watching():  # a viewer: probes at full pace
        assert sampler.tick(1000.0)
        time.sleep(0.02)
        assert sampler.tick(1001.6)  # the offsets probe again: now there is a rate
    overview = client.get("/api/overview").json()
    figures = overview["sample"]["figures"]
    assert overview["flow"]["pipeline"] == "connect"
    assert figures["lag:connect-s3-sink"] == {"lag": 37}
    assert figures["s3"]["records"] > 0 and figures["opensearch"]["documents"] > 0
    assert figures["in"]["messages"] >= 48_000 and figures["in"]["partitions"] == 3
    assert overview["sample"]["services"][0]["name"] == "kafka"
    assert set(overview["history"]) >= {"in", "s3", "opensearch", "lag:connect-s3-sink"}


def test_a_failing_probe_is_one_line_and_the_others_go_on():
    class DownTopics(FakeTopics):
        def topic_offsets(self):
            raise ConsoleError(503, "unavailable", "Kafka is not reachable at localhost:9092: start the lab with `make up`")

    sources = fake_sources()
    sources.topics = DownTopics()
    client = console_client(sources)
    client.app.state.sampler.tick(10.0)
    sample = client.get("/api/overview").json()["sample"]
    assert sample["errors"] == {"offsets": "Kafka is not reachable at localhost:9092: start the lab with `make up`"}
    assert sample["figures"]["opensearch"]["documents"] > 0


def test_sampler_slows_down_while_nobody_watches():
    calls = []

    class OneProbe:
        def probes(self):
            return [Probe("p", 1.0, lambda: calls.append(1))]

        def sample(self, results, now):
            return {}, {}

    sampler = Sampler(OneProbe(), clock=lambda: 0.0)
    sampler.tick(0.0)
    assert not sampler.tick(5.0)  # idle: every 10 s instead of every second
    assert sampler.tick(10.0)
    with sampler.watching():
        assert sampler.tick(10.5)  # a viewer arrived: at once
        assert sampler.tick(11.6)
    assert len(calls) == 4


def test_topics_messages_groups_s3_and_search_over_fakes():
    client = console_client()
    topics = client.get("/api/topics").json()["topics"]
    assert [t["name"] for t in topics] == ["web_logs", "web_logs-dlq", "orders"]  # internal ones hidden by default
    assert "__consumer_offsets" in [t["name"] for t in client.get("/api/topics?internal=true").json()["topics"]]
    messages = client.get("/api/topics/web_logs/messages", params={"limit": 5, "key": "203.0.113.3"}).json()
    assert len(messages["messages"]) == 5 and all(m["key"] == "203.0.113.3" for m in messages["messages"])
    assert client.get("/api/groups/connect-s3-sink").json()["lag"] == 37
    assert client.get("/api/s3/browse", params={"prefix": "topics/web_logs/year=2026/"}).json()["folders"][0]["label"] == "month=11"
    shown = client.get("/api/s3/object", params={"key": FakeS3.hour + "web_logs+0+00000000000000000000.jsonl"}).json()
    assert shown["table"]["records"] == 10 and shown["table"]["columns"][0] == "ip"
    download = client.get("/api/s3/download", params={"key": FakeS3.hour + "web_logs+0+00000000000000000000.jsonl"})
    assert download.content == b'{"a": 1}\n' and 'filename="web_logs+0+00000000000000000000.jsonl"' in download.headers["content-disposition"]
    assert client.get("/api/opensearch/search", params={"index": "web_logs-*", "q": "status_code:500"}).json()["total"] == 812


def test_client_errors_are_json_4xx():
    client = console_client()
    assert client.get("/api/topics/nope").status_code == 404 and error_of(client.get("/api/topics/nope")) == "not_found"
    assert error_of(client.get("/api/no-such-route")) == "not_found"
    bad_limit = client.get("/api/topics/web_logs/messages", params={"limit": 100000})
    assert bad_limit.status_code == 400 and error_of(bad_limit) == "bad_request"
    bad_query = client.get("/api/opensearch/search", params={"index": "web_logs-*", "q": "(("})
    assert bad_query.status_code == 400 and error_of(bad_query) == "opensearch_refused"
    traversal = client.get("/api/s3/object", params={"key": "topics/../x"})
    assert traversal.status_code == 400
    assert error_of(client.post("/api/connectors/nope/pause", headers=ACTION)) == "not_found"
    assert client.post("/api/connectors/s3-sink/explode", headers=ACTION).status_code == 400


def test_services_down_are_503_and_bugs_are_500_in_one_line():
    class Broken(FakeGroups):
        def groups(self):
            raise LabError("Kafka is not reachable at localhost:9092", "start the lab with `make up`")

        def group(self, group_id):
            raise RuntimeError("a bug\nwith a second line")

    sources = fake_sources()
    sources.groups = Broken()
    client = TestClient(create_app(sources, ConsoleConfig(), None, start_sampler=False), base_url="http://127.0.0.1:8090",
                        raise_server_exceptions=False)
    down = client.get("/api/groups")
    assert down.status_code == 503 and error_of(down) == "unavailable" and "localhost:9092" in down.json()["detail"]
    bug = client.get("/api/groups/x")
    assert bug.status_code == 500 and error_of(bug) == "internal_error" and "a bug" not in bug.text


def test_actions_local_token_and_read_only():
    local = console_client()
    assert local.post("/api/connectors/s3-sink/pause").status_code == 403  # not from the page
    assert local.post("/api/connectors/s3-sink/pause", headers=ACTION).json()["requested"] is True
    assert local.delete("/api/connectors/opensearch-sink", headers=ACTION).status_code == 200
    assert local.post("/api/connectors/register", json={"file": "s3-sink.json"}, headers=ACTION).json()["outcome"] == "unchanged"

    shared = console_client(bind="0.0.0.0", token=TOKEN_VALUE)
    assert shared.get("/api/health").json()["access"] == "token"
    assert error_of(shared.post("/api/connectors/s3-sink/pause", headers=ACTION)) == "token_required"
    wrong = shared.post("/api/connectors/s3-sink/pause", headers={**ACTION, "X-Console-Token": "nope"})
    assert wrong.status_code == 401
    assert shared.post("/api/connectors/s3-sink/pause", headers={**ACTION, "X-Console-Token": TOKEN_VALUE}).status_code == 200
    assert shared.get("/api/connectors").status_code == 200  # reading needs no token

    read_only = console_client(bind="0.0.0.0", token="")
    refused = read_only.post("/api/connectors/s3-sink/pause", headers={**ACTION, "X-Console-Token": TOKEN_VALUE})
    assert refused.status_code == 403 and error_of(refused) == "read_only"
    assert read_only.get("/api/meta").json()["access"]["mode"] == "read-only"


def test_foreign_host_names_are_refused_on_loopback():
    client = create_app(fake_sources(), ConsoleConfig(), None, start_sampler=False)
    answer = TestClient(client, base_url="http://evil.example:8090").get("/api/health")
    assert answer.status_code == 403 and answer.json()["error"] == "wrong_host"


def test_watch_without_a_pipeline_draws_only_the_topic():
    watch = LabWatch(fake_sources(pipeline=None), "streamlab", "web_logs")
    watch.sources.lab.active = None
    assert watch.read_flow()["pipeline"] is None
    assert watch.read_s3() is None and watch.read_documents() is None and watch.read_lags() == {}


# --- real clients against an address where nothing listens ---------------------------------------


NOWHERE_PORT = 1  # nothing listens on port 1: "down" at once, without a timeout


def test_sources_of_services_that_are_down_answer_503_in_one_line():
    from streamlab.config import load_settings
    from streamlab.console.sources.connect import ConnectSource, ConsoleConnect
    from streamlab.console.sources.kafka import KafkaClients, TopicsSource
    from streamlab.console.sources.s3 import S3Source
    from streamlab.console.sources.search import ConsoleSearch, SearchSource

    down = f"http://127.0.0.1:{NOWHERE_PORT}"
    settings = load_settings(environ={"S3_ENDPOINT": down, "OPENSEARCH_URL": down, "CONNECT_URL": down})
    attempts = [
        lambda: TopicsSource(KafkaClients(f"127.0.0.1:{NOWHERE_PORT}", wait_s=1)).topic_offsets(),
        lambda: S3Source.from_settings(settings).browse(""),
        lambda: SearchSource(ConsoleSearch(settings)).count("web_logs*"),
        lambda: ConnectSource(ConsoleConnect(down), Path("connectors"), dict, Redactor([])).connectors(),
    ]
    for attempt in attempts:
        with pytest.raises(ConsoleError) as refused:
            attempt()
        assert refused.value.status == 503 and "not reachable" in refused.value.detail and "\n" not in refused.value.detail


def test_lab_source_lists_the_services_and_the_console_itself():
    from streamlab.console.sources.services import LabSource

    rows = [ServiceStatus("kafka", "healthy", 9092, 11, 400.0, "/x/kafka.log"), ServiceStatus("s3", "stopped", 9000)]
    lab = LabSource("native", lambda: rows, lambda: None, public_settings(lab_env()), Redactor([]), console_port=8090)
    shown = lab.services()
    assert [r["name"] for r in shown] == ["kafka", "s3", "console"]
    assert shown[-1]["state"] == "healthy" and shown[-1]["port"] == 8090 and shown[-1]["memory_mb"] > 0
    rows.append(ServiceStatus("console", "healthy", 8090, 12))  # once the runtime lists it, no second row
    assert [r["name"] for r in lab.services()] == ["kafka", "s3", "console"]
    down = LabSource("docker", lambda: (_ for _ in ()).throw(LabError("the docker CLI was not found")), lambda: None, {}, Redactor([]))
    with pytest.raises(ConsoleError) as refused:
        down.services()
    assert refused.value.status == 502


def test_the_console_as_a_lab_service_starts_once_reports_and_stops(tmp_path, monkeypatch):
    """start_console / console_status / stop_console, as `make up`, `make status` and `make down` will call
    them: a real `python -m streamlab.console` process, over a lab whose services are all unreachable."""
    import socket

    from rich.console import Console

    from streamlab.config import load_settings
    from streamlab.console.service import console_status, start_console, stop_console

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    nowhere = f"http://127.0.0.1:{NOWHERE_PORT}"
    environment = {"LAB_HOME": str(tmp_path), "STREAMLAB_ENV_FILE": str(tmp_path / "none.env"), "RUNTIME": "native",
                   "KAFKA_BOOTSTRAP": f"127.0.0.1:{NOWHERE_PORT}", "CONNECT_URL": nowhere, "S3_ENDPOINT": nowhere, "OPENSEARCH_URL": nowhere}
    for name, value in environment.items():
        monkeypatch.setenv(name, value)  # the console process inherits them
    settings = load_settings(environ=environment)
    topology = Topology(services={"console": Service("console", port=port)}, topics=[], buckets=[])
    out = Console(file=io.StringIO())
    assert console_status(settings, topology).state == "stopped"
    pid = start_console(settings, topology, "native", out)
    try:
        assert start_console(settings, topology, "native", out) == pid  # idempotent
        status = console_status(settings, topology)
        assert (status.state, status.port, status.pid) == ("healthy", port, pid) and status.memory_mb > 10
    finally:
        assert stop_console(settings, out)
    assert console_status(settings, topology).state == "stopped" and not stop_console(settings, out)
    assert (tmp_path / "logs" / "console.log").exists()


def test_checks_are_graded_at_most_every_few_seconds():
    from streamlab.checks.model import LabReport, met
    from streamlab.console.sources.checks import FRESH_S, ChecksSource

    now, gradings = [0.0], []

    def grade_all():
        gradings.append(now[0])
        return [LabReport("kafka-basics", "001", [met("topics exist")])]

    source = ChecksSource(grade_all, clock=lambda: now[0])
    assert source.labs() == [{"lab": "kafka-basics", "seed": "001", "done": True,
                              "criteria": [{"name": "topics exist", "ok": True, "detail": "", "fix": ""}]}]
    now[0] += FRESH_S / 2
    source.labs()
    now[0] += FRESH_S
    source.labs()
    assert gradings == [0.0, FRESH_S * 1.5]  # viewers share one grading while it is fresh

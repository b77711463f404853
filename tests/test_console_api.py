"""The lab console's API against the real native services: Kafka, Connect, s3proxy and OpenSearch.

The console runs in-process (uvicorn in a thread on a free loopback port) over sources built from the
test session's Lab, exactly as `streamlab console` builds them; requests talk to it over HTTP.
"""

from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager
from dataclasses import replace

import pytest
import requests

from streamlab.clients.connect import ConnectClient, render
from streamlab.clients.kafka_client import make_admin, make_consumer, make_producer
from streamlab.clients.opensearch import OpenSearch
from streamlab.clients.s3 import list_objects, read_object
from streamlab.fanout.pipelines import CONNECT_FILES
from streamlab.lab import Lab
from streamlab.waiting import wait_for

pytestmark = pytest.mark.integration

ACTION = {"X-Console-Action": "1"}


# --- fixtures and helpers (test_console_browser.py uses them too) -----------------------------------


def get(url: str, path: str, **params) -> dict:
    answer = requests.get(f"{url}{path}", params=params, timeout=30)
    assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:300]}"
    return answer.json()


def produce(bootstrap: str, topic: str, count: int, **fields) -> list[dict]:
    """`count` web-log-like events keyed by ip, acknowledged (acks=all) before returning."""
    producer = make_producer(bootstrap)
    events = [{"ip": f"10.1.0.{i % 5}", "method": "GET", "url": f"/console/{i}", "status_code": 200 + (i % 4) * 100, "seq": i, **fields}
              for i in range(count)]
    try:
        for event in events:
            producer.send(topic, value=event, key=event["ip"])
        producer.flush(timeout=30)
    finally:
        producer.close()
    return events


def new_topic(bootstrap: str, partitions: int = 3) -> str:
    from streamlab.clients.topics import create

    name = f"console-{uuid.uuid4().hex[:8]}"
    admin = make_admin(bootstrap)
    try:
        create(admin, name, partitions=partitions)
        assert wait_for(lambda: name in admin.list_topics(), 20, "waiting for the new topic")
    finally:
        admin.close()
    return name


@contextmanager
def spare_connector(lab: Lab, topic: str):
    """An S3 sink of its own on its own topic, so pausing it disturbs no other test; deleted afterwards."""
    s3_sink = next(path for path in CONNECT_FILES if path.name == "s3-sink.json")
    connector = render(s3_sink, {**lab.connect_variables(), "WEB_LOGS_TOPIC": topic})
    name = f"console-{uuid.uuid4().hex[:6]}"
    connector = replace(connector, name=name, config={**connector.config, "name": name})
    client = ConnectClient(lab.settings.CONNECT_URL)
    client.put_config(connector)
    try:
        client.wait_running(name, 90)
        yield name
    finally:
        client.delete(name)


def connector_state(lab: Lab, name: str) -> str:
    return ConnectClient(lab.settings.CONNECT_URL).status(name)["connector"]["state"]


class EventStream:
    """Server-sent events read from a streaming `requests` answer, one (event, data) at a time."""

    def __init__(self, url: str, read_timeout_s: float = 30):
        self.response = requests.get(url, stream=True, timeout=(5, read_timeout_s), headers={"Accept": "text/event-stream"})
        assert self.response.status_code == 200, self.response.text[:300]
        self.chunks = self.response.iter_content(chunk_size=None)  # as they arrive, not 512 bytes at a time
        self.buffer = b""

    def next(self) -> tuple[str, dict]:
        while b"\n\n" not in self.buffer:
            self.buffer += next(self.chunks)
        block, self.buffer = self.buffer.split(b"\n\n", 1)
        fields = dict(line.split(": ", 1) for line in block.decode().splitlines() if line and not line.startswith(":"))
        if "event" not in fields:  # a keep-alive comment
            return self.next()
        return fields["event"], json.loads(fields.get("data", "null"))

    def until(self, check, timeout_s: float, kind: str | None = None):
        """Read events until `check(event, data)` is true; the last data."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            event, data = self.next()
            if (kind is None or event == kind) and check(event, data):
                return data
        raise AssertionError(f"no {kind or 'event'} matched within {timeout_s:.0f}s")

    def close(self) -> None:
        self.response.close()


def newest_s3_key(lab: Lab, prefix: str, after: set[str] | None = None) -> str | None:
    keys = [key for key, _, _ in list_objects(lab.settings, prefix, count_records=False) if not after or key not in after]
    return max(keys) if keys else None


# --- health, meta, secrets -------------------------------------------------------------------------


def test_health_and_meta(console_url):
    assert get(console_url, "/api/health") == {"status": "ok", "access": "local"}
    meta = get(console_url, "/api/meta")
    assert [p["id"] for p in meta["pages"]][:1] == ["overview"] and meta["runtime"] == "native"
    assert meta["lab"]["settings"]["KAFKA_BOOTSTRAP"] and "AWS_SECRET_ACCESS_KEY" not in meta["lab"]["settings"]
    page = requests.get(console_url, timeout=10)
    assert page.status_code == 200 and '<script src="/static/console.js">' in page.text


def test_no_secret_reaches_any_answer(console_url, console_lab):
    secrets = [console_lab.settings.AWS_SECRET_ACCESS_KEY]
    paths = ["/api/meta", "/api/overview", "/api/topics", "/api/groups", "/api/connectors", "/api/connectors/files",
             "/api/s3/browse", "/api/opensearch/indices"]
    for path in paths:
        text = requests.get(f"{console_url}{path}", timeout=30).text
        for secret in secrets:
            assert secret not in text, f"{path} shows a secret"
    configs = {c["name"]: c["config"] for c in get(console_url, "/api/connectors")["connectors"]}
    assert configs["s3-sink"]["aws.secret.access.key"] == "••••••"  # the key is named, its value is not


# --- topics and messages ------------------------------------------------------------------------------


def test_topics_show_partitions_offsets_and_messages(console_url, kafka_bootstrap):
    topic = new_topic(kafka_bootstrap)
    produce(kafka_bootstrap, topic, 30)
    listed = {t["name"]: t for t in get(console_url, "/api/topics")["topics"]}
    assert listed[topic]["messages"] == 30 and len(listed[topic]["partitions"]) == 3
    assert sum(p["end"] for p in listed[topic]["partitions"]) == 30
    assert "web_logs" in listed and not any(name.startswith("_") for name in listed)
    one = get(console_url, f"/api/topics/{topic}")
    assert [p["partition"] for p in one["partitions"]] == [0, 1, 2] and all(p["isr"] == [p["leader"]] for p in one["partitions"])


def test_message_browser_newest_first_with_filters(console_url, kafka_bootstrap):
    topic = new_topic(kafka_bootstrap)
    produce(kafka_bootstrap, topic, 40)
    newest = get(console_url, f"/api/topics/{topic}/messages", limit=10)["messages"]
    assert len(newest) == 10
    stamps = [(m["timestamp"], m["offset"]) for m in newest]
    assert stamps == sorted(stamps, reverse=True)
    assert {m["value"]["json"]["seq"] for m in newest} <= set(range(40)) and newest[0]["value"]["format"] == "json"
    keyed = get(console_url, f"/api/topics/{topic}/messages", key="10.1.0.3", limit=50)["messages"]
    assert len(keyed) == 8 and {m["key"] for m in keyed} == {"10.1.0.3"}  # seq 3, 8, ... 38
    found = get(console_url, f"/api/topics/{topic}/messages", text="/console/17\"")["messages"]
    assert [m["value"]["json"]["seq"] for m in found] == [17]
    one_partition = get(console_url, f"/api/topics/{topic}/messages", partition=1, limit=50)["messages"]
    assert one_partition and {m["partition"] for m in one_partition} == {1}


def test_new_messages_stream_in(console_url, kafka_bootstrap):
    topic = new_topic(kafka_bootstrap)
    stream = EventStream(f"{console_url}/api/topics/{topic}/tail")
    try:
        stream.until(lambda e, d: True, 15, kind="ready")
        marker = uuid.uuid4().hex
        produce(kafka_bootstrap, topic, 5, marker=marker)
        seen: set[int] = set()

        def all_five(event, data) -> bool:
            seen.update(m["value"]["json"]["seq"] for m in data["messages"] if m["value"]["json"].get("marker") == marker)
            return seen == set(range(5))

        stream.until(all_five, 30, kind="messages")
    finally:
        stream.close()


def test_unknown_or_invalid_topics_are_json_4xx_and_never_created(console_url, kafka_bootstrap):
    missing = f"console-missing-{uuid.uuid4().hex[:6]}"
    for path in (f"/api/topics/{missing}", f"/api/topics/{missing}/messages", f"/api/topics/{missing}/tail"):
        answer = requests.get(f"{console_url}{path}", timeout=30)
        assert answer.status_code == 404 and answer.json()["error"] == "not_found", path
    bad = requests.get(f"{console_url}/api/topics/bad%20name!/messages", timeout=30)
    assert bad.status_code == 400 and set(bad.json()) == {"error", "detail"}
    admin = make_admin(kafka_bootstrap)
    try:
        assert missing not in admin.list_topics()  # browsing never auto-creates a topic
    finally:
        admin.close()


# --- consumer groups -----------------------------------------------------------------------------------


def test_group_members_and_lag_per_partition(console_url, kafka_bootstrap):
    topic, group = new_topic(kafka_bootstrap), f"console-group-{uuid.uuid4().hex[:6]}"
    produce(kafka_bootstrap, topic, 30)
    consumer = make_consumer(kafka_bootstrap, topic, group_id=group, enable_auto_commit=False)
    try:
        read = 0
        deadline = time.monotonic() + 30
        while read < 30 and time.monotonic() < deadline:
            read += sum(len(batch) for batch in consumer.poll(timeout_ms=500).values())
        consumer.commit()
        produce(kafka_bootstrap, topic, 12)
        detail = get(console_url, f"/api/groups/{group}")
        assert detail["lag"] == 12 and len(detail["partitions"]) == 3
        assert sum(p["end"] - p["committed"] for p in detail["partitions"]) == 12
        assert detail["members"] and detail["members"][0]["assigned"][0]["topic"] == topic
        listed = {g["group"]: g for g in get(console_url, "/api/groups")["groups"]}
        assert listed[group]["lag"] == 12 and listed[group]["topics"] == [topic]
    finally:
        consumer.close()
    assert requests.get(f"{console_url}/api/groups/no-such-group-{uuid.uuid4().hex[:6]}", timeout=30).status_code == 404


# --- connectors ----------------------------------------------------------------------------------------


def test_connectors_and_their_tasks(console_url):
    connectors = {c["name"]: c for c in get(console_url, "/api/connectors")["connectors"]}
    assert {"s3-sink", "opensearch-sink"} <= set(connectors)
    s3_sink = connectors["s3-sink"]
    assert s3_sink["state"] == "RUNNING" and s3_sink["tasks"][0]["state"] == "RUNNING" and s3_sink["group"] == "connect-s3-sink"
    files = {f["file"]: f for f in get(console_url, "/api/connectors/files")["files"]}
    assert files["s3-sink.json"]["name"] == "s3-sink" and files["opensearch-sink.json"]["error"] is None


def test_pause_and_resume_a_connector(console_url, console_lab, kafka_bootstrap):
    with spare_connector(console_lab, new_topic(kafka_bootstrap)) as name:
        refused = requests.post(f"{console_url}/api/connectors/{name}/pause", timeout=30)
        assert refused.status_code == 403  # not from the console page: no X-Console-Action header
        assert requests.post(f"{console_url}/api/connectors/{name}/pause", headers=ACTION, timeout=30).status_code == 200
        assert wait_for(lambda: connector_state(console_lab, name) == "PAUSED", 30, "waiting for PAUSED")
        assert requests.post(f"{console_url}/api/connectors/{name}/resume", headers=ACTION, timeout=30).status_code == 200
        assert wait_for(lambda: connector_state(console_lab, name) == "RUNNING", 30, "waiting for RUNNING")
        assert requests.post(f"{console_url}/api/connectors/{name}/restart", headers=ACTION, timeout=30).status_code == 200
    missing = requests.post(f"{console_url}/api/connectors/{name}/pause", headers=ACTION, timeout=30)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_register_a_lab_connector_file_and_nothing_else(console_url):
    answer = requests.post(f"{console_url}/api/connectors/register", json={"file": "s3-sink.json"}, headers=ACTION, timeout=90)
    assert answer.status_code == 200, answer.text
    assert answer.json()["outcome"] in ("created", "updated", "unchanged") and answer.json()["state"] == "RUNNING"
    for sneaky in ("../lab.yaml", "/etc/passwd", "nope.json"):
        refused = requests.post(f"{console_url}/api/connectors/register", json={"file": sneaky}, headers=ACTION, timeout=30)
        assert refused.status_code == 404 and refused.json()["error"] == "not_found"


# --- S3 ------------------------------------------------------------------------------------------------


def test_s3_tree_object_table_and_download(console_url, console_lab, kafka_bootstrap):
    settings = console_lab.settings
    before = {key for key, _, _ in list_objects(settings, "topics/web_logs/", count_records=False)}
    produce(kafka_bootstrap, settings.WEB_LOGS_TOPIC, 25)
    assert wait_for(lambda: newest_s3_key(console_lab, "topics/web_logs/", before), 40, "waiting for an S3 object")
    key = newest_s3_key(console_lab, "topics/web_logs/", before)
    root = get(console_url, "/api/s3/browse")
    assert "topics/" in [f["prefix"] for f in root["folders"]]
    prefix, walked = "topics/web_logs/", []
    while not key.startswith(prefix) or "/" in key[len(prefix):]:
        level = get(console_url, "/api/s3/browse", prefix=prefix)
        folder = next(f for f in level["folders"] if key.startswith(f["prefix"]))
        walked.append(folder["name"])
        prefix = folder["prefix"]
    assert walked == ["year", "month", "day", "hour"]  # the sink's hour folders, one level at a time
    listing = get(console_url, "/api/s3/browse", prefix=prefix)
    assert key in [f["key"] for f in listing["files"]]
    shown = get(console_url, "/api/s3/object", key=key)
    assert shown["table"]["format"] == "jsonl" and {"ip", "status_code", "url"} <= set(shown["table"]["columns"])
    assert 1 <= shown["table"]["records"] <= 10
    download = requests.get(f"{console_url}/api/s3/download", params={"key": key}, timeout=30)
    assert download.status_code == 200 and download.content == read_object(settings, key)
    assert "attachment" in download.headers["content-disposition"]
    assert requests.get(f"{console_url}/api/s3/object", params={"key": "topics/none.jsonl"}, timeout=30).status_code == 404


# --- OpenSearch -------------------------------------------------------------------------------------


def produce_and_index(lab: Lab, bootstrap: str, count: int) -> str:
    """`count` events with a new marker, once OpenSearch holds all of them; returns the marker."""
    marker = uuid.uuid4().hex[:12]
    produce(bootstrap, lab.settings.WEB_LOGS_TOPIC, count, marker=marker)
    search = OpenSearch(lab.settings)

    def indexed() -> bool:
        search.refresh("web_logs-connect*")
        return len(search.search("web_logs-connect*", {"term": {"marker": marker}}, size=count * 2)) == count

    assert wait_for(indexed, 60, "waiting for the documents in OpenSearch")
    return marker


def test_indices_and_query_string_search(console_url, console_lab, kafka_bootstrap):
    marker = produce_and_index(console_lab, kafka_bootstrap, 20)
    indices = {i["index"]: i for i in get(console_url, "/api/opensearch/indices")["indices"]}
    assert any(name.startswith("web_logs-connect-") and row["documents"] > 0 for name, row in indices.items())
    found = get(console_url, "/api/opensearch/search", index="web_logs-connect*", q=f"marker:{marker} AND status_code:[300 TO 599]")
    assert found["total"] == 15 and {"_index", "_id", "status_code"} <= set(found["columns"])
    bad = requests.get(f"{console_url}/api/opensearch/search", params={"index": "web_logs-connect*", "q": "status_code:[500 TO"}, timeout=30)
    assert bad.status_code == 400 and bad.json()["error"] == "opensearch_refused"
    assert requests.get(f"{console_url}/api/opensearch/search", params={"index": "../_cluster"}, timeout=30).status_code == 400


# --- the overview, live ----------------------------------------------------------------------------


def test_live_overview_flow_and_counters_move(console_url, console_lab, kafka_bootstrap):
    stream = EventStream(f"{console_url}/api/live")
    try:
        hello = stream.until(lambda e, d: True, 15, kind="hello")
        sample = hello["sample"] or stream.until(lambda e, d: bool(d.get("figures")), 30, kind="sample")
        flow = hello["flow"] if hello["flow"]["pipeline"] else stream.until(lambda e, d: d["pipeline"] == "connect", 30, kind="flow")
        assert {e["figure"] for e in flow["edges"]} == {"in", "lag:connect-s3-sink", "lag:connect-opensearch-sink", "s3", "opensearch"}
        sample = stream.until(lambda e, d: d["figures"].get("s3", {}).get("records") is not None
                              and d["figures"].get("opensearch", {}).get("documents") is not None, 60, kind="sample")
        start = {name: sample["figures"][name] for name in ("in", "s3", "opensearch")}
        produce(kafka_bootstrap, console_lab.settings.WEB_LOGS_TOPIC, 200)

        def moved(event, data) -> bool:
            f = data["figures"]
            return (f["in"]["messages"] >= start["in"]["messages"] + 200
                    and f["s3"]["records"] >= start["s3"]["records"] + 200
                    and f["opensearch"]["documents"] >= start["opensearch"]["documents"] + 200)

        last = stream.until(moved, 90, kind="sample")
        assert {s["name"]: s["state"] for s in last["services"]}["kafka"] == "healthy"
        assert {c["name"] for c in last["connectors"]} >= {"s3-sink", "opensearch-sink"}
        assert not last["errors"], last["errors"]
    finally:
        stream.close()

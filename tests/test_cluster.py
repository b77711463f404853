"""The three-broker cluster of seed 003: rendering (unit) and the real native cluster (integration)."""

from __future__ import annotations

import json
import os
import time

import pytest
from kafka.errors import NotEnoughReplicasError

from streamlab.clients.kafka_client import make_producer
from streamlab.cluster.drill import TOPIC, ensure_topic, sample_partitions
from streamlab.cluster.runtime import (
    ClusterRuntime,
    ClusterSpec,
    Node,
    broker_ids,
    render_properties,
)
from streamlab.config import load_settings
from streamlab.errors import LabError
from streamlab.runtime.process import stop
from streamlab.topology import load_topology

try:
    from .conftest import run_cli
except ImportError:
    from conftest import run_cli


def parse_properties(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


# --- unit: lab.yaml, voters and the rendered properties ------------------------------------------


def test_spec_from_lab_yaml_keeps_clear_of_the_single_node_lab():
    topology = load_topology(offset=0)  # lab.yaml as written
    spec = ClusterSpec.from_topology(topology)
    assert [n.id for n in spec.nodes] == [1, 2, 3]
    assert (spec.replication, spec.min_isr, spec.heap) == (3, 2, "384m")
    cluster_ports = {p for n in spec.nodes for p in (n.port, n.controller_port)}
    assert len(cluster_ports) == 6
    lab_ports = {s.port for s in topology.services.values()} | {v for s in topology.services.values() for v in s.extra.values() if isinstance(v, int)}
    assert not cluster_ports & lab_ports
    assert spec.bootstrap == "localhost:19092,localhost:19093,localhost:19094"


def test_voters_name_every_node_by_id_and_controller_port():
    spec = ClusterSpec((Node(1, 1, 11), Node(2, 2, 12), Node(7, 3, 13)), 3, 2, "384m")
    assert spec.voters == "1@localhost:11,2@localhost:12,7@localhost:13"
    assert spec.node("cluster-7").port == 3 and spec.node("2").controller_port == 12
    with pytest.raises(LabError, match="no cluster node"):
        spec.node("9")


def test_rendered_properties_differ_only_where_nodes_must():
    spec = ClusterSpec.from_topology(load_topology(offset=0))
    one, two = (parse_properties(render_properties(spec, n, "127.0.0.1", f"/data/{n.id}")) for n in spec.nodes[:2])
    assert one["node.id"] == "1" and one["controller.quorum.voters"] == spec.voters
    assert one["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19095"
    assert one["advertised.listeners"] == "PLAINTEXT://localhost:19092"
    assert one["log.dirs"] == "/data/1"
    for key in ("default.replication.factor", "offsets.topic.replication.factor", "transaction.state.log.replication.factor"):
        assert one[key] == "3", key
    assert one["min.insync.replicas"] == one["transaction.state.log.min.isr"] == "2"
    assert "controller.quorum.bootstrap.servers" not in one  # static voters instead
    differs = {k for k in one if one[k] != two[k]}
    assert differs == {"node.id", "listeners", "advertised.listeners", "log.dirs"}


# --- unit: the drill's read-back (no broker: a consumer that reads at a set pace) ----------------


class PacedConsumer:
    """The drill topic, 3 partitions: `per_poll` records a poll, each poll one second of a fake clock."""

    def __init__(self, runs: dict[str, int], per_poll: int, clock: list[float]):
        from kafka import TopicPartition

        from streamlab.clients.kafka_client import to_json_bytes

        values = [to_json_bytes({"run": run, "seq": seq}) for run, count in runs.items() for seq in range(count)]
        self.logs = {TopicPartition(TOPIC, p): values[p::3] for p in range(3)}
        self.positions = {tp: 0 for tp in self.logs}
        self.per_poll, self.clock, self.closed = per_poll, clock, False

    def assign(self, partitions):
        assert set(partitions) == set(self.logs)

    def seek_to_beginning(self, *partitions):
        for tp in partitions:
            self.positions[tp] = 0

    def beginning_offsets(self, partitions):
        return {tp: 0 for tp in partitions}

    def end_offsets(self, partitions):
        return {tp: len(self.logs[tp]) for tp in partitions}

    def position(self, tp):
        return self.positions[tp]

    def poll(self, timeout_ms):
        from types import SimpleNamespace

        self.clock[0] += 1.0
        batch = {}
        for tp, log in self.logs.items():
            start = self.positions[tp]
            taken = log[start:start + self.per_poll // 3]
            self.positions[tp] = start + len(taken)
            if taken:
                batch[tp] = [SimpleNamespace(value=value) for value in taken]
        return batch

    def close(self):
        self.closed = True


def paced_read_back(monkeypatch, runs: dict[str, int], per_poll: int, timeout_s: float):
    from streamlab.cluster import drill

    clock = [0.0]
    consumer = PacedConsumer(runs, per_poll, clock)
    monkeypatch.setattr(drill, "make_consumer", lambda bootstrap, **kw: consumer)
    back = drill.read_back("localhost:1", "this", timeout_s=timeout_s, clock=lambda: clock[0])
    assert consumer.closed
    return back


def test_a_read_back_to_the_end_counts_the_missing(monkeypatch):
    from streamlab.cluster.drill import DrillReport, judge

    back = paced_read_back(monkeypatch, {"older": 300, "this": 600}, per_poll=300, timeout_s=60)
    assert back.complete and (back.read, back.total) == (900, 900) and len(back.seen) == 600
    report = DrillReport(acked=set(range(602)))  # two acknowledged events that are not in the topic
    judge(report, back)
    assert (report.consumed, report.missing, report.duplicated, report.incomplete) == (600, 2, 0, "")


def test_a_read_back_that_runs_out_of_time_says_so_instead_of_missing(monkeypatch):
    """Issue 11, item 5: the events not read yet are not "missing"; the report says how far it got."""
    import io

    from rich.console import Console

    from streamlab.cluster.drill import DrillReport, judge

    # 900 records at 60 a poll (one second each): 3 s read 180 of them, the earlier run's 300 first.
    back = paced_read_back(monkeypatch, {"older": 300, "this": 600}, per_poll=60, timeout_s=3)
    assert not back.complete and (back.read, back.total) == (180, 900) and not back.seen
    report = DrillReport(acked=set(range(600)))
    judge(report, back)
    assert report.missing is None
    assert report.incomplete == "read back 0 of 600 acknowledged events before the timeout (3s, 20% of replicated-topic read)"
    out = io.StringIO()
    Console(file=out, width=200).print(report.table())
    rows = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in out.getvalue().splitlines() if line.count("│") == 3}
    assert rows["missing (acknowledged, not in the topic)"] == "unknown"
    assert rows["consumed"] == f"0 ({report.incomplete})"
    # The same rows as a complete report: the README's table stays the one the drill prints.
    assert list(rows) == list(DrillReport().table().columns[0]._cells)

    # Half way into this run's events: the ones read so far count as read back, none as missing.
    back = paced_read_back(monkeypatch, {"older": 300, "this": 600}, per_poll=60, timeout_s=10)
    report = DrillReport(acked=set(range(600)))
    judge(report, back)
    assert (report.missing, report.consumed) == (None, 300)
    assert report.incomplete.startswith("read back 300 of 600 acknowledged events before the timeout (10s, 67%")


def test_the_drill_command_ends_with_the_timeout_not_a_loss(monkeypatch):
    import io

    from rich.console import Console
    from typer.testing import CliRunner

    from streamlab.cli import build_app
    from streamlab.cluster import drill
    from streamlab.lab import Lab

    incomplete = "read back 10 of 600 acknowledged events before the timeout (60s, 5% of replicated-topic read)"
    monkeypatch.setattr(drill, "run_drill", lambda cluster, plan: drill.DrillReport(
        killed="cluster-2", acked=set(range(600)), consumed=10, missing=None, incomplete=incomplete))
    out = io.StringIO()
    result = CliRunner().invoke(build_app(Lab(console=Console(file=io.StringIO())), Console(file=out, width=300)),
                                ["cluster", "drill"])
    assert "unknown" in out.getvalue()  # the table was printed, its missing row unknown
    error = result.exception
    assert isinstance(error, LabError) and error.exit_code == 1
    assert error.message.startswith(incomplete) and "lost" not in error.message
    bootstrap = ClusterSpec.from_topology(load_topology()).bootstrap
    assert f"streamlab topics delete replicated-topic --bootstrap-servers {bootstrap}`" in error.hint


# --- integration: the real three-node cluster, started once ------------------------------------


@pytest.fixture(scope="module")  # its three JVMs stop after this file, not at the end of the suite
def cluster(lab_controller):
    """The native cluster under .lab-test/cluster, stopped by PID at the end.

    Depends on lab_controller only so that its wipe of .lab-test happens before the cluster starts.
    """
    runtime = ClusterRuntime(load_settings(), load_topology())
    runtime.up()
    try:
        yield runtime
    finally:
        runtime.down()


def await_isr(cluster: ClusterRuntime, size: int, timeout_s: float = 60) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            now = sample_partitions(cluster.spec.bootstrap)
            if all(len(isr) == size for _, isr in now.values()):
                return now
        except Exception:
            pass
        time.sleep(1)
    pytest.fail(f"ISR did not reach {size} replicas within {timeout_s}s")


@pytest.mark.integration
def test_three_brokers_in_the_metadata(cluster):
    for node in cluster.spec.nodes:
        assert broker_ids(f"localhost:{node.port}", wait_s=10) == {1, 2, 3}


@pytest.mark.integration
def test_replicated_topic_has_three_replicas_all_in_sync(cluster):
    ensure_topic(cluster)
    partitions = await_isr(cluster, 3)
    assert len(partitions) == 3
    result = run_cli("topics", "describe", TOPIC, env=_cli_env(cluster))
    assert result.returncode == 0, result.stderr
    assert "min.insync.replicas=2" in result.stdout


@pytest.mark.integration
def test_cluster_up_creates_the_replicated_topic(cluster):
    """The README describes replicated-topic right after `cluster up`, before any drill (issue 10)."""
    from streamlab.clients.kafka_client import make_admin

    admin = make_admin(cluster.spec.bootstrap)
    try:
        if TOPIC in admin.list_topics():
            admin.delete_topics([TOPIC])
        deadline = time.monotonic() + 60
        while TOPIC in admin.list_topics() and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        admin.close()
    up = run_cli("cluster", "up", timeout=240)
    assert up.returncode == 0 and f"topic '{TOPIC}' is ready" in up.stderr, up.stderr
    described = run_cli("topics", "describe", TOPIC, "--bootstrap-servers", cluster.spec.bootstrap)
    assert described.returncode == 0 and "3 partition(s)" in described.stdout, described.stderr


def _cli_env(cluster: ClusterRuntime) -> dict:
    return {**os.environ, "KAFKA_BOOTSTRAP": cluster.spec.bootstrap}


@pytest.mark.integration
def test_drill_loses_no_acknowledged_event(cluster):
    result = run_cli("cluster", "drill", "--rate", "150", "--before", "3", "--down-for", "12", "--after", "3", timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    table = result.stdout
    assert "SIGKILL cluster-" in result.stderr
    rows = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in table.splitlines() if line.count("│") == 3}
    assert rows["missing (acknowledged, not in the topic)"] == "0"
    assert int(rows["produced (acknowledged, acks=all)"]) > 1000
    assert rows["duplicated"] == "0"
    assert int(rows["consumed"]) >= int(rows["produced (acknowledged, acks=all)"])
    # The lab check reads the drill's report: cluster-failover turns done (seed 003).
    graded = run_cli("check", "cluster-failover", "--json", timeout=120)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert json.loads(graded.stdout)["done"] is True


@pytest.mark.integration
def test_port_taken_is_one_line(cluster, tmp_path):
    """A second cluster (another LAB_HOME) finds the ports taken: one line, no traceback."""
    env = {**os.environ, "LAB_HOME": str(tmp_path)}
    result = run_cli("cluster", "up", env=env)
    assert result.returncode != 0
    assert f"port {cluster.spec.nodes[0].port} for cluster-1 is already taken" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.integration
def test_two_nodes_down_refuses_writes_instead_of_losing_them(cluster):
    """min ISR 2: with one replica left, acks=all is refused (NotEnoughReplicas), never acknowledged.

    One node is SIGKILLed and dropped from the ISR; a second is stopped cleanly, which takes it out
    of the ISR too (controlled shutdown), leaving one in-sync replica. Idempotence is off here: a
    producer id needs the controller quorum, which two of three nodes down no longer has.
    """
    ensure_topic(cluster)
    await_isr(cluster, 3)
    first, second, survivor = cluster.spec.nodes
    try:
        cluster.kill(first.name)
        await_isr(cluster, 2)
        stop(cluster.pidfile(second.name).process())
        producer = make_producer(f"localhost:{survivor.port}", enable_idempotence=False, retries=2, delivery_timeout_ms=15000)
        try:
            with pytest.raises(NotEnoughReplicasError):
                producer.send(TOPIC, key="k", value={"seq": -1}).get(timeout=30)
        finally:
            producer.close(timeout=1)
    finally:
        cluster.up()  # bring both back, so the session ends with the cluster as it started

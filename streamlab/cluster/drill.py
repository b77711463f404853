"""The failover drill of seed 003 (7.11 고가용성 테스트): lose a broker mid-stream, lose no event.

Numbered events go to `replicated-topic` (RF 3, min ISR 2) with acks=all and idempotence; one node
is SIGKILLed while producing goes on, then restarted; finally the topic is read back and every
acknowledged event must be there exactly once. A monitor samples leaders and ISRs meanwhile.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.table import Table

from kafka import TopicPartition

from ..clients import topics as topic_ops
from ..clients.kafka_client import decode_json, make_admin, make_consumer, to_json_bytes
from ..clients.librdkafka import make_fast_producer
from ..errors import LabError
from .runtime import ClusterRuntime

TOPIC = "replicated-topic"
PARTITIONS = 3
READ_BACK_TIMEOUT_S = 60.0
UNREACHABLE_HINT = "is the cluster up? `streamlab cluster status`; `streamlab cluster up` starts it"


@dataclass(frozen=True)
class DrillPlan:
    rate: float       # events per second
    before: float     # seconds of producing before the kill
    down_for: float   # seconds the node stays down while producing goes on
    after: float      # seconds of producing after the restart was requested
    node: str = "leader"


@dataclass
class DrillReport:
    run_id: str = ""
    killed: str = ""
    sent: int = 0
    acked: set[int] = field(default_factory=set)
    failed: int = 0
    consumed: int = 0
    missing: int | None = 0  # None: unknown, the read-back ran out of time before the topic's end
    duplicated: int = 0
    incomplete: str = ""  # why the read-back stopped short ("read back N of M before the timeout ...")
    leader_changes: int = 0
    isr_shrinks: int = 0
    longest_gap_s: float = 0.0

    def table(self) -> Table:
        table = Table(title=f"failover drill on {TOPIC}: {self.killed} killed and restarted")
        table.add_column("measure")
        table.add_column("value", justify="right")
        color = "green" if self.missing == 0 else "red"
        missing = f"[{color}]{self.missing}[/{color}]"
        consumed = str(self.consumed)
        if self.missing is None:  # not read to the end: what was not read is not "missing"
            missing, consumed = "[yellow]unknown[/yellow]", f"{self.consumed} [yellow]({self.incomplete})[/yellow]"
        rows = [
            ("produced (acknowledged, acks=all)", str(len(self.acked))),
            ("sends that failed (never acknowledged)", str(self.failed)),
            ("consumed", consumed),
            ("missing (acknowledged, not in the topic)", missing),
            ("duplicated", str(self.duplicated)),
            ("leader changes seen", str(self.leader_changes)),
            ("ISR shrinks seen", str(self.isr_shrinks)),
            ("unavailability: longest gap between acks", f"{self.longest_gap_s:.1f}s"),
        ]
        for row in rows:
            table.add_row(*row)
        return table


def ensure_topic(cluster: ClusterRuntime) -> None:
    """replicated-topic with 3 partitions on all three nodes, min ISR from lab.yaml (idempotent)."""
    admin = make_admin(cluster.spec.bootstrap, unreachable_hint=UNREACHABLE_HINT)
    try:
        topic_ops.create(admin, TOPIC, PARTITIONS, cluster.spec.replication,
                         {"min.insync.replicas": str(cluster.spec.min_isr)})
    finally:
        admin.close()


def sample_partitions(bootstrap: str) -> dict[int, tuple[int, frozenset[int]]]:
    """partition -> (leader, ISR) of the drill topic, asked of the first node that answers.

    One node at a time: kafka-python's admin sends to a node from the metadata, dead or not.
    """
    error: Exception = LabError(f"no node of {bootstrap} answers")
    for address in bootstrap.split(","):
        try:
            admin = make_admin(address, wait_s=2, unreachable_hint=UNREACHABLE_HINT)
        except LabError as exc:
            error = exc
            continue
        try:
            partitions, _ = topic_ops.describe(admin, TOPIC)
            return {p.partition: (p.leader, frozenset(p.isr)) for p in partitions}
        except Exception as exc:  # the metadata named a node that is down; try the next address
            error = exc
        finally:
            admin.close()
    raise error


class Monitor(threading.Thread):
    """Samples leaders and ISRs twice a second; counts leader changes and ISR shrinks."""

    def __init__(self, bootstrap: str, report: DrillReport):
        super().__init__(daemon=True)
        self.bootstrap, self.report = bootstrap, report
        self.last: dict[int, tuple[int, frozenset[int]]] = {}
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(0.5):
            try:
                now = sample_partitions(self.bootstrap)
            except Exception:  # a broker that just died may answer nothing; the next sample will
                continue
            for partition, (leader, isr) in now.items():
                if partition in self.last:
                    old_leader, old_isr = self.last[partition]
                    self.report.leader_changes += leader != old_leader
                    self.report.isr_shrinks += len(isr) < len(old_isr)
            self.last = now

    def summary(self) -> str:
        return " ".join(f"p{p}:L{leader}/ISR{len(isr)}" for p, (leader, isr) in sorted(self.last.items()))


def choose_victim(cluster: ClusterRuntime, plan: DrillPlan) -> str:
    """The node to kill: as asked, or the current leader of partition 0 (the most disruptive)."""
    if plan.node != "leader":
        return cluster.spec.node(plan.node).name
    leader, _ = sample_partitions(cluster.spec.bootstrap)[0]
    return cluster.spec.node(str(leader)).name


def _produce(cluster: ClusterRuntime, plan: DrillPlan, report: DrillReport, monitor: Monitor) -> list[float]:
    """Send numbered events at the planned rate through the kill and restart; return the ack times."""
    run_id = report.run_id = uuid.uuid4().hex[:8]
    ack_times: list[float] = []
    # librdkafka retries until the delivery timeout: a record survives the failover, or is reported failed.
    producer = make_fast_producer(cluster.spec.bootstrap, delivery_timeout_s=120, unreachable_hint=UNREACHABLE_HINT)

    def report_delivery(err, msg) -> None:
        if err is None:
            report.acked.add(int(msg.key()))
            ack_times.append(time.monotonic())
        else:
            report.failed += 1

    restart = _Restart(cluster, report)
    started, total = time.monotonic(), plan.before + plan.down_for + plan.after
    last_line = 0.0
    while (elapsed := time.monotonic() - started) < total:
        _failover_step(cluster, plan, report, restart, elapsed)
        producer.produce(TOPIC, to_json_bytes({"run": run_id, "seq": report.sent}), str(report.sent), on_delivery=report_delivery)
        producer.poll(0)
        report.sent += 1
        if elapsed - last_line >= 1:
            last_line = elapsed
            cluster.console.print(f"{elapsed:5.1f}s sent {report.sent} acked {len(report.acked)} failed {report.failed} | {monitor.summary()}", highlight=False)
        time.sleep(max(0.0, started + report.sent / plan.rate - time.monotonic()))
    producer.flush(120)
    restart.finish()
    return ack_times


def _failover_step(cluster: ClusterRuntime, plan: DrillPlan, report: DrillReport, restart: "_Restart", elapsed: float) -> None:
    """Kill the victim once `before` has passed; start bringing it back once `down_for` has too."""
    if elapsed >= plan.before and not report.killed:
        report.killed = choose_victim(cluster, plan)
        pid = cluster.kill(report.killed)
        cluster.console.print(f"[red]SIGKILL {report.killed}[/red] (pid {pid}) at {elapsed:.1f}s, producing goes on")
    if elapsed >= plan.before + plan.down_for and not restart.is_alive() and not restart.done:
        restart.start()


class _Restart(threading.Thread):
    """Brings the killed node back in the background, so producing never pauses for it."""

    def __init__(self, cluster: ClusterRuntime, report: DrillReport):
        super().__init__(daemon=True)
        self.cluster, self.report, self.done, self.error = cluster, report, False, None

    def run(self) -> None:
        try:
            self.cluster.console.print(f"[green]restarting {self.report.killed}[/green]")
            self.cluster.up([self.report.killed])
        except LabError as exc:
            self.error = exc
        self.done = True

    def finish(self) -> None:
        """Wait for the restart (started now if the plan left no time for it); re-raise its error."""
        if not self.done and not self.is_alive():
            self.start()
        self.join()
        if self.error:
            raise self.error


@dataclass
class ReadBack:
    """What reading the topic back found, and whether it got to the end before the timeout."""

    seen: Counter  # seq -> how many times this run's event is in the topic
    read: int  # records of the topic read (every run's)
    total: int  # records in the topic when reading started
    timeout_s: float

    @property
    def complete(self) -> bool:
        return self.read >= self.total


def read_back(bootstrap: str, run_id: str, timeout_s: float = READ_BACK_TIMEOUT_S, clock=time.monotonic) -> ReadBack:
    """Read every partition from its start to the end it had when reading began, or until the timeout."""
    consumer = make_consumer(bootstrap, unreachable_hint=UNREACHABLE_HINT)
    partitions = [TopicPartition(TOPIC, p) for p in range(PARTITIONS)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    starts, ends = consumer.beginning_offsets(partitions), consumer.end_offsets(partitions)
    seen: Counter = Counter()
    deadline = clock() + timeout_s

    def read_so_far() -> int:
        return sum(min(consumer.position(tp), ends[tp]) - starts[tp] for tp in partitions)

    try:
        while any(consumer.position(tp) < ends[tp] for tp in partitions) and clock() < deadline:
            for records in consumer.poll(timeout_ms=1000).values():
                for record in records:
                    value, _ = decode_json(record.value)
                    if isinstance(value, dict) and value.get("run") == run_id:
                        seen[value["seq"]] += 1
        read = read_so_far()
    finally:
        consumer.close()
    return ReadBack(seen, read, sum(ends[tp] - starts[tp] for tp in partitions), timeout_s)


def judge(report: DrillReport, back: ReadBack) -> None:
    """Fill the report's read-back figures; an incomplete read-back leaves `missing` unknown."""
    report.consumed = sum(back.seen.values())
    report.duplicated = sum(n - 1 for n in back.seen.values() if n > 1)
    if back.complete:
        report.missing, report.incomplete = len(report.acked - set(back.seen)), ""
        return
    found = len(report.acked & set(back.seen))
    share = back.read / back.total if back.total else 0.0
    report.missing = None
    report.incomplete = (f"read back {found:,} of {len(report.acked):,} acknowledged events before the timeout "
                         f"({back.timeout_s:.0f}s, {share:.0%} of {TOPIC} read)")


def longest_gap(times: list[float]) -> float:
    """The longest stretch without an acknowledgement, in seconds."""
    ordered = sorted(times)
    return max((b - a for a, b in zip(ordered, ordered[1:])), default=0.0)


def wait_for_full_isr(cluster: ClusterRuntime, timeout_s: float = 60) -> None:
    """After the restart, wait until every partition is back to all replicas in sync."""
    deadline, full = time.monotonic() + timeout_s, len(cluster.spec.nodes)
    while time.monotonic() < deadline:
        try:
            if all(len(isr) == full for _, isr in sample_partitions(cluster.spec.bootstrap).values()):
                cluster.console.print(f"ISR back to {full} replicas on every partition")
                return
        except Exception:  # metadata briefly unavailable while the node rejoins
            pass
        time.sleep(1)
    cluster.console.print(f"[yellow]ISR not yet back to {full} replicas after {timeout_s:.0f}s[/yellow]")


def run_drill(cluster: ClusterRuntime, plan: DrillPlan) -> DrillReport:
    """The whole drill; the report says what was acknowledged, read back, lost and doubled."""
    if len(cluster.running()) < len(cluster.spec.nodes):
        raise LabError("the three-broker cluster is not fully running", "run `streamlab cluster up` first")
    ensure_topic(cluster)
    report = DrillReport()
    monitor = Monitor(cluster.spec.bootstrap, report)
    monitor.start()
    try:
        ack_times = _produce(cluster, plan, report, monitor)
        wait_for_full_isr(cluster)
    finally:
        monitor.halt.set()
    judge(report, read_back(cluster.spec.bootstrap, report.run_id))
    report.longest_gap_s = longest_gap(ack_times)
    save_report(report, last_report_path(cluster.settings))
    return report


def last_report_path(settings) -> Path:
    """Where the newest drill's figures stay, for `streamlab check cluster-failover` and the KPIs."""
    return Path(settings.LAB_HOME) / "cluster" / "last-drill.json"


def save_report(report: DrillReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    figures = {k: v for k, v in asdict(report).items() if k != "acked"}
    path.write_text(json.dumps({**figures, "acknowledged": len(report.acked), "finished_at": time.time()}, indent=2))

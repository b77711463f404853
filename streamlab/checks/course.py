"""The course's labs in order, each from its seed: what to do, and the check that grades it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..config import Settings
from ..errors import LabError
from ..topology import Topology
from . import cluster_lab, kafka_labs, sink_labs, spark_lab, streamer_lab
from .model import Criterion, LabReport, missed
from .observe import Observer


@dataclass
class Context:
    """What every check may look at; built once per `streamlab check` from the lab's settings."""

    view: Observer
    settings: Settings
    topology: Topology
    runtime: str  # docker | native
    cluster_nodes: Callable[[], tuple[int, int]]  # (running, total)
    last_drill: Path


@dataclass(frozen=True)
class CourseLab:
    name: str
    seed: str
    task: str  # what the student does, in one line
    grade: Callable[[Context], list[Criterion]]


def _topic(ctx: Context) -> str:
    return ctx.settings.WEB_LOGS_TOPIC


LABS = [
    CourseLab("kafka-basics", "001", "create the topics, produce bakery orders, read them with a consumer group",
              lambda c: kafka_labs.kafka_basics(c.view, {t.name: t.partitions for t in c.topology.topics})),
    CourseLab("connect-s3", "001", "`make connect-s3`, then produce web logs: 10 records per object, hour folders",
              lambda c: sink_labs.connect_s3(c.view, _topic(c))),
    CourseLab("fanout-connect", "001", "`make switch-connect`: S3 and OpenSearch through two sink connectors",
              lambda c: sink_labs.fanout(c.view, "connect", _topic(c), c.runtime)),
    CourseLab("fanout-elk", "001", "`make switch-elk`: Logstash writes raw events to S3 and parsed ones to OpenSearch",
              lambda c: sink_labs.fanout(c.view, "elk", _topic(c), c.runtime)),
    CourseLab("fanout-efk", "001", "`make switch-efk`: Fluent Bit lifts the payload, raw copies to S3, processed to OpenSearch",
              lambda c: sink_labs.fanout(c.view, "efk", _topic(c), c.runtime)),
    CourseLab("log-streamer", "000", "`make stream-logs`: Apache, Nginx and JSON logs parsed into app-logs, bad lines to the DLQ",
              lambda c: streamer_lab.log_streamer(c.view, Path(c.settings.LAB_HOME) / "streamer")),
    CourseLab("unicorns", "002", "`make unicorns UNICORNS=\"Shadowfax Rocinante\"`: one record a second per unicorn",
              lambda c: kafka_labs.unicorns(c.view)),
    CourseLab("factory-sensors", "003", "`make fms-produce` and `make fms-consume`: alerts over the thresholds",
              lambda c: kafka_labs.factory_sensors(c.view)),
    CourseLab("keyword-filter", "003", "`make messages`, `make filter KEYWORDS=...`: only matching messages pass",
              lambda c: kafka_labs.keyword_filter(c.view)),
    CourseLab("cluster-failover", "003", "`streamlab cluster up`, `streamlab cluster drill`: a broker killed, nothing lost",
              lambda c: cluster_lab.cluster_failover(*c.cluster_nodes(), c.last_drill)),
    CourseLab("gateway", "004", "`make gateway`, `make connect-streams`, POST to two streams: each under its own prefix",
              lambda c: sink_labs.gateway(c.view, list(c.topology.gateway["streams"]), c.topology.gateway["port"])),
    CourseLab("spark", "003", "`make fms-produce`, `make spark-stream`, `make spark-aggregate`: Parquet by date, windows published",
              lambda c: spark_lab.spark_lab(c.view, Path(c.settings.SPARK_DATA_DIR), Path(c.settings.LAB_HOME) / "spark" / "checkpoints",
                                            Path(c.settings.LAB_JARS))),
]
BY_NAME = {lab.name: lab for lab in LABS}


def find(name: str) -> CourseLab:
    if name not in BY_NAME:
        raise LabError(f"no lab named {name!r}", f"choose one of {', '.join(BY_NAME)}, or `kpis`", exit_code=2)
    return BY_NAME[name]


def grade(lab: CourseLab, ctx: Context) -> LabReport:
    """The lab's checklist; a service that does not answer is one miss naming it, never a traceback."""
    try:
        criteria = lab.grade(ctx)
    except LabError as exc:
        criteria = [missed("the lab's services answer", exc.message, exc.hint or "`make up`, then `make status`")]
    return LabReport(lab.name, lab.seed, criteria)


def build_context(settings: Settings, topology: Topology, runtime: str, console=None) -> Context:
    """What the checks look at, from the lab's settings (the CLI and the console's Checks page share it)."""
    from ..cluster.drill import last_report_path
    from ..cluster.runtime import ClusterRuntime

    def cluster_nodes() -> tuple[int, int]:
        cluster = ClusterRuntime(settings, topology, console)
        return len(cluster.running()), len(cluster.spec.nodes)

    return Context(Observer(settings), settings, topology, runtime, cluster_nodes, last_report_path(settings))


def grade_all(ctx: Context) -> list[LabReport]:
    """Every lab, in course order."""
    try:
        return [grade(lab, ctx) for lab in LABS]
    finally:
        ctx.view.close()

"""Where the console's data comes from: one source per system, each wrapping the lab's clients.

`Sources` is built once at the root (`build_sources(lab)`) and handed to `create_app`; a page or the
sampler only ever calls a source. Tests hand in fakes with the same methods.
Modules: kafka (shared clients, topics and offsets), groups (consumer groups and lag), messages (the
message browser's reads), connect (connectors and the lab's connector files), s3 (folders, objects,
the sink's tally), search (OpenSearch indices, counts, queries), services (the runtime's services).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ...checks import course
from ...clients.connect import render
from ...config import file_env
from ...fanout import pipelines
from ...topology import REPO_ROOT
from ..flow import ActivePipeline, Processor
from ..redact import public_settings, redactor_for
from .checks import ChecksSource
from .connect import ConnectSource, ConsoleConnect
from .groups import GroupsSource
from .kafka import KafkaClients, TopicsSource
from .messages import MessagesSource
from .s3 import S3Source
from .search import ConsoleSearch, SearchSource
from .services import LabSource

CONNECTOR_FILES = REPO_ROOT / "connectors"
# The log routers' consumer groups, as set in logstash/pipeline/logstash.conf and fluent-bit/fluent-bit.conf.
ROUTERS = {"elk": ("logstash", "Logstash", "streamlab-elk"), "efk": ("fluent-bit", "Fluent Bit", "streamlab-efk")}


@dataclass
class Sources:
    lab: Any  # LabSource: services, active pipeline, public settings
    topics: Any  # TopicsSource
    groups: Any  # GroupsSource
    messages: Any  # MessagesSource
    connect: Any  # ConnectSource
    s3: Any  # S3Source
    search: Any  # SearchSource
    checks: Any = None  # ChecksSource: the lab checks (streamlab check)

    def close(self) -> None:
        """Let go of the Kafka connections (the other sources hold none between calls)."""
        close = getattr(self.topics, "close", None)
        if callable(close):
            close()


def build_sources(lab, extra_secrets: Iterable[str] = (), console_port: int | None = None) -> Sources:
    """Every source over the lab's settings and runtime; `extra_secrets` (the console token) are redacted too,
    `console_port` is where this console listens (its own row among the services)."""
    settings, runtime = lab.settings, lab.runtime
    env = {**file_env(), **settings.as_env()}
    redactor = redactor_for({**env, **{f"CONSOLE_SECRET_{i}": s for i, s in enumerate(extra_secrets)}})
    clients = KafkaClients(settings.KAFKA_BOOTSTRAP)
    return Sources(
        lab=LabSource(runtime.name, runtime.status, lambda: active_pipeline(lab), public_settings(settings.as_env()), redactor,
                      console_port),
        topics=TopicsSource(clients, redactor.text),
        groups=GroupsSource(clients),
        messages=MessagesSource(settings.KAFKA_BOOTSTRAP, redactor.text),
        connect=ConnectSource(ConsoleConnect(settings.CONNECT_URL, timeout_s=10), CONNECTOR_FILES, lab.connect_variables, redactor),
        s3=S3Source.from_settings(settings),
        search=SearchSource(ConsoleSearch(settings)),
        checks=ChecksSource(lambda: course.grade_all(course.build_context(settings, lab.topology, runtime.name))),
    )


def active_pipeline(lab) -> ActivePipeline | None:
    """The one active fan-out pipeline as the overview draws it, or None."""
    names = pipelines.active(lab)
    if not names:
        return None
    pipeline, topic = pipelines.PIPELINES[names[0]], lab.settings.WEB_LOGS_TOPIC
    return ActivePipeline(
        name=pipeline.name, about=pipeline.about, topic=topic,
        s3_prefix=pipeline.s3_prefix.format(topic=topic), index_pattern=pipeline.index_pattern.format(topic=topic),
        hour_folder=pipeline.hour_folder, offset_keys=not pipeline.container, processors=_processors(lab, pipeline),
    )


def _processors(lab, pipeline) -> tuple[Processor, ...]:
    if pipeline.container:
        kind, label, group = ROUTERS[pipeline.name]
        return (Processor(id=kind, label=label, group=group, sinks=("s3", "opensearch"), kind=kind),)
    variables = lab.connect_variables()
    processors = []
    for path in pipeline.connectors:
        connector = render(path, variables)
        sink = "s3" if "S3" in connector.connector_class else "opensearch"
        processors.append(Processor(id=f"c-{connector.name}", label=connector.name, group=f"connect-{connector.name}",
                                    sinks=(sink,), connector=connector.name))
    return tuple(processors)

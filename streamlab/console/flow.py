"""The overview's picture of the active fan-out: nodes and edges, each edge naming its live figure.

producer -> topic -> (S3 sink connector | Logstash | Fluent Bit) -> S3 and OpenSearch. The page lays
the nodes out in columns and writes each edge's figure from the sampler's latest sample: `in`
(messages/s into the topic), `lag:<group>` (a consuming group's lag), `s3` (objects and records),
`opensearch` (documents).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Processor:
    """What reads the topic for a sink: a connector (Connect) or a log router (Logstash, Fluent Bit)."""

    id: str
    label: str
    group: str  # its consumer group, whose lag the edge from the topic shows
    sinks: tuple[str, ...]  # "s3", "opensearch"
    kind: str = "connector"
    connector: str | None = None


@dataclass(frozen=True)
class ActivePipeline:
    name: str  # connect | elk | efk
    about: str
    topic: str
    s3_prefix: str  # e.g. topics/web_logs/
    index_pattern: str  # e.g. web_logs-connect*
    hour_folder: str  # strftime of the hour folders under s3_prefix
    offset_keys: bool  # object names end in +<partition>+<start offset> (the lab's S3 sink)
    processors: tuple[Processor, ...] = field(default_factory=tuple)

    @property
    def groups(self) -> list[str]:
        return [p.group for p in self.processors]


def flow_spec(pipeline: ActivePipeline | None, topic: str, bucket: str) -> dict:
    """Nodes (with a column and row for the layout) and edges (with the figure each one shows)."""
    name = pipeline.topic if pipeline else topic
    middle = 0.5 if pipeline else 0  # between the two sinks, or alone on one row
    nodes = [
        {"id": "producer", "label": "producers", "sub": "web_log_producer.py", "kind": "producer", "col": 0, "row": middle},
        {"id": "topic", "label": name, "sub": "Kafka topic", "kind": "topic", "col": 1, "row": middle},
    ]
    edges = [{"from": "producer", "to": "topic", "figure": "in"}]
    if pipeline is None:
        return {"pipeline": None, "about": "no fan-out pipeline is active: run `make switch-connect`", "topic": name, "nodes": nodes, "edges": edges}
    rows = {"s3": 0, "opensearch": 1}
    for processor in pipeline.processors:
        # A one-sink connector sits level with its store; a router feeding both sits between them.
        row = rows[processor.sinks[0]] if len(processor.sinks) == 1 else 0.5
        nodes.append({"id": processor.id, "label": processor.label, "sub": _processor_sub(processor), "kind": processor.kind,
                      "col": 2, "row": row, "connector": processor.connector, "group": processor.group})
        edges.append({"from": "topic", "to": processor.id, "figure": f"lag:{processor.group}"})
        edges.extend({"from": processor.id, "to": sink, "figure": sink} for sink in processor.sinks)
    nodes.append({"id": "s3", "label": "S3", "sub": f"{bucket}/{pipeline.s3_prefix}", "kind": "store", "col": 3, "row": 0})
    nodes.append({"id": "opensearch", "label": "OpenSearch", "sub": pipeline.index_pattern, "kind": "store", "col": 3, "row": 1})
    return {"pipeline": pipeline.name, "about": pipeline.about, "topic": name, "nodes": nodes, "edges": edges}


def _processor_sub(processor: Processor) -> str:
    return {"connector": "Kafka Connect sink", "logstash": "log router (ELK)", "fluent-bit": "log router (EFK)"}.get(processor.kind, processor.kind)

"""The lab's pinned topology (lab.yaml): service ports and images, default topics, buckets."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import EXIT_BAD_INPUT, LabError

REPO_ROOT = Path(__file__).resolve().parent.parent
LAB_YAML = REPO_ROOT / "lab.yaml"

# `make test` shifts every port by this much, so the suite's services run beside a student's lab.
PORT_OFFSET_VAR = "LAB_PORT_OFFSET"
PORT_KEYS = ("port", "controller_port", "transport_port")

# Kafka's own rule (org.apache.kafka.common.internals.Topic): 1-249 of [a-zA-Z0-9._-], not "." or "..".
TOPIC_NAME = re.compile(r"^[a-zA-Z0-9._-]{1,249}$")


@dataclass(frozen=True)
class Service:
    name: str
    port: int | None = None
    image: str | None = None
    native: bool = True
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int = 1
    about: str = ""


@dataclass(frozen=True)
class Topology:
    services: dict[str, Service]
    topics: list[TopicSpec]
    buckets: list[str]
    gateway: dict = field(default_factory=dict)  # lab.yaml `gateway:` (port, streams)
    cluster: dict = field(default_factory=dict)  # lab.yaml `cluster:` (the three-broker exercise)
    console: dict = field(default_factory=dict)  # lab.yaml `console:` (port)

    def port(self, service: str) -> int:
        return self.services[service].port

    def topic_names(self) -> list[str]:
        return [t.name for t in self.topics]


def invalid_topic_reason(name: str) -> str | None:
    """Why `name` is not a legal Kafka topic name, or None when it is."""
    if name in (".", ".."):
        return "'.' and '..' are reserved"
    if not name:
        return "the name is empty"
    if len(name) > 249:
        return f"it is {len(name)} characters long (at most 249)"
    if not TOPIC_NAME.match(name):
        bad = sorted({c for c in name if not re.match(r"[a-zA-Z0-9._-]", c)})
        return f"it contains {''.join(bad)!r} (only letters, digits, '.', '_' and '-' are allowed)"
    return None


def port_offset() -> int:
    """LAB_PORT_OFFSET from the environment (0 when unset): the test suite's shift of every port."""
    value = os.environ.get(PORT_OFFSET_VAR) or "0"
    if not value.isdigit():
        raise LabError(f"{PORT_OFFSET_VAR}={value!r} is not a whole number", "unset it, or set a number of ports like 1000",
                       exit_code=EXIT_BAD_INPUT)
    return int(value)


def _shifted(spec: dict, offset: int) -> dict:
    return {k: (v + offset if k in PORT_KEYS and isinstance(v, int) else v) for k, v in spec.items()}


@lru_cache(maxsize=4)
def load_topology(path: Path = LAB_YAML, offset: int | None = None) -> Topology:
    """Read lab.yaml once; every port shifted by `offset` (default: LAB_PORT_OFFSET, normally 0)."""
    offset = port_offset() if offset is None else offset
    raw = yaml.safe_load(path.read_text())
    services = {}
    for name, spec in raw["services"].items():
        spec = _shifted(dict(spec or {}), offset)
        services[name] = Service(
            name=name,
            port=spec.pop("port", None),
            image=spec.pop("image", None),
            native=spec.pop("native", True),
            extra=spec,
        )
    topics = [TopicSpec(**t) for t in raw.get("topics", [])]
    cluster = dict(raw.get("cluster") or {})
    if "nodes" in cluster:
        cluster["nodes"] = [_shifted(node, offset) for node in cluster["nodes"]]
    return Topology(services=services, topics=topics, buckets=list(raw.get("buckets", [])),
                    gateway=_shifted(dict(raw.get("gateway") or {}), offset), cluster=cluster,
                    console=_shifted(dict(raw.get("console") or {}), offset))

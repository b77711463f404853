"""The lab's pinned topology (lab.yaml): service ports and images, default topics, buckets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
LAB_YAML = REPO_ROOT / "lab.yaml"

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


@lru_cache(maxsize=1)
def load_topology(path: Path = LAB_YAML) -> Topology:
    """Read lab.yaml once."""
    raw = yaml.safe_load(path.read_text())
    services = {}
    for name, spec in raw["services"].items():
        spec = dict(spec or {})
        services[name] = Service(
            name=name,
            port=spec.pop("port", None),
            image=spec.pop("image", None),
            native=spec.pop("native", True),
            extra=spec,
        )
    topics = [TopicSpec(**t) for t in raw.get("topics", [])]
    return Topology(services=services, topics=topics, buckets=list(raw.get("buckets", [])), gateway=dict(raw.get("gateway") or {}),
                    cluster=dict(raw.get("cluster") or {}))

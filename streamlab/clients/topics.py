"""Topic administration: create, list, describe, delete, and the lab's default topics."""

from __future__ import annotations

from dataclasses import dataclass

from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError, UnknownTopicOrPartitionError

from ..errors import LabError
from ..topology import Topology, invalid_topic_reason


@dataclass(frozen=True)
class PartitionInfo:
    partition: int
    leader: int
    replicas: list[int]
    isr: list[int]


def check_name(name: str) -> None:
    if reason := invalid_topic_reason(name):
        raise LabError(f"{name!r} is not a valid topic name: {reason}", exit_code=2)


def parse_configs(pairs: list[str]) -> dict[str, str]:
    """['retention.ms=1000', ...] -> {'retention.ms': '1000'}; a pair without '=' is a user error."""
    configs = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise LabError(f"--config {pair!r} is not KEY=VALUE", "e.g. --config retention.ms=86400000", exit_code=2)
        configs[key.strip()] = value.strip()
    return configs


def create(admin: KafkaAdminClient, name: str, partitions: int = 1, replication: int = 1, configs: dict | None = None) -> bool:
    """Create a topic; False when it already exists (idempotent)."""
    check_name(name)
    if partitions < 1 or replication < 1:
        raise LabError("partitions and replication must be at least 1", exit_code=2)
    try:
        admin.create_topics([NewTopic(name, partitions, replication, topic_configs=configs or {})])
        return True
    except TopicAlreadyExistsError:
        return False
    except Exception as exc:  # e.g. InvalidReplicationFactorError, InvalidConfigurationError
        raise LabError(f"the broker refused topic {name!r}: {type(exc).__name__}: {exc}") from None


def ensure_defaults(admin: KafkaAdminClient, topology: Topology, replication: int = 1) -> list[str]:
    """Create every lab.yaml topic that does not exist yet; returns the ones created."""
    existing = set(admin.list_topics())
    missing = [t for t in topology.topics if t.name not in existing]
    for topic in missing:
        create(admin, topic.name, topic.partitions, replication)
    return [t.name for t in missing]


def list_names(admin: KafkaAdminClient, include_internal: bool = False) -> list[str]:
    return sorted(t for t in admin.list_topics() if include_internal or not t.startswith("_"))


def describe(admin: KafkaAdminClient, name: str) -> tuple[list[PartitionInfo], dict[str, str]]:
    """Partitions (leader, replicas, ISR) and the topic's non-default configs."""
    check_name(name)
    if name not in admin.list_topics():
        raise LabError(f"topic {name!r} does not exist", "see `streamlab topics list`")
    (meta,) = admin.describe_topics([name])
    partitions = [
        PartitionInfo(p["partition_index"], p["leader_id"], list(p["replica_nodes"]), list(p["isr_nodes"]))
        for p in sorted(meta["partitions"], key=lambda p: p["partition_index"])
    ]
    return partitions, _configs(admin, name)


def _configs(admin: KafkaAdminClient, name: str) -> dict[str, str]:
    """Configs set on the topic itself (kafka-python 3 answers {'topic': {name: {key: value}}})."""
    result = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
    entries = result.get("topic", {}).get(name, {})
    return {str(k): str(v["value"] if isinstance(v, dict) else v) for k, v in entries.items()}


def delete(admin: KafkaAdminClient, name: str) -> None:
    check_name(name)
    try:
        admin.delete_topics([name])
    except UnknownTopicOrPartitionError:
        raise LabError(f"topic {name!r} does not exist", "see `streamlab topics list`") from None

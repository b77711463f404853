"""Topic administration: create, list, describe, delete, the lab's default topics, and `require_topics`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError, UnknownTopicOrPartitionError

from ..errors import EXIT_BAD_INPUT, LabError
from ..topology import Topology, invalid_topic_reason
from .kafka_client import make_admin

CREATE_HINT = "pass --create to make it, or `streamlab topics create {name}`"
LIST_HINT = "see `streamlab topics list`"


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
    existing = admin.list_topics()
    if name not in existing:
        raise missing_topic(name, existing, LIST_HINT)
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
        raise missing_topic(name, admin.list_topics(), LIST_HINT) from None


def closest_name(name: str, names) -> str | None:
    """The existing name a typo most likely meant (difflib), or None when nothing is close."""
    matches = difflib.get_close_matches(name, [n for n in names if not n.startswith("_")], n=1)
    return matches[0] if matches else None


def missing_topic(name: str, existing, otherwise: str) -> LabError:
    """`topic 'web_log' does not exist (did you mean web_logs?)`, exit code 2; `otherwise` when nothing is close."""
    close = closest_name(name, existing)
    return LabError(f"topic {name!r} does not exist", f"did you mean {close}?" if close else otherwise,
                    exit_code=EXIT_BAD_INPUT)


def _create_default(admin: KafkaAdminClient, name: str) -> bool:
    """One partition, as the broker's num.partitions would (`require_topics` has a `create` flag of its own)."""
    return create(admin, name)


def require_topics(admin_or_bootstrap: KafkaAdminClient | str, *names: str, create: bool = False) -> list[str]:
    """Every topic in `names` must exist, or, with `create`, is created; returns the ones created.

    The lab's broker does not create topics on first use (kafka/server.properties), and a command
    should not either: a typo in a topic name is one line naming the closest topic, not a new topic.
    """
    for name in names:
        check_name(name)
    own = isinstance(admin_or_bootstrap, str)
    admin = make_admin(admin_or_bootstrap) if own else admin_or_bootstrap
    try:
        existing = set(admin.list_topics())
        missing = [name for name in dict.fromkeys(names) if name not in existing]
        if missing and not create:
            raise missing_topic(missing[0], existing, CREATE_HINT.format(name=missing[0]))
        return [name for name in missing if _create_default(admin, name)]
    finally:
        if own:
            admin.close()

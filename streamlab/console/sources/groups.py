"""Consumer groups for the console: state, members and assignments, lag per partition."""

from __future__ import annotations

from kafka.errors import GroupIdNotFoundError, KafkaError

from kafka import TopicPartition

from ..errors import not_found
from ..figures import lag_rows, total_lag
from .kafka import KafkaClients, offsets_of

Committed = dict[str, dict[tuple[str, int], int | None]]


class GroupsSource:
    def __init__(self, clients: KafkaClients):
        self.clients = clients

    def group_lags(self, groups: list[str]) -> dict[str, int | None]:
        """Total lag of each named group (None: no commits yet, or no such group)."""
        if not groups:
            return {}
        with self.clients.use() as (admin, consumer):
            committed = committed_offsets(admin, groups)
            ends = end_offsets(consumer, committed)
        return {group: total_lag(lag_rows(committed.get(group, {}), ends)) for group in groups}

    def groups(self) -> list[dict]:
        """Every group: state, protocol, member count, topics and total lag."""
        with self.clients.use() as (admin, consumer):
            listed = sorted(admin.list_groups(), key=lambda g: g.get("group_id", ""))
            # Connect's workers form a group of protocol "connect": no offsets to lag, and member
            # metadata that is not a consumer's, so only consumer groups are described.
            consumers = [g["group_id"] for g in listed if g.get("protocol_type") in ("consumer", "")]
            described, _ = describe(admin, consumers)
            committed = committed_offsets(admin, consumers)
            ends = end_offsets(consumer, committed)
        rows = []
        for group in listed:
            gid, info = group["group_id"], described.get(group["group_id"], {})
            lags = lag_rows(committed.get(gid, {}), ends)
            rows.append({"group": gid, "state": info.get("group_state") or group.get("group_state") or "",
                         "protocol": group.get("protocol_type", ""), "members": len(info["members"]) if "members" in info else None,
                         "topics": sorted({row["topic"] for row in lags}), "lag": total_lag(lags)})
        return rows

    def group(self, group_id: str) -> dict:
        """One group: members (client, host, assigned partitions) and lag per partition."""
        with self.clients.use() as (admin, consumer):
            listed = {g["group_id"]: g for g in admin.list_groups()}
            if group_id not in listed:
                raise not_found(f"consumer group {group_id!r} does not exist")
            described, error = describe(admin, [group_id])
            info = described.get(group_id, {"error": error})
            committed = committed_offsets(admin, [group_id])
            ends = end_offsets(consumer, committed)
        lags = lag_rows(committed.get(group_id, {}), ends)
        return {"group": group_id, "state": info.get("group_state") or listed[group_id].get("group_state") or "",
                "protocol": listed[group_id].get("protocol_type", ""), "members": [member_view(m) for m in info.get("members") or []],
                "partitions": lags, "lag": total_lag(lags), "error": info.get("error")}


def describe(admin, group_ids: list[str]) -> tuple[dict, str | None]:
    """({group: description}, None), or ({}, why) when the answer cannot be decoded."""
    if not group_ids:
        return {}, None
    try:
        return admin.describe_groups(group_ids), None
    except KafkaError:
        raise  # the broker is gone: KafkaClients makes it a 503
    except Exception as exc:  # kafka-python decoding another protocol's member metadata (a Connect group)
        return {}, f"members could not be read: {type(exc).__name__}"


def committed_offsets(admin, groups: list[str]) -> Committed:
    """Committed offsets per group, asked one group at a time so a missing group hides no other's."""
    answers: Committed = {}
    for group in groups:
        try:
            offsets = admin.list_group_offsets({group: None}).get(group, {})
        except GroupIdNotFoundError:
            offsets = {}
        answers[group] = {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items()}
    return answers


def end_offsets(consumer, committed: Committed) -> dict[tuple[str, int], int]:
    keys = sorted({key for offsets in committed.values() for key in offsets})
    _, ends = offsets_of(consumer, [TopicPartition(t, p) for t, p in keys], begins=False)
    return {(tp.topic, tp.partition): end for tp, end in ends.items()}


def member_view(member: dict) -> dict:
    """A member as the page shows it: client id, host and assigned partitions (kafka-python decodes
    the classic protocol's assignment into {'assigned_partitions': [{'topic', 'partitions'}]})."""
    assignment = member.get("member_assignment")
    assigned = (assignment.get("assigned_partitions") or []) if isinstance(assignment, dict) else []
    return {
        "member": member.get("member_id", ""),
        "client": member.get("client_id", ""),
        "host": member.get("client_host", ""),
        "assigned": [{"topic": a.get("topic"), "partitions": list(a.get("partitions") or [])} for a in assigned if isinstance(a, dict)],
    }

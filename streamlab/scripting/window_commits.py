"""The window aggregator's commits: per input partition the offset a restart rebuilds every open
window from (`TumblingWindows.resume_offsets`), with the watermark in the commit's metadata."""

from __future__ import annotations

import json
import math
from typing import Any, Callable

from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from kafka import TopicPartition

from ..errors import LabError
from ..labs.windowing import TumblingWindows


def watermark_note(watermark: float) -> str:
    return json.dumps({"watermark": watermark if math.isfinite(watermark) else None})


def read_watermark(note: str | None) -> float:
    """The watermark a `watermark_note` carries; -inf for no note or another one."""
    try:
        value = json.loads(note or "{}").get("watermark")
    except (ValueError, AttributeError):
        return -math.inf
    return float(value) if isinstance(value, (int, float)) else -math.inf


def window_offsets(windows: TumblingWindows, topic: str) -> Callable[[Any], dict]:
    """What to commit after a batch: resume offsets and the watermark, for the consumer's partitions."""
    def offsets(consumer) -> dict[TopicPartition, OffsetAndMetadata]:
        positions = {tp.partition: consumer.position(tp) for tp in consumer.assignment()}
        note = watermark_note(windows.watermark)
        return {TopicPartition(topic, partition): OffsetAndMetadata(offset, note, -1)
                for partition, offset in windows.resume_offsets(positions).items()}
    return offsets


def committed_watermark(consumer, topic: str) -> float:
    """The watermark the group's last commit on `topic` recorded; -inf for a group that never committed."""
    try:
        partitions = [TopicPartition(topic, n) for n in sorted(consumer.partitions_for_topic(topic))]
        commits = [consumer.committed(tp, metadata=True) for tp in partitions]
    except KafkaError as exc:
        raise LabError(f"could not read the group's committed offsets: {exc}",
                       "is the broker still up? `streamlab status`") from None
    return max((read_watermark(commit.metadata) for commit in commits if commit is not None), default=-math.inf)

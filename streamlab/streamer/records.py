"""Turn a tailed line into the Kafka record the streamer sends: parsed, or dead-lettered with the reason.

Every record carries a deterministic id, `<source>:<epoch>:<byte offset>`, in its value and in
the `record-id` header: the same line gets the same id on every run, which is what lets a resumed
streamer recognise lines that reached Kafka before a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from ..labs.logparse import ParseError
from .sources import Source
from .tail import Line

RECORD_ID_HEADER = "record-id"


@dataclass(frozen=True)
class Outgoing:
    topic: str
    key: str
    value: dict[str, Any]
    record_id: str
    dead_letter: bool


def record_id(source_name: str, epoch: int, offset: int) -> str:
    return f"{source_name}:{epoch}:{offset}"


def split_record_id(value: str) -> tuple[str, int, int]:
    """(source name, epoch, offset); source names may contain ':' themselves."""
    name, epoch, offset = value.rsplit(":", 2)
    return name, int(epoch), int(offset)


def build_record(
    source: Source,
    line: Line,
    parse: Callable[[str, str], dict],
    topic: str,
    dlq_topic: str,
) -> Outgoing:
    rid = record_id(source.name, line.epoch, line.offset)
    try:
        value = parse(line.text, source.log_type)
    except ParseError as exc:
        return Outgoing(dlq_topic, source.name, dead_letter_value(source, line, str(exc), rid), rid, True)
    value.update(source_file=str(source.path), line_number=line.line_no, record_id=rid)
    return Outgoing(topic, source.name, value, rid, False)


def dead_letter_value(source: Source, line: Line, reason: str, rid: str) -> dict[str, Any]:
    return {
        "raw_line": line.text,
        "reason": reason,
        "source_file": str(source.path),
        "line_number": line.line_no,
        "byte_offset": line.offset,
        "log_type": source.log_type,
        "record_id": rid,
        "failed_at": datetime.now(timezone.utc).isoformat(),
    }

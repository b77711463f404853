"""Turn a tailed line into the Kafka record the streamer sends: parsed, or dead-lettered with the reason.

Every record carries a deterministic id, `<source>:<epoch>:<byte offset>`, in its value's
`record_id`: the same line gets the same id on every run, which is what lets a resumed streamer
recognise lines that reached Kafka before a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from typing import Any, Callable

from ..labs.logparse import ParseError, line_parser, parse_line
from .sources import Source
from .tail import Line

DEAD_LETTER = "(dead letter)"  # the statistics' name for a record sent to the dead-letter topic


@dataclass(slots=True)  # made for every line: not frozen, which costs 4x to build
class Outgoing:
    topic: str
    key: str
    value: dict[str, Any]
    record_id: str
    dead_letter: bool
    counted_as: str | None  # what the statistics count it under: its log_type, or DEAD_LETTER


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
    return record_builder(source, parse, topic, dlq_topic)(line, record_id(source.name, line.epoch, line.offset))


def record_builder(source: Source, parse: Callable[[str, str], dict], topic: str,
                   dlq_topic: str) -> Callable[[Line, str], Outgoing]:
    """`build(line, record id)` for one source: what stays the same for every line is worked out once."""
    name, log_type, path = source.name, source.log_type, str(source.path)
    parse_text = line_parser(log_type) if parse is parse_line else partial(_parse_as, parse, log_type)

    def build(line: Line, rid: str) -> Outgoing:
        try:
            value = parse_text(line.text)
        except ParseError as exc:
            return Outgoing(dlq_topic, name, dead_letter_value(source, line, str(exc), rid), rid, True, DEAD_LETTER)
        value["source_file"], value["line_number"], value["record_id"] = path, line.line_no, rid
        return Outgoing(topic, name, value, rid, False, value.get("log_type"))

    return build


def _parse_as(parse: Callable[[str, str], dict], log_type: str, text: str) -> dict:
    return parse(text, log_type)


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

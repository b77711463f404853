"""Kafka records as the message browser shows them, and its text and key filters. Pure."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

MAX_VALUE_BYTES = 64 * 1024  # larger values are cut for display (the topic keeps them whole)


def decode_text(raw: bytes | None) -> tuple[str | None, str]:
    """(text, encoding): UTF-8 as is, anything else as base64 so no byte is lost or misread."""
    if raw is None:
        return None, "none"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(raw).decode(), "base64"


def value_view(raw: bytes | None) -> dict:
    """{'format': json|text|binary|null, 'json': parsed, 'text': str, 'size': bytes, 'cut': bool}."""
    if raw is None:
        return {"format": "null", "json": None, "text": None, "size": 0, "cut": False}
    cut = len(raw) > MAX_VALUE_BYTES
    text, encoding = decode_text(raw[:MAX_VALUE_BYTES] if cut else raw)
    if encoding == "base64":
        return {"format": "binary", "json": None, "text": text, "size": len(raw), "cut": cut}
    if not cut:
        try:
            return {"format": "json", "json": json.loads(text), "text": None, "size": len(raw), "cut": False}
        except json.JSONDecodeError:
            pass
    return {"format": "text", "json": None, "text": text, "size": len(raw), "cut": cut}


def iso_time(timestamp_ms: int | None) -> str | None:
    if timestamp_ms is None or timestamp_ms < 0:
        return None
    return datetime.fromtimestamp(timestamp_ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def message_view(record: Any, redact: Callable[[str | None], str | None] = lambda text: text) -> dict:
    """One ConsumerRecord for the page. Header values pass `redact`: Connect's dead-letter headers
    quote exception messages, which could quote a config value."""
    key, _ = decode_text(record.key)
    headers = [[name, redact(decode_text(value)[0])] for name, value in (record.headers or [])]
    return {
        "partition": record.partition,
        "offset": record.offset,
        "timestamp": record.timestamp,
        "time": iso_time(record.timestamp),
        "key": key,
        "headers": headers,
        "value": value_view(record.value),
    }


def searchable_text(view: dict) -> str:
    value = view["value"]
    body = json.dumps(value["json"], ensure_ascii=False) if value["format"] == "json" else (value["text"] or "")
    headers = " ".join(f"{name} {text or ''}" for name, text in view["headers"])
    return f"{body} {headers}".lower()


def matches(view: dict, text: str | None = None, key: str | None = None) -> bool:
    """Case-insensitive substring filters: `key` on the key, `text` on the value and headers."""
    if key and key.lower() not in (view["key"] or "").lower():
        return False
    return not text or text.lower() in searchable_text(view)


def newest_first(views: Iterable[dict], limit: int) -> list[dict]:
    """The `limit` newest by timestamp, then offset (partitions interleave by time)."""
    ordered = sorted(views, key=lambda v: (v["timestamp"] if v["timestamp"] is not None else -1, v["offset"]), reverse=True)
    return ordered[:limit]


def read_windows(ends: dict, begins: dict, want: int) -> dict:
    """Where to start reading each partition to get about `want` newest records in total.

    The newest records overall can all sit in one partition, so each partition is read back the full
    `want` (bounded by what it holds); merging by time then keeps the `want` newest.
    """
    return {tp: max(begins.get(tp, 0), end - want) for tp, end in ends.items()}

"""Records as a table for the page: JSON Lines objects from S3, hits from OpenSearch.

Columns are the union of the records' keys in the order first seen, so the usual fields of a web
log (ip, timestamp, method, ...) come first in their natural order. Nested values stay JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

MAX_ROWS = 1000
MAX_CELL = 500  # characters; the whole value stays in the download


def cell(value: Any) -> Any:
    """A scalar as itself; an object or list as compact JSON, shortened for the page."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def records_table(records: Iterable[dict], leading: tuple[str, ...] = ()) -> dict:
    """{'columns': [...], 'rows': [[...]]} with `leading` columns first."""
    records = list(records)
    columns = list(leading)
    for record in records:
        columns.extend(key for key in record if key not in columns)
    return {"columns": columns, "rows": [[cell(record.get(column)) for column in columns] for record in records]}


def jsonl_table(data: bytes, max_rows: int = MAX_ROWS) -> dict:
    """An S3 object as a table: JSON Lines (or one JSON array, format.output.type=json).

    Lines that are not JSON objects are counted and numbered (1-based) rather than failing the whole
    object: a dead-letter record or a partial upload should not hide the good lines.
    """
    text = data.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            array = json.loads(stripped)
        except json.JSONDecodeError:
            array = None
        if isinstance(array, list):
            return _table_of(array, "json", max_rows)
    lines = [line for line in text.splitlines() if line.strip()]
    records, bad_lines = [], []
    for number, line in enumerate(lines, start=1):
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, dict):
            records.append(value)
        else:
            bad_lines.append(number)
    if lines and not records:
        return {"format": "text", "columns": [], "rows": [], "records": 0, "shown": 0, "bad_lines": bad_lines[:20]}
    table = _table_of(records, "jsonl", max_rows)
    table["bad_lines"] = bad_lines[:20]
    return table


def _table_of(items: list, kind: str, max_rows: int) -> dict:
    objects = [item if isinstance(item, dict) else {"value": item} for item in items]
    table = records_table(objects[:max_rows])
    return {"format": kind, **table, "records": len(objects), "shown": min(len(objects), max_rows), "bad_lines": []}


def hits_table(hits: list[dict]) -> dict:
    """OpenSearch hits: `_index` and `_id` first, then the documents' fields."""
    rows = [{"_index": hit.get("_index"), "_id": hit.get("_id"), **(hit.get("_source") or {})} for hit in hits]
    return records_table(rows, leading=("_index", "_id"))

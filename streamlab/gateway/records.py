"""From an HTTP request to a list of records: content type, size limit, JSON, batch shape."""

from __future__ import annotations

import json
from typing import Any, AsyncIterator

from .. import fastjson
from .errors import GatewayError

SHAPES = 'a JSON object (one record), an array of objects, or {"records": [objects]}'


def require_json(content_type: str | None) -> None:
    """415 unless the body is declared JSON (application/json or application/*+json)."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "application/json" or (media.startswith("application/") and media.endswith("+json")):
        return
    got = f"content type {media!r}" if media else "no content type"
    raise GatewayError(415, "unsupported_media_type", f"{got}; send the header 'content-type: application/json'")


def _too_large(limit: int) -> GatewayError:
    return GatewayError(413, "body_too_large", f"the body is over {limit} bytes (GATEWAY_MAX_BODY_BYTES); send smaller batches")


async def read_limited(content_length: str | None, chunks: AsyncIterator[bytes], limit: int) -> bytes:
    """The body, refused with 413 before parsing: at once by its Content-Length, else while it streams in."""
    if content_length and content_length.isdigit() and int(content_length) > limit:
        raise _too_large(limit)
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > limit:  # chunked uploads have no Content-Length: stop reading at the limit
            raise _too_large(limit)
    return bytes(body)


def _decode(body: bytes) -> Any:
    if not body.strip():
        raise GatewayError(400, "malformed_json", f"the body is empty; send {SHAPES}")
    try:
        return fastjson.loads(body)  # JSON over HTTP is UTF-8 (RFC 8259); no guessing
    except UnicodeDecodeError:
        raise GatewayError(400, "malformed_json", "the body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise GatewayError(400, "malformed_json", f"the body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None


def _as_batch(value: Any) -> tuple[list, bool]:
    """(records, is_batch): an array or an object whose only key is "records" (an array) is a batch."""
    if isinstance(value, list):
        return value, True
    if isinstance(value, dict) and set(value) == {"records"} and isinstance(value["records"], list):
        return value["records"], True
    if isinstance(value, dict):
        return [value], False
    raise GatewayError(400, "malformed_json", f"the body is a JSON {type(value).__name__}; send {SHAPES}")


def parse_records(body: bytes, max_batch: int) -> list[dict]:
    """The records in a body: 400 for bad JSON, an empty batch or a non-object record; 413 for too many."""
    records, is_batch = _as_batch(_decode(body))
    if not records:
        raise GatewayError(400, "empty_batch", "the batch holds no records")
    if len(records) > max_batch:
        raise GatewayError(413, "batch_too_large", f"{len(records)} records in one batch; at most {max_batch} (GATEWAY_MAX_BATCH)")
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            kind = "null" if record is None else type(record).__name__
            raise GatewayError(400, "malformed_json", f"record {index} is a JSON {kind}; every record must be a JSON object")
    return records


def record_keys(records: list[dict], field: str | None) -> list[str | None]:
    """Kafka keys from the `partition_key` field (the course's PartitionKey); None = spread over partitions."""
    if not field:
        return [None] * len(records)
    missing = [i for i, record in enumerate(records) if record.get(field) is None]
    if missing:
        raise GatewayError(400, "missing_partition_key", f"record {missing[0]} has no field {field!r} (partition_key)")
    return [str(record[field]) for record in records]

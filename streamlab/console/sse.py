"""Server-sent events: the wire format, and a stream that pings while idle so proxies keep it open."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import StreamingResponse

PING = b": ping\n\n"
PING_EVERY_S = 15.0  # an idle stream sends a comment this often


def event(name: str, data: Any) -> bytes:
    """One SSE event; JSON data on one line (json.dumps never emits a newline without indent)."""
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n".encode()


def stream(events: AsyncIterator[bytes]) -> StreamingResponse:
    """A text/event-stream response; no buffering by proxies, no caching."""
    return StreamingResponse(events, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

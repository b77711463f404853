"""Topics: partitions, end offsets and rate; the message browser (newest first, filters, live stream)."""

from __future__ import annotations

import asyncio

import anyio
from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from .. import sse
from ..errors import ConsoleError
from .base import Page, PageContext

TAIL_EVERY_S = 1.0


def router(ctx: PageContext) -> APIRouter:
    api = APIRouter(prefix=PAGE.prefix)

    @api.get("")
    def topics(internal: bool = False) -> dict:
        rates = (ctx.sampler.latest or {}).get("topics", {})
        rows = [{**row, "rate": (rates.get(row["name"]) or {}).get("rate")}
                for row in ctx.sources.topics.topics() if internal or not row["internal"]]
        return {"topics": rows}

    @api.get("/{name}")
    def topic(name: str) -> dict:
        return ctx.sources.topics.topic(name)

    @api.get("/{name}/messages")
    def messages(name: str, limit: int = Query(50, ge=1, le=500), text: str | None = None,
                 key: str | None = None, partition: int | None = Query(None, ge=0)) -> dict:
        return ctx.sources.messages.newest(name, limit, text or None, key or None, partition)

    @api.get("/{name}/tail")
    async def tail(name: str):
        """New messages as they arrive (SSE `messages` events); a bounded number of streams at once."""
        if not ctx.tail_slots.acquire(blocking=False):
            raise ConsoleError(429, "too_many_streams", "too many message streams are open; close another browser tab")
        try:
            stream = await run_in_threadpool(ctx.sources.messages.tail, name)
        except Exception:
            ctx.tail_slots.release()
            raise
        return sse.stream(_follow(ctx, stream))

    return api


async def _follow(ctx: PageContext, stream):
    try:
        yield sse.event("ready", {"topic": True})
        idle = 0.0
        while not ctx.closing.is_set():
            step = await run_in_threadpool(stream.step)
            if step["messages"] or step["skipped"]:
                yield sse.event("messages", step)
                idle = 0.0
            else:
                idle += TAIL_EVERY_S
                if idle >= sse.PING_EVERY_S:
                    yield sse.PING
                    idle = 0.0
            await asyncio.sleep(TAIL_EVERY_S)
    finally:
        ctx.tail_slots.release()
        # The page went away, so this task is being cancelled: shield the close, or it would be
        # cancelled too and leave the stream's Kafka consumer open.
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(stream.close)


PAGE = Page("topics", "Topics", "partitions, offsets and rates; browse and filter messages as they arrive", router)

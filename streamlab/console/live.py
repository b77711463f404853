"""`/api/live`: the sampler's samples as server-sent events, for every open page.

The first event (`hello`) carries the flow, the history for the sparklines and the latest sample; then
one `sample` per sampler tick, and `flow` when the active pipeline changes (`make switch-*`).
"""

from __future__ import annotations

from fastapi import APIRouter

from . import sse


def live_router(sampler, watch, closing) -> APIRouter:
    api = APIRouter()

    @api.get("/api/live")
    async def live():
        return sse.stream(_samples(sampler, watch, closing))

    return api


async def _samples(sampler, watch, closing):
    with sampler.watching():
        yield sse.event("hello", {"flow": watch.flow, "history": sampler.history.as_dict(), "sample": sampler.latest})
        version, flow_version = sampler.version, watch.flow_version
        while not closing.is_set():
            if not await sampler.next_sample(version, timeout_s=sse.PING_EVERY_S):
                yield sse.PING  # nothing new for 15 s: keep the connection (and any proxy) awake
                continue
            version = sampler.version
            if watch.flow_version != flow_version:
                flow_version = watch.flow_version
                yield sse.event("flow", watch.flow)
            yield sse.event("sample", sampler.latest)

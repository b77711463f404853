"""Overview: every service's health, and the active pipeline as a live flow (figures arrive by /api/live)."""

from __future__ import annotations

from fastapi import APIRouter

from .base import Page, PageContext


def router(ctx: PageContext) -> APIRouter:
    api = APIRouter(prefix=PAGE.prefix)

    @api.get("")
    def overview() -> dict:
        """The latest sample without streaming (scripts and tests; the page uses /api/live)."""
        return {"flow": ctx.watch.flow, "sample": ctx.sampler.latest, "history": ctx.sampler.history.as_dict(),
                "lab": ctx.sources.lab.info()}

    return api


PAGE = Page("overview", "Overview", "the services, and the fan-out pipeline live: producer → topic → S3 and OpenSearch", router)

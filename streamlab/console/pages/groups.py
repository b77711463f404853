"""Consumer groups: state, members and their partitions, lag per partition."""

from __future__ import annotations

from fastapi import APIRouter

from .base import Page, PageContext


def router(ctx: PageContext) -> APIRouter:
    api = APIRouter(prefix=PAGE.prefix)

    @api.get("")
    def groups() -> dict:
        return {"groups": ctx.sources.groups.groups()}

    @api.get("/{group_id}")
    def group(group_id: str) -> dict:
        return ctx.sources.groups.group(group_id)

    return api


PAGE = Page("groups", "Consumer groups", "who reads what, and how far behind each partition is", router)

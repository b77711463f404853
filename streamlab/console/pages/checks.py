"""The lab checks (`streamlab check`), live: every course lab's checklist and the fix for each miss."""

from __future__ import annotations

from fastapi import APIRouter

from .base import Page, PageContext


def router(ctx: PageContext) -> APIRouter:
    api = APIRouter(prefix=PAGE.prefix)

    @api.get("")
    def checks() -> dict:
        labs = ctx.sources.checks.labs()
        return {"done": all(lab["done"] for lab in labs), "labs": labs}

    return api


PAGE = Page("checks", "Checks", "each course lab graded by what you built, with the fix for every miss", router)

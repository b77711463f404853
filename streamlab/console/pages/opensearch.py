"""OpenSearch: indices with their document counts, and a query-string search with the hits as a table."""

from __future__ import annotations

from fastapi import APIRouter, Query

from .base import Page, PageContext


def router(ctx: PageContext) -> APIRouter:
    api = APIRouter(prefix=PAGE.prefix)

    @api.get("/indices")
    def indices(hidden: bool = False) -> dict:
        return {"indices": ctx.sources.search.indices(hidden)}

    @api.get("/search")
    def search(index: str = Query(..., min_length=1, max_length=255), q: str = Query("", max_length=2000),
               size: int = Query(50, ge=1, le=200)) -> dict:
        return ctx.sources.search.search(index, q, size)

    return api


PAGE = Page("opensearch", "OpenSearch", "indices and documents; search them with the query-string syntax", router)

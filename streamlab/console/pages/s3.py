"""S3: the bucket as folders (year=/month=/day=/hour=), an object as a table, and its download."""

from __future__ import annotations

from fastapi import APIRouter, Query
from starlette.responses import StreamingResponse

from ..s3_tree import download_name
from .base import Page, PageContext


def router(ctx: PageContext) -> APIRouter:
    api = APIRouter(prefix=PAGE.prefix)

    @api.get("/browse")
    def browse(prefix: str = "", token: str | None = None) -> dict:
        return ctx.sources.s3.browse(prefix, token)

    @api.get("/object")
    def show(key: str = Query(..., min_length=1)) -> dict:
        return ctx.sources.s3.show(key)

    @api.get("/download")
    def download(key: str = Query(..., min_length=1)) -> StreamingResponse:
        chunks, size = ctx.sources.s3.download(key)
        headers = {"Content-Disposition": f'attachment; filename="{download_name(key)}"', "Content-Length": str(size)}
        return StreamingResponse(chunks, media_type="application/octet-stream", headers=headers)

    return api


PAGE = Page("s3", "S3", "what the sinks wrote: browse by hour folder, open an object as a table, download it", router)

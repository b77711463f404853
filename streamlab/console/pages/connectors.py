"""Connectors: connectors and tasks with their state, the actions, and registering a lab connector file."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Body, Depends

from .base import Page, PageContext


def router(ctx: PageContext) -> APIRouter:
    api = APIRouter(prefix=PAGE.prefix)
    changes = [Depends(ctx.guard)]

    @api.get("")
    def connectors() -> dict:
        return {"connectors": ctx.sources.connect.connectors()}

    @api.get("/files")
    def files() -> dict:
        return {"files": ctx.sources.connect.files()}

    @api.post("/register", dependencies=changes)
    def register(file: str = Body(..., embed=True, max_length=200)) -> dict:
        return ctx.sources.connect.register(file)

    @api.post("/{name}/{action}", dependencies=changes)
    def act(name: str, action: Literal["pause", "resume", "restart"]) -> dict:
        return ctx.sources.connect.act(name, action)

    @api.delete("/{name}", dependencies=changes)
    def delete(name: str) -> dict:
        return ctx.sources.connect.act(name, "delete")

    return api


PAGE = Page("connectors", "Connectors", "Kafka Connect: state, failed tasks' traces, pause, resume, restart, delete, register", router)

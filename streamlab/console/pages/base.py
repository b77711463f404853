"""What a page is: an id (its hash route, its script static/pages/<id>.js, its API prefix /api/<id>),
a title for the navigation, and a function that builds its API router from the shared context."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter


@dataclass
class PageContext:
    """What every page's routes may use; built once by create_app."""

    sources: Any  # sources.Sources (or fakes with the same methods)
    sampler: Any  # sampler.Sampler: the live figures every page shares
    watch: Any  # watch.LabWatch: the active flow
    guard: Callable  # FastAPI dependency that every POST and DELETE route declares
    closing: threading.Event = field(default_factory=threading.Event)  # set on shutdown: streams end
    tail_slots: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(8))


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    about: str  # one line under the title
    router: Callable[[PageContext], APIRouter]

    @property
    def script(self) -> str:
        return f"pages/{self.id}.js"

    @property
    def prefix(self) -> str:
        return f"/api/{self.id}"

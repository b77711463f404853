"""The console's FastAPI app: the page, its static files, /api/live, and one router per page.

Dependencies are passed in, never built here: `sources` wraps the lab's clients (built at the root
from the Lab, or fakes in tests), `config` says where the console listens, `token` is CONSOLE_TOKEN.
"""

from __future__ import annotations

import asyncio
import html
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders

from .. import __version__
from .access import (
    ACTION_HEADER,
    MODE_TEXT,
    TOKEN_HEADER,
    access_mode,
    change_guard,
    host_allowed,
)
from .config import ConsoleConfig
from .errors import install_error_handlers
from .live import live_router
from .pages import PAGES, PageContext
from .sampler import Sampler
from .watch import LabWatch

STATIC = Path(__file__).parent / "static"
# Everything the page loads comes from the console itself: no CDN (a classroom may be offline), and
# no inline script, so text from a topic can never run as code in the page.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(sources, config: ConsoleConfig, token: str | None = None, start_sampler: bool = True) -> FastAPI:
    """The console over `sources`; `start_sampler=False` leaves the sampler to the caller (tests tick it)."""
    mode = access_mode(config.bind, token)
    watch = LabWatch(sources, config.bucket, config.topic, config.tick_s)
    sampler = Sampler(watch, config.history_s)
    closing = threading.Event()  # set by the server on shutdown: live streams end, so shutdown is quick
    context = PageContext(sources, sampler, watch, change_guard(mode, token), closing)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if start_sampler:
            sampler.start(asyncio.get_running_loop())
        yield
        sampler.stop()
        await run_in_threadpool(sources.close)

    app = FastAPI(title="streamlab console", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.sampler, app.state.watch, app.state.access, app.state.closing = sampler, watch, mode, closing
    install_error_handlers(app)
    app.add_middleware(ConsoleHeaders, mode=mode)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route("/", _index(), methods=["GET"], include_in_schema=False)
    app.add_api_route("/api/health", lambda: {"status": "ok", "access": mode}, methods=["GET"])
    app.add_api_route("/api/meta", _meta(sources, config, mode), methods=["GET"])
    app.include_router(live_router(sampler, watch, closing))
    for page in PAGES:
        app.include_router(page.router(context))
    return app


class ConsoleHeaders:
    """ASGI middleware: refuse foreign Host names on loopback, add the security headers to every answer.
    (Plain ASGI rather than @app.middleware: server-sent event streams pass through untouched.)"""

    def __init__(self, app, mode: str):
        self.app, self.mode = app, mode

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if not host_allowed(self.mode, Headers(scope=scope).get("host")):
            refusal = JSONResponse({"error": "wrong_host", "detail": "open the console at http://127.0.0.1 or http://localhost"},
                                   status_code=403)
            return await refusal(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _meta(sources, config: ConsoleConfig, mode: str):
    def meta() -> dict:
        return {
            "version": __version__,
            "pages": [{"id": page.id, "title": page.title, "about": page.about} for page in PAGES],
            "access": {"mode": mode, "text": MODE_TEXT[mode], "token_header": TOKEN_HEADER, "action_header": ACTION_HEADER},
            "lab": sources.lab.info(),
            "runtime": config.runtime,
        }

    return meta


def index_html() -> str:
    """static/index.html with the navigation and one script per page, from PAGES."""
    nav = "\n".join(f'      <a href="#/{page.id}" data-page="{page.id}">{html.escape(page.title)}</a>' for page in PAGES)
    scripts = "\n".join(f'  <script src="/static/{page.script}"></script>' for page in PAGES)
    template = (STATIC / "index.html").read_text()
    return template.replace("<!--NAV-->", nav.strip()).replace("<!--PAGE SCRIPTS-->", scripts.strip())


def _index():
    page = index_html()  # built once: PAGES do not change while the console runs

    def index() -> HTMLResponse:
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    return index

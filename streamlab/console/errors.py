"""Every error the console answers is JSON `{"error": code, "detail": one line}`: 4xx for the caller's
mistakes, 503 when a service of the lab does not answer, and never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..errors import LabError

log = logging.getLogger("streamlab.console")
DETAIL_LIMIT = 300  # characters: a banner on the page, not a log


class ConsoleError(Exception):
    """A problem with its HTTP status, a stable code and a one-line detail."""

    def __init__(self, status: int, error: str, detail: str):
        super().__init__(detail)
        self.status, self.error, self.detail = status, error, one_line(detail)


def one_line(text: str, limit: int = DETAIL_LIMIT) -> str:
    """The first non-empty line of `text`, shortened to `limit` characters."""
    first = next((line.strip() for line in str(text).splitlines() if line.strip()), "")
    return first if len(first) <= limit else first[: limit - 1] + "…"


def unavailable(what: str, address: str, hint: str = "start the lab with `make up`") -> ConsoleError:
    return ConsoleError(503, "unavailable", f"{what} is not reachable at {address}: {hint}")


def not_found(what: str) -> ConsoleError:
    return ConsoleError(404, "not_found", what)


def bad_request(detail: str) -> ConsoleError:
    return ConsoleError(400, "bad_request", detail)


def from_lab_error(exc: LabError) -> ConsoleError:
    """A client's one-line LabError as an HTTP answer: down is 503, missing 404, bad input 400, else 502."""
    text = str(exc)
    lowered = text.lower()
    if "not reachable" in lowered or "did not answer" in lowered:
        return ConsoleError(503, "unavailable", text)
    if lowered.startswith(("not found", "no object")) or "does not exist" in lowered:
        return ConsoleError(404, "not_found", text)
    if exc.exit_code == 2:
        return ConsoleError(400, "bad_request", text)
    return ConsoleError(502, "upstream_refused", text)


def _answer(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": error, "detail": one_line(detail)}, status_code=status)


async def _console_error(request: Request, exc: ConsoleError) -> JSONResponse:
    return _answer(exc.status, exc.error, exc.detail)


async def _lab_error(request: Request, exc: LabError) -> JSONResponse:
    mapped = from_lab_error(exc)
    return _answer(mapped.status, mapped.error, mapped.detail)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    if exc.status_code == 404:
        return _answer(404, "not_found", f"no route {request.method} {request.url.path}")
    if exc.status_code == 405:
        return _answer(405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}")
    return _answer(exc.status_code, "http_error", str(exc.detail))


async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()))
    return _answer(400, "bad_request", f"{where}: {first.get('msg', 'invalid')}")


async def _bug(request: Request, exc: Exception) -> JSONResponse:
    # Only a bug in the console gets here; the log keeps the traceback, the page gets one line.
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return _answer(500, "internal_error", f"{type(exc).__name__}; see the console's log")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ConsoleError, _console_error)
    app.add_exception_handler(LabError, _lab_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(Exception, _bug)

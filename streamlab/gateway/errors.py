"""Every error the gateway answers is JSON `{"error": code, "detail": one line}` with its status."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException


class GatewayError(Exception):
    """A client or upstream problem with its HTTP status, a stable code and a one-line detail."""

    def __init__(self, status: int, error: str, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.error, self.detail, self.headers = status, error, detail, headers


def kafka_unavailable(bootstrap: str) -> GatewayError:
    """503 naming the broker address tried; clients may retry after a few seconds."""
    detail = f"Kafka is not reachable at {bootstrap}: start the lab with `make up`, or set KAFKA_BOOTSTRAP"
    return GatewayError(503, "kafka_unavailable", detail, {"Retry-After": "5"})


def _answer(status: int, error: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status, headers=headers)


async def _gateway_error(request: Request, exc: GatewayError) -> JSONResponse:
    return _answer(exc.status, exc.error, exc.detail, exc.headers)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    # Starlette's own answers (no such route, wrong method) in the same shape as ours.
    if exc.status_code == 404:
        return _answer(404, "not_found", f"no route {request.method} {request.url.path}; send POST /v2/{{stream}}")
    if exc.status_code == 405:
        return _answer(405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}", exc.headers)
    return _answer(exc.status_code, "http_error", str(exc.detail), exc.headers)


async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()))
    return _answer(400, "invalid_request", f"{where}: {first.get('msg', 'invalid')}")


async def _bug(request: Request, exc: Exception) -> JSONResponse:
    # Only a bug in the gateway gets here: client input has its own 4xx above.
    return _answer(500, "internal_error", f"{type(exc).__name__}; see the gateway's log")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GatewayError, _gateway_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(Exception, _bug)

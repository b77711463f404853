"""The FastAPI app: `POST /v2/{stream}` and `GET /healthz`; dependencies are passed in, never built here."""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager
from typing import Callable, Optional, Protocol

from fastapi import FastAPI, Path, Query, Request, Response, Security
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from ..fastjson import dumps
from .auth import HEADER, api_key_header, require_key
from .config import GatewayConfig
from .errors import install_error_handlers
from .records import parse_records, read_limited, record_keys, require_json
from .schemas import (
    POST_ERRORS,
    REQUEST_BODY,
    Accepted,
    ErrorBody,
    Health,
)
from .streams import check_stream_name

DESCRIPTION = (
    "The course's API Gateway `POST /v2/{stream-name}` in front of Kafka: the JSON body goes into the "
    "topic named by the path, and the answer says where each record landed once the broker acknowledged "
    "it (acks=all). Errors are `{\"error\", \"detail\"}` JSON."
)


class Publisher(Protocol):
    async def publish(self, topic: str, records: list[dict], keys: list[str | None]) -> list[tuple[int, int]]: ...
    def close(self) -> None: ...


class Catalog(Protocol):
    def known_now(self, stream: str) -> bool: ...
    def require(self, stream: str) -> None: ...
    def refresh(self) -> None: ...


def create_app(config: GatewayConfig, publisher: Publisher, catalog: Catalog, bootstrap: str) -> FastAPI:
    """The gateway app over a publisher (Kafka writes) and a catalog (which streams exist)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # What exists at start (FastAPI, pydantic, the routes) lives as long as the process. Out of
        # the collector's sight, its full collections no longer stall every request in flight for
        # tens of milliseconds: at 32 connections the p99 went from ~90 ms to ~27 ms.
        gc.collect()
        gc.freeze()
        yield
        await run_in_threadpool(publisher.close)  # flush what was accepted before exiting

    app = FastAPI(title="streamlab HTTP ingestion gateway", version="2", description=DESCRIPTION, lifespan=lifespan)
    install_error_handlers(app)
    put_records, serve_put = _put_records(config, publisher, catalog)
    app.add_api_route("/v2/{stream}", put_records, methods=["POST"],
                      response_model=Accepted, responses=POST_ERRORS, openapi_extra=REQUEST_BODY,
                      summary="Put one record or a batch into a stream", tags=["ingest"], operation_id="putRecords")
    # The same endpoint as a plain Starlette route, first in line: it serves every POST, while the
    # route above (never reached) gives the spec its parameters, API key and answers. FastAPI's
    # per-request parameter and response-model machinery cost a third of a single-record POST.
    app.router.routes.insert(0, Route("/v2/{stream}", serve_put, methods=["POST"]))
    app.add_api_route("/healthz", _health(catalog, bootstrap), methods=["GET"], response_model=Health,
                      responses={503: {"model": ErrorBody, "description": "Kafka is not reachable"}},
                      summary="Is the gateway up and Kafka reachable", tags=["health"], operation_id="health")
    _drop_validation_answers(app)
    return app


def _drop_validation_answers(app: FastAPI) -> None:
    """FastAPI documents a 422 for every route with parameters; ours answer 400 (see errors.py)."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            spec = generate()  # caches itself in app.openapi_schema; trimmed in place
            for operations in spec["paths"].values():
                for operation in operations.values():
                    operation.get("responses", {}).pop("422", None)
            for name in ("HTTPValidationError", "ValidationError"):
                spec.get("components", {}).get("schemas", {}).pop(name, None)
        return app.openapi_schema

    app.openapi = openapi


def _put_records(config: GatewayConfig, publisher: Publisher, catalog: Catalog) -> tuple[Callable, Callable]:
    """(the endpoint FastAPI documents, the one that serves it): both run `accept`."""

    async def accept(request: Request, stream: str, partition_key: str | None, api_key: str | None) -> Response:
        # Cheap checks first: nothing is read or parsed for a caller that will be refused anyway.
        require_key(config.api_key, api_key)
        check_stream_name(stream)
        require_json(request.headers.get("content-type"))
        body = await read_limited(request.headers.get("content-length"), request.stream(), config.max_body_bytes)
        records = parse_records(body, config.max_batch)
        keys = record_keys(records, partition_key)
        if not catalog.known_now(stream):
            await run_in_threadpool(catalog.require, stream)  # asks the broker (blocking), at most once a second
        positions = await publisher.publish(stream, records, keys)  # awaits acks without holding a thread
        # What Accepted describes, written directly: the positions are ints the broker gave.
        answer = {"stream": stream, "records": [{"partition": p, "offset": o} for p, o in positions]}
        return Response(dumps(answer), media_type="application/json")

    async def put_records(
        request: Request,
        stream: str = Path(description="the Kafka topic (the course's Kinesis stream name), e.g. orders"),
        partition_key: Optional[str] = Query(None, description="a record field whose value becomes the Kafka key (same key, same partition, in order)"),
        api_key: Optional[str] = Security(api_key_header),
    ) -> Accepted:
        return await accept(request, stream, partition_key, api_key)

    async def serve_put(request: Request) -> Response:
        # As FastAPI reads them for put_records: the last partition_key, an empty API key as none.
        return await accept(request, request.path_params["stream"], request.query_params.get("partition_key"),
                            request.headers.get(HEADER) or None)

    return put_records, serve_put


def _health(catalog: Catalog, bootstrap: str) -> Callable:
    async def healthz() -> Health:
        await run_in_threadpool(catalog.refresh)  # 503 (JSON) when the broker does not answer
        return Health(status="ok", kafka=bootstrap)

    return healthz

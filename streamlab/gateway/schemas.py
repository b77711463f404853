"""What the gateway answers and accepts, as it appears in the OpenAPI spec."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RecordPosition(BaseModel):
    partition: int = Field(description="the partition the record was written to")
    offset: int = Field(description="its offset in that partition")


class Accepted(BaseModel):
    stream: str = Field(description="the topic the records went into")
    records: list[RecordPosition] = Field(description="one entry per record, in the order sent")


class ErrorBody(BaseModel):
    error: str = Field(description="a stable code, e.g. unknown_stream", examples=["unknown_stream"])
    detail: str = Field(description="one line: what is wrong and what to do")


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    kafka: str = Field(description="the broker address the gateway writes to")


def _error(description: str) -> dict:
    return {"model": ErrorBody, "description": description}


POST_ERRORS = {
    400: _error("malformed JSON, empty batch, a record that is not an object, invalid stream name"),
    401: _error("missing or wrong x-api-key (only when GATEWAY_API_KEY is set)"),
    404: _error("the stream (topic) does not exist, or is internal"),
    413: _error("body over GATEWAY_MAX_BODY_BYTES, batch over GATEWAY_MAX_BATCH, or a record over 1 MiB"),
    415: _error("the content type is not JSON"),
    503: _error("Kafka is not reachable; retry later"),
}

_RECORD = {"type": "object", "additionalProperties": True}
REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "description": 'One record (an object), or a batch: an array of objects or {"records": [objects]}.',
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {**_RECORD, "title": "one record"},
                        {"type": "array", "items": _RECORD, "minItems": 1, "title": "batch"},
                        {
                            "type": "object",
                            "title": "batch object",
                            "required": ["records"],
                            "properties": {"records": {"type": "array", "items": _RECORD, "minItems": 1}},
                            "additionalProperties": False,
                        },
                    ]
                },
                "examples": {
                    "one": {"value": {"order_id": "o-1001", "item": "croissant", "qty": 2}},
                    "batch": {"value": {"records": [{"page": "/", "user": "u1"}, {"page": "/cart", "user": "u1"}]}},
                },
            }
        },
    }
}

"""The lab's HTTP ingestion gateway (seed 004): the course's API Gateway + Firehose, locally.

`POST /v2/{stream}` puts a JSON record (or a batch) into the Kafka topic `stream` and answers with
where each record landed; connectors/s3-sink-streams.json then writes every stream to its own S3
prefix by hour. Modules: config (settings), errors (the JSON error answers), auth (API key),
records (body to records), streams (which topics are streams), publisher (Kafka writes),
schemas (response models), app (the routes), spec (OpenAPI export), server (uvicorn).
"""

from .app import create_app

__all__ = ["create_app"]

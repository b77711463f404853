"""S3 access for the lab: the local s3proxy or real AWS S3, from the same settings."""

from __future__ import annotations

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from .config import Settings
from .errors import LabError


def s3_client(settings: Settings):
    """A boto3 S3 client; path-style addressing for a local endpoint (s3proxy has no virtual hosts)."""
    options = dict(region_name=settings.AWS_REGION, config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}))
    if settings.S3_ENDPOINT:
        options["endpoint_url"] = settings.S3_ENDPOINT
    if settings.AWS_ACCESS_KEY_ID:
        options.update(aws_access_key_id=settings.AWS_ACCESS_KEY_ID, aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY)
    return boto3.client("s3", **options)


def where(settings: Settings) -> str:
    return settings.S3_ENDPOINT or f"AWS S3 ({settings.AWS_REGION})"


def ensure_buckets(settings: Settings, buckets: list[str]) -> list[str]:
    """Create missing buckets in the local store; returns those created. Real AWS buckets must exist."""
    client = s3_client(settings)
    created = []
    try:
        existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
        for bucket in buckets:
            if bucket not in existing:
                client.create_bucket(Bucket=bucket)
                created.append(bucket)
    except EndpointConnectionError:
        raise LabError(f"S3 is not reachable at {where(settings)}", "start the lab with `make up`") from None
    except (ClientError, BotoCoreError) as exc:
        raise LabError(f"S3 at {where(settings)} refused: {exc}") from None
    return created

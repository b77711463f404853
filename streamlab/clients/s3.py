"""S3 access for the lab: the local s3proxy or real AWS S3, from the same settings."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, ReadTimeoutError

from ..config import Settings
from ..errors import LabError
from .waits import bounded_wait


def s3_client(settings: Settings, connect_timeout: float | None = None, read_timeout: float | None = None,
              attempts: int = 3):
    """A boto3 S3 client; path-style addressing for a local endpoint (s3proxy has no virtual hosts).

    Bounded waits (boto3's own are 60 s a try): a store that accepts connections but never answers
    ends in one line, not minutes later. Default: 10 s to connect, 30 s to read.
    """
    import boto3  # imported when used: 0.14 s that every `streamlab` command paid at start
    from botocore.config import Config

    config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": attempts},
                    connect_timeout=bounded_wait(10) if connect_timeout is None else connect_timeout,
                    read_timeout=bounded_wait(30) if read_timeout is None else read_timeout)
    options = dict(region_name=settings.AWS_REGION, config=config)
    if settings.S3_ENDPOINT:
        options["endpoint_url"] = settings.S3_ENDPOINT
    if settings.AWS_ACCESS_KEY_ID:
        options.update(aws_access_key_id=settings.AWS_ACCESS_KEY_ID, aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY)
    return boto3.client("s3", **options)


def s3_location(settings: Settings) -> str:
    return settings.S3_ENDPOINT or f"AWS S3 ({settings.AWS_REGION})"


def ensure_buckets(settings: Settings, buckets: list[str]) -> list[str]:
    """Create missing buckets in the local store; returns those created. Real AWS buckets must exist."""
    client = s3_client(settings)
    created = []
    with s3_errors(settings, "creating the buckets"):
        existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
        for bucket in buckets:
            if bucket not in existing:
                client.create_bucket(Bucket=bucket)
                created.append(bucket)
    return created


def object_body(client, bucket: str, key: str) -> bytes:
    """An object's bytes, gunzipped when the key ends in .gz."""
    data = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    return gzip.decompress(data) if key.endswith(".gz") else data


def object_version(item: Mapping) -> str:
    """What tells one upload of a key from the next in a listing: its ETag, and its size."""
    return f"{item.get('ETag', '')}/{item.get('Size', '')}"


class ObjectVersions:
    """The version of each object last taken in, so that an object is read again only once it changed.

    The lab's S3 sink uploads a partition's open object at each offset flush and overwrites it as it
    fills (same key, new ETag, more records): an object read once may hold more records later. Its
    records are then counted again by key, replacing what that key held, never added to it.
    """

    def __init__(self) -> None:
        self.known: dict[str, str] = {}  # key -> version

    def changed(self, listing: Mapping[str, str]) -> dict[str, str]:
        """Key -> version of the listed objects not taken in yet, or changed since (in listing order)."""
        return {key: version for key, version in listing.items() if self.known.get(key) != version}

    def note(self, key: str, version: str) -> None:
        self.known[key] = version

    def forget(self, keep: Callable[[str], bool]) -> list[str]:
        """Drops the keys that will not be listed again; returns them."""
        gone = [key for key in self.known if not keep(key)]
        for key in gone:
            del self.known[key]
        return gone


def before(key: str | None) -> str | None:
    """A StartAfter that lists `key` itself again (S3 lists the keys after it)."""
    return key[:-1] if key else None


def page_options(prefix: str, start_after: str | None = None, token: str | None = None,
                 delimiter: str | None = None) -> dict:
    """list_objects_v2's arguments for one page (up to 1000 keys, in key order); unset ones left out."""
    optional = (("StartAfter", start_after), ("ContinuationToken", token), ("Delimiter", delimiter))
    return {"Prefix": prefix, "MaxKeys": 1000, **{name: value for name, value in optional if value}}


def listed_versions(list_page: Callable[[str, str | None, str | None], Mapping], prefix: str,
                    start_after: str | None = None) -> dict[str, str]:
    """Key -> version of every object under `prefix` (after `start_after`), in key order, page by page."""
    listing: dict[str, str] = {}
    token = None
    while True:
        page = list_page(prefix, start_after, token)
        listing.update((item["Key"], object_version(item)) for item in page.get("Contents", []))
        token = page.get("NextContinuationToken") if page.get("IsTruncated") else None
        if not token:
            return listing


def partition_prefixes(folder: str, topic: str, partitions: int) -> list[str]:
    """Where each partition's objects are named in an hour folder of the lab's S3 sink."""
    return [f"{folder}{topic}+{partition}+" for partition in range(max(1, partitions))]


class PartitionLister:
    """Lists the lab's S3 sink objects (`<topic>+<partition>+<zero-padded start offset>`) of each
    partition from a recent key on, so a poll costs about a page a partition however many objects a
    folder holds. The sink writes a partition's objects in order, each final before the next, so
    only recent ones can still change. A listing starts at the newest key of the listing *before*
    the last one: a store may leave out of a listing an object written while it listed (s3proxy reads
    a directory, which gives no order) even when a newer one is in it; the next listing finds it.

    `list_page(prefix, start_after, token)` is one list_objects_v2 call returning its answer.
    """

    def __init__(self, list_page: Callable[[str, str | None, str | None], Mapping]):
        self.list_page = list_page
        self.marks: dict[str, str] = {}  # partition prefix -> where its next listing starts
        self.newest: dict[str, str] = {}  # partition prefix -> the newest key of its last listing

    def listing(self, prefixes: list[str]) -> dict[str, str]:
        """Key -> version of each prefix's recent objects, in key order."""
        listing: dict[str, str] = {}
        newest = dict(self.newest)
        for prefix in prefixes:
            found = listed_versions(self.list_page, prefix, before(self.marks.get(prefix)))
            if found:
                newest[prefix] = max(newest.get(prefix, ""), next(reversed(found)))
            listing.update(found)
        # Only once every prefix was listed: a listing that fails half way must not move any mark.
        self.marks.update((prefix, self.newest[prefix]) for prefix in prefixes if prefix in self.newest)
        self.newest = newest
        return listing


# Objects read side by side when records are counted (GETs are I/O; boto3 pools 10 connections).
COUNT_WORKERS = 8


def list_objects(
    settings: Settings,
    prefix: str = "",
    count_records: bool = True,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[tuple[str, int, int | None]]:
    """(key, size, records) for every object under `prefix`; records = JSON lines in the object.

    The listing itself is one request per 1,000 keys. Counting records reads every object (one GET
    each, COUNT_WORKERS at a time), so without `count_records` records is None and nothing is read.
    `progress(listed, counted)` is called after each page of the listing (counted None), then after
    each object read.
    """
    client = s3_client(settings)
    rows: list[tuple[str, int, int | None]] = []
    with s3_errors(settings, f"listing s3://{settings.S3_BUCKET}/{prefix}"):
        for page in _pages(client, settings.S3_BUCKET, prefix):
            rows += [(item["Key"], item["Size"], None) for item in page]
            if progress:
                progress(len(rows), None)
        if count_records and rows:
            rows = _with_record_counts(client, settings.S3_BUCKET, rows, progress)
    return rows


def _with_record_counts(client, bucket: str, rows, progress) -> list[tuple[str, int, int | None]]:
    def records(key: str) -> int | None:
        try:
            return object_body(client, bucket, key).count(b"\n")
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):  # deleted since it was listed
                return None
            raise

    counted = []
    with ThreadPoolExecutor(max_workers=COUNT_WORKERS) as pool:
        for (key, size, _), lines in zip(rows, pool.map(records, [key for key, _, _ in rows])):
            counted.append((key, size, lines))
            if progress:
                progress(len(rows), len(counted))
    return counted


def newest_key(settings: Settings, key_or_prefix: str) -> tuple[str | None, int]:
    """(key, objects under the prefix): the key itself when an object has it, else the newest object under it."""
    newest, count = None, 0
    with s3_errors(settings, f"listing s3://{settings.S3_BUCKET}/{key_or_prefix}"):
        for item in _items(s3_client(settings), settings.S3_BUCKET, key_or_prefix):
            if item["Key"] == key_or_prefix:
                return key_or_prefix, 1
            count += 1
            # Same second: the higher key is the later one (the sinks name objects by start offset).
            if newest is None or (item["LastModified"], item["Key"]) > (newest["LastModified"], newest["Key"]):
                newest = item
    return (newest["Key"] if newest else None), count


def _pages(client, bucket: str, prefix: str):
    """The listing, one page (up to 1,000 objects) at a time."""
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        yield page.get("Contents", [])


def _items(client, bucket: str, prefix: str):
    for page in _pages(client, bucket, prefix):
        yield from page


@contextmanager
def s3_errors(settings: Settings, doing: str):
    """S3 down, silent or refusing: one line naming the store and what was being done."""
    try:
        yield
    except EndpointConnectionError:  # also a connect timeout
        raise LabError(f"S3 is not reachable at {s3_location(settings)}", "start the lab with `make up`") from None
    except ReadTimeoutError:
        raise LabError(f"S3 at {s3_location(settings)} did not answer {doing}", "is it overloaded? `streamlab status`") from None
    except ClientError as exc:
        raise LabError(f"S3 refused {doing}: {exc.response['Error'].get('Message') or exc}") from None
    except BotoCoreError as exc:
        raise LabError(f"S3 failed {doing}: {exc}") from None


def read_object(settings: Settings, key: str) -> bytes:
    """An object's content (gunzipped when the key ends in .gz)."""
    with s3_errors(settings, f"reading {key!r}"):
        try:
            return object_body(s3_client(settings), settings.S3_BUCKET, key)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
                raise LabError(f"no object {key!r} in bucket {settings.S3_BUCKET!r}", "see `streamlab s3 ls`") from None
            raise


def read_records(settings: Settings, prefix: str) -> list[dict]:
    """Every JSON line of every object under `prefix` (what the sinks wrote)."""
    client = s3_client(settings)
    records = []
    for key, _, _ in list_objects(settings, prefix, count_records=False):
        with s3_errors(settings, f"reading {key!r}"):
            body = object_body(client, settings.S3_BUCKET, key)
        records += [json.loads(line) for line in body.splitlines() if line.strip()]
    return records

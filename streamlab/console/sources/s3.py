"""S3 for the console: folders by prefix, one object as a table or a download, and the sink's tally.

Only the lab's bucket (S3_BUCKET) is ever read. The client answers in seconds when the store is
down (botocore's defaults would retry for minutes), and works the same against s3proxy or AWS.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from ...clients.s3 import (
    ObjectVersions,
    before,
    listed_versions,
    object_version,
    page_options,
    partition_prefixes,
    s3_client,
    s3_location,
)
from ...config import Settings
from ..errors import ConsoleError, not_found, unavailable
from ..flow import ActivePipeline
from ..s3_tally import S3Tally, line_count
from ..s3_tree import check_key, clean_prefix, listing_view
from ..tables import jsonl_table

SHOW_LIMIT = 5 * 1024 * 1024  # bytes read to show an object; larger ones are offered as a download
FIRST_SCAN_PAGES = 20  # the first tally lists at most 20,000 objects (then counts are "at least")
READS_PER_POLL = 20


def quick_s3_client(settings: Settings):
    """clients.s3.s3_client with short timeouts and a single retry: the page must not hang on a silent store."""
    return s3_client(settings, connect_timeout=3, read_timeout=10, attempts=2)


class S3Source:
    def __init__(self, client, bucket: str, location: str):
        self.client, self.bucket, self.location = client, bucket, location

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Source:
        return cls(quick_s3_client(settings), settings.S3_BUCKET, s3_location(settings))

    def _call(self, call: Callable, **kwargs):
        """One S3 request; store down -> 503, missing key or bucket -> 404, a refusal -> 502."""
        try:
            return call(Bucket=self.bucket, **kwargs)
        except EndpointConnectionError:
            raise unavailable("S3", self.location) from None
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise not_found(f"no object {kwargs.get('Key', '')!r} in bucket {self.bucket!r}") from None
            if code == "NoSuchBucket":
                raise not_found(f"bucket {self.bucket!r} does not exist at {self.location}") from None
            raise ConsoleError(502, "upstream_refused", f"S3 at {self.location} refused: {code or exc}") from None
        except BotoCoreError as exc:
            raise unavailable("S3", self.location, type(exc).__name__) from None

    def list_page(self, prefix: str, delimiter: str | None = None, start_after: str | None = None, token: str | None = None) -> dict:
        """One list_objects_v2 page (up to 1000 keys, in key order)."""
        return self._call(self.client.list_objects_v2, **page_options(prefix, start_after, token, delimiter))

    def read(self, key: str, first_bytes: int | None = None) -> bytes:
        """An object's bytes (or its first bytes), as stored."""
        ranged = {"Range": f"bytes=0-{first_bytes - 1}"} if first_bytes else {}
        return self._call(self.client.get_object, Key=key, **ranged)["Body"].read()

    def browse(self, prefix: str = "", page_token: str | None = None) -> dict:
        """One level of the folder tree under `prefix` (up to 1000 entries, then a page token)."""
        prefix = clean_prefix(prefix)
        return listing_view(self.bucket, prefix, self.list_page(prefix, delimiter="/", token=page_token))

    def show(self, key: str) -> dict:
        """An object for the page: JSON Lines as a table, else its text (the first 5 MiB at most)."""
        check_key(key)
        head = self._call(self.client.head_object, Key=key)
        size, gzipped = head.get("ContentLength", 0), key.endswith(".gz")
        if gzipped and size > SHOW_LIMIT:
            return {"key": key, "size": size, "too_large": True}
        if size == 0:
            body = b""  # a range request on an empty object is refused (416); there is nothing to read
        else:
            body = self.read(key, None if gzipped or size <= SHOW_LIMIT else SHOW_LIMIT)
        if gzipped:
            body = gzip.decompress(body)
        modified = head.get("LastModified")
        return {"key": key, "size": size, "cut": size > SHOW_LIMIT and not gzipped,
                "modified": modified.isoformat() if isinstance(modified, datetime) else None,
                "table": jsonl_table(body), "text": body[:64 * 1024].decode("utf-8", errors="replace")}

    def download(self, key: str) -> tuple[Iterator[bytes], int]:
        """The object's bytes as they are stored, in chunks, and its size."""
        check_key(key)
        answer = self._call(self.client.get_object, Key=key)
        return answer["Body"].iter_chunks(64 * 1024), answer.get("ContentLength", 0)

    def watcher(self, pipeline: ActivePipeline) -> S3Watcher:
        return S3Watcher(self, pipeline)


class S3Watcher:
    """Tallies what the active pipeline's sink wrote: a first scan of its prefix, then only the
    current and previous hour folders. An object is counted again when it changes (ETag or size):
    the S3 sink overwrites a partition's newest object as it fills, so each partition is listed
    from its newest key on (not after it), which keeps every poll to about one page a partition."""

    def __init__(self, source: S3Source, pipeline: ActivePipeline, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.source, self.pipeline, self.clock = source, pipeline, clock
        self.prefix = pipeline.s3_prefix
        self.tally = S3Tally()
        self.scanned = False
        self.partial = False
        self.marks: dict[str, str] = {}  # listing prefix -> the newest key seen under it (offset-named objects)
        self.versions = ObjectVersions()  # the listed folders' objects as last counted

    def poll(self, partitions: int) -> dict:
        if not self.scanned:
            self._take_in(self._first_scan())
        else:
            for folder in self.hour_folders():
                self._take_in(self._list_folder(folder, partitions))
        self._forget_old_folders()
        self._read_pending()
        return {"objects": self.tally.objects, "records": self.tally.records, "pending": self.tally.pending, "partial": self.partial}

    def hour_folders(self) -> list[str]:
        now = self.clock()
        return [self.prefix + hour.strftime(self.pipeline.hour_folder) for hour in (now - timedelta(hours=1), now)]

    def _first_scan(self) -> dict[str, str]:
        listing, token, pages = {}, None, 0
        while pages < FIRST_SCAN_PAGES:
            page = self.source.list_page(self.prefix, token=token)
            listing.update((item["Key"], object_version(item)) for item in page.get("Contents", []))
            pages += 1
            token = page.get("NextContinuationToken") if page.get("IsTruncated") else None
            if not token:
                break
        self.partial = token is not None
        self.scanned = True
        return listing

    def _list_prefixes(self, folder: str, partitions: int) -> list[str]:
        """Offset-named objects sort by offset within `<topic>+<partition>+`: list each partition from its mark."""
        if not self.pipeline.offset_keys:
            return [folder]
        return partition_prefixes(folder, self.pipeline.topic, partitions)

    def _list_folder(self, folder: str, partitions: int) -> dict[str, str]:
        """Key -> version of the folder's objects from each partition's newest key on (all of them for other layouts)."""
        listing = {}
        for prefix in self._list_prefixes(folder, partitions):
            mark = self.marks.get(prefix) if self.pipeline.offset_keys else None
            listing.update(listed_versions(self._list_page, prefix, before(mark)))
        return listing

    def _list_page(self, prefix: str, start_after: str | None, token: str | None) -> dict:
        return self.source.list_page(prefix, start_after=start_after, token=token)

    def _take_in(self, listing: dict[str, str]) -> None:
        """New objects to the tally, changed ones to be read again (in key order: by offset within a partition)."""
        for key, version in self.versions.changed(listing).items():
            if self.pipeline.offset_keys:
                mark_prefix = key[: key.rfind("+") + 1]  # folder + <topic>+<partition>+
                mark = self.marks.get(mark_prefix, "")
                if key < mark:
                    continue  # older than the partition's newest object: its records follow from offsets
                self.marks[mark_prefix] = key
            if key in self.versions.known:
                self.tally.rewritten(key)
            else:
                self.tally.observe(key)
            self.versions.note(key, version)

    def _forget_old_folders(self) -> None:
        """Objects outside the listed hour folders are not listed again: keep no state for them."""
        listed = tuple(self.hour_folders())
        for key in self.versions.forget(keep=lambda key: key.startswith(listed) or self.tally.waiting(key)):
            self.tally.settle(key)
        self.marks = {prefix: key for prefix, key in self.marks.items() if prefix.startswith(listed)}

    def _read_pending(self) -> None:
        for key in self.tally.to_read(READS_PER_POLL):
            try:
                body = self.source.read(key)
            except ConsoleError as exc:
                if exc.status == 404:  # replaced or deleted meanwhile: count it as empty
                    self.tally.counted(key, 0)
                    continue
                raise
            self.tally.counted(key, line_count(gzip.decompress(body) if key.endswith(".gz") else body))

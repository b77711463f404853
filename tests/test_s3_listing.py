"""`streamlab s3 ls` on thousands of objects (issue 11, item 7): no GET per object unless asked.

The unit tests count the requests a listing makes against an in-memory S3 that pages like the real
one (1,000 keys a page). The integration test lists 2,500 real objects in the session's s3proxy.
"""

from __future__ import annotations

import io
import threading
import time
import uuid
from datetime import datetime, timezone

import pytest
from rich.console import Console
from typer.testing import CliRunner

from streamlab.clients import s3
from streamlab.config import load_settings
from streamlab.lab import Lab

PAGE = 1000  # keys per ListObjectsV2 page, as S3 and s3proxy answer


class PagingS3:
    """list_objects_v2 in pages of PAGE keys and get_object, counting the requests of each kind."""

    def __init__(self, objects: dict[str, bytes]):
        self.objects = objects
        self.lists = 0
        self.gets = 0
        self._lock = threading.Lock()

    def get_paginator(self, name):
        assert name == "list_objects_v2"
        return self

    def paginate(self, Bucket, Prefix):
        keys = sorted(k for k in self.objects if k.startswith(Prefix))
        for start in range(0, max(len(keys), 1), PAGE):
            with self._lock:
                self.lists += 1
            chunk = keys[start:start + PAGE]
            page = {"KeyCount": len(chunk)}
            if chunk:
                page["Contents"] = [{"Key": k, "Size": len(self.objects[k]),
                                     "LastModified": datetime(2026, 1, 1, tzinfo=timezone.utc)} for k in chunk]
            yield page

    def get_object(self, Bucket, Key):
        with self._lock:
            self.gets += 1
        return {"Body": io.BytesIO(self.objects[Key])}


def objects(count: int, prefix: str = "topics/web_logs/") -> dict[str, bytes]:
    """`count` objects holding 1 to 10 JSON lines each (object i holds i % 10 + 1)."""
    return {f"{prefix}web_logs+0+{i:06d}.jsonl": b'{"n": 1}\n' * (i % 10 + 1) for i in range(count)}


@pytest.fixture
def store(monkeypatch):
    fake = PagingS3(objects(2500) | {"other/x.jsonl": b"{}\n"})
    monkeypatch.setattr(s3, "s3_client", lambda settings: fake)
    return fake


def test_a_listing_reads_no_object(store):
    seen = []
    rows = s3.list_objects(load_settings(), "topics/web_logs/", count_records=False,
                           progress=lambda listed, counted: seen.append((listed, counted)))
    assert len(rows) == 2500 and all(records is None for _, _, records in rows)
    assert store.gets == 0 and store.lists == 3  # one request per 1,000 keys, nothing per object
    assert seen == [(1000, None), (2000, None), (2500, None)]  # progress after each page


def test_record_counts_read_each_object_once(store):
    seen = []
    rows = s3.list_objects(load_settings(), "topics/web_logs/", count_records=True,
                           progress=lambda listed, counted: seen.append((listed, counted)))
    assert store.gets == 2500
    assert [records for _, _, records in rows] == [i % 10 + 1 for i in range(2500)]  # in listing order
    assert [key for key, _, _ in rows] == sorted(key for key in store.objects if key.startswith("topics/"))
    assert seen[:3] == [(1000, None), (2000, None), (2500, None)]
    assert seen[3:] == [(2500, n) for n in range(1, 2501)]


def test_an_object_deleted_after_the_listing_has_no_count(monkeypatch):
    from botocore.exceptions import ClientError

    class Vanishing(PagingS3):
        def get_object(self, Bucket, Key):
            if Key.endswith("000001.jsonl"):
                raise ClientError({"Error": {"Code": "NoSuchKey", "Message": "gone"}}, "GetObject")
            return super().get_object(Bucket, Key)

    monkeypatch.setattr(s3, "s3_client", lambda settings: Vanishing(objects(3)))
    assert [records for _, _, records in s3.list_objects(load_settings(), "", count_records=True)] == [1, None, 3]


def _cli(*args: str, lab: Lab | None = None):
    from streamlab.cli import build_app

    return CliRunner().invoke(build_app(lab or Lab(), Console(file=io.StringIO())), list(args))


def test_s3_ls_lists_thousands_without_reading_them(store):
    result = _cli("s3", "ls", "topics/web_logs/")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "key\tsize" and len(lines) == 2501
    assert store.gets == 0


def test_s3_ls_records_counts_them(store):
    result = _cli("s3", "ls", "--records", "topics/web_logs/")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "key\tsize\trecords" and len(lines) == 2501
    assert lines[1].split("\t")[2] == "1" and lines[10].split("\t")[2] == "10"
    assert store.gets == 2500


def test_progress_lines():
    from streamlab.commands.s3 import listing_progress

    where = "s3://streamlab/topics/"
    assert listing_progress(where, 3000, None) == "listing s3://streamlab/topics/: 3,000 objects so far"
    assert listing_progress(where, 3000, 1200) == "counting records under s3://streamlab/topics/: 1,200 of 3,000 objects read"


def test_a_long_listing_shows_progress_on_a_terminal_only(store, monkeypatch):
    """The status goes to the lab's console (stderr), and only when that is a terminal."""
    updates = []

    class Status:
        def __init__(self, text):
            updates.append(text)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, text):
            updates.append(text)

    console = Console(file=io.StringIO(), soft_wrap=True)
    monkeypatch.setattr(console, "status", Status)
    result = _cli("s3", "ls", "topics/web_logs/", lab=Lab(console=console))
    assert result.exit_code == 0
    assert updates == ["listing s3://streamlab/topics/web_logs/", *(
        f"listing s3://streamlab/topics/web_logs/: {n:,} objects so far" for n in (1000, 2000, 2500))]

    piped = Console(file=io.StringIO(), soft_wrap=True)  # not a terminal: rich's status prints nothing
    result = _cli("s3", "ls", "topics/web_logs/", lab=Lab(console=piped))
    assert result.exit_code == 0 and piped.file.getvalue() == ""


# --- against the session's real s3proxy -------------------------------------------------------


@pytest.mark.integration
def test_s3_ls_of_thousands_of_real_objects_answers_quickly(lab_controller, monkeypatch):
    """2,500 objects: the listing makes 3 requests and no GET; --records reads each object once."""
    from concurrent.futures import ThreadPoolExecutor

    from conftest import run_cli

    lab_controller.ensure("s3")
    settings = lab_controller.settings
    prefix = f"listing-{uuid.uuid4().hex[:8]}/"
    client = s3.s3_client(settings)
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda item: client.put_object(Bucket=settings.S3_BUCKET, Key=item[0], Body=item[1]),
                      objects(2500, prefix).items()))

    counted = {"ListObjectsV2": 0, "GetObject": 0}

    def count(operation):
        return lambda **kwargs: counted.__setitem__(operation, counted[operation] + 1)

    real_client = s3.s3_client

    def counting_client(settings):
        c = real_client(settings)
        for operation in counted:
            c.meta.events.register(f"before-call.s3.{operation}", count(operation))
        return c

    monkeypatch.setattr(s3, "s3_client", counting_client)
    rows = s3.list_objects(settings, prefix, count_records=False)
    assert len(rows) == 2500 and counted == {"ListObjectsV2": 3, "GetObject": 0}
    rows = s3.list_objects(settings, prefix, count_records=True)
    assert counted["GetObject"] == 2500 and sum(r for _, _, r in rows) == sum(i % 10 + 1 for i in range(2500))
    monkeypatch.undo()

    started = time.monotonic()
    listing = run_cli("s3", "ls", prefix, timeout=60)
    took = time.monotonic() - started
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.splitlines()[0] == "key\tsize" and len(listing.stdout.splitlines()) == 2501
    assert took < 15, f"`s3 ls` of 2,500 objects took {took:.1f}s"
    with_records = run_cli("s3", "ls", "--records", prefix, timeout=120)
    assert with_records.returncode == 0 and with_records.stdout.splitlines()[0] == "key\tsize\trecords"
    assert "Traceback" not in listing.stderr + with_records.stderr


class FakeBucket:
    """Keys in order; `hidden` keys are left out of the next listing (as a directory read while written)."""

    def __init__(self):
        self.keys: list[str] = []
        self.hidden: set[str] = set()
        self.starts: list[str | None] = []

    def list_page(self, prefix, start_after, token):
        self.starts.append(start_after)
        keys = [k for k in sorted(self.keys) if k.startswith(prefix) and (start_after is None or k > start_after)]
        shown = [k for k in keys if k not in self.hidden]
        self.hidden = set()
        return {"Contents": [{"Key": k, "ETag": "e", "Size": 1} for k in shown]}


def test_partition_lister_lists_from_a_recent_key_and_finds_an_object_a_listing_left_out():
    bucket = FakeBucket()
    lister = s3.PartitionLister(bucket.list_page)
    prefixes = s3.partition_prefixes("f/", "t", 1)
    key = lambda offset: f"f/t+0+{offset:020d}.jsonl"  # noqa: E731
    bucket.keys = [key(0), key(10)]
    assert list(lister.listing(prefixes)) == [key(0), key(10)]
    bucket.keys += [key(20), key(30)]
    bucket.hidden = {key(20)}  # written while the store listed: 30 is listed, 20 is not
    assert list(lister.listing(prefixes)) == [key(0), key(10), key(30)]
    assert key(20) in lister.listing(prefixes)  # the next listing starts before 10, the newest of the one before
    bucket.keys += [key(40)]
    assert list(lister.listing(prefixes)) == [key(30), key(40)]  # older objects are not listed again


def test_partition_lister_moves_no_mark_when_a_listing_fails_half_way():
    bucket = FakeBucket()
    lister = s3.PartitionLister(bucket.list_page)
    prefixes = s3.partition_prefixes("f/", "t", 2)
    key = lambda partition, offset: f"f/t+{partition}+{offset:020d}.jsonl"  # noqa: E731
    bucket.keys = [key(0, 0), key(1, 0)]
    lister.listing(prefixes)
    bucket.keys += [key(0, 10), key(0, 20), key(1, 10)]
    bucket.hidden = {key(0, 10)}
    lister.listing(prefixes)  # 10 of partition 0 left out, 20 listed
    failing = bucket.list_page

    def fail_on_partition_1(prefix, start_after, token):
        if prefix.endswith("+1+"):
            raise s3.LabError("S3 timed out")
        return failing(prefix, start_after, token)

    lister.list_page = fail_on_partition_1
    with pytest.raises(s3.LabError):
        lister.listing(prefixes)
    lister.list_page = failing
    assert key(0, 10) in lister.listing(prefixes)  # the failed listing did not move partition 0's mark past it

"""Browsing S3 as folders: a prefix, its breadcrumbs, its sub-folders and its objects.

S3 has no folders; listing with Delimiter='/' groups keys by their next '/' (CommonPrefixes), which
the sinks' `year=YYYY/month=MM/day=dd/hour=HH/` keys turn into a tree to open one level at a time.
"""

from __future__ import annotations

from datetime import datetime

from .errors import bad_request

MAX_KEY = 1024  # S3's own limit on a key's length


def clean_prefix(prefix: str) -> str:
    """A folder prefix as S3 lists it: no leading '/', a trailing '/' unless empty; no '..' games."""
    prefix = (prefix or "").strip().lstrip("/")
    check_key(prefix, allow_empty=True)
    return prefix if not prefix or prefix.endswith("/") else prefix + "/"


def check_key(key: str, allow_empty: bool = False) -> str:
    if not key and not allow_empty:
        raise bad_request("no object key given")
    if len(key) > MAX_KEY:
        raise bad_request(f"a key is at most {MAX_KEY} characters")
    if any(part == ".." for part in key.split("/")) or any(ord(c) < 32 for c in key):
        raise bad_request("a key may not contain '..' segments or control characters")
    return key


def crumbs(prefix: str) -> list[dict]:
    """[{label: bucket root, prefix: ''}, {label: 'topics', prefix: 'topics/'}, ...]."""
    trail, path = [{"label": "/", "prefix": ""}], ""
    for part in [p for p in prefix.split("/") if p]:
        path += part + "/"
        trail.append({"label": part, "prefix": path})
    return trail


def folder_entry(prefix: str) -> dict:
    """A sub-folder: its label, and for `name=value` folders (year=2026) the name and value apart."""
    label = prefix.rstrip("/").rsplit("/", 1)[-1]
    name, sep, value = label.partition("=")
    return {"prefix": prefix, "label": label, "name": name if sep else None, "value": value if sep else None}


def file_entry(item: dict) -> dict:
    key = item["Key"]
    modified = item.get("LastModified")
    return {
        "key": key,
        "name": key.rsplit("/", 1)[-1],
        "size": item.get("Size", 0),
        "modified": modified.isoformat() if isinstance(modified, datetime) else modified,
    }


def listing_view(bucket: str, prefix: str, page: dict) -> dict:
    """One list_objects_v2(Delimiter='/') page as the page's folder view."""
    return {
        "bucket": bucket,
        "prefix": prefix,
        "crumbs": crumbs(prefix),
        "folders": [folder_entry(p["Prefix"]) for p in page.get("CommonPrefixes", [])],
        "files": [file_entry(item) for item in page.get("Contents", []) if item["Key"] != prefix],
        "next": page.get("NextContinuationToken") if page.get("IsTruncated") else None,
    }


def download_name(key: str) -> str:
    """A safe file name for Content-Disposition: the key's last part, quotes and separators removed."""
    name = key.rsplit("/", 1)[-1] or "object"
    return "".join(c if c.isalnum() or c in "._+-=" else "_" for c in name)[:200]

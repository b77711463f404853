"""bundle/manifest.json: every file's size and sha256, the pins it was made for, what it holds.

{"format": 1, "made": ISO time, "fingerprint": ..., "pins": {part: digest}, "platform": {...},
 "extras": [...], "built_here": [...], "images": {"saved": {image: file}, "skipped": reason or null},
 "files": {relative path: {"size": bytes, "sha256": hex}}}
It is written last, so a bundle whose build stopped half way has none and counts as absent.
"""

from __future__ import annotations

import hashlib
import json
import sys
import sysconfig
import time
from pathlib import Path
from typing import Callable, Iterable

from ..errors import LabError

FORMAT = 1
NAME = "manifest.json"
LOGS = "logs"  # the build's own logs: kept beside the content, not part of it
CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def bundle_files(root: Path) -> list[Path]:
    """The files a manifest lists: everything under root but the manifest and the logs, sorted."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] not in (NAME, LOGS))


def this_platform() -> dict[str, str]:
    """What the wheels are built for: they install on the same Python minor version and platform."""
    return {"python": f"{sys.version_info[0]}.{sys.version_info[1]}", "os": sysconfig.get_platform()}


def file_entries(root: Path, on_file: Callable[[Path], None] = lambda path: None) -> dict[str, dict]:
    entries = {}
    for path in bundle_files(root):
        entries[path.relative_to(root).as_posix()] = {"size": path.stat().st_size, "sha256": sha256_of(path)}
        on_file(path)
    return entries


def build_manifest(files: dict[str, dict], pins: dict[str, str], fingerprint: str, extras: Iterable[str],
                   images: dict, built_here: Iterable[str] = (), platform: dict[str, str] | None = None) -> dict:
    """`built_here`: the packages pip built from source (pure Python wheels, for any platform)."""
    return {
        "format": FORMAT,
        "made": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "fingerprint": fingerprint,
        "pins": dict(pins),
        "platform": platform or this_platform(),
        "extras": sorted(extras),
        "built_here": sorted(built_here),
        "images": images,
        "files": files,
    }


def write_manifest(root: Path, manifest: dict) -> Path:
    path = root / NAME
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return path


class ManifestError(LabError):
    """The manifest is there but cannot be read: the bundle counts as incomplete."""


def read_manifest(root: Path) -> dict | None:
    """The manifest, or None when the bundle has none (absent, or its build never finished)."""
    path = root / NAME
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path} cannot be read ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise ManifestError(f"{path} is not a format-{FORMAT} bundle manifest")
    return manifest


def part_of(relative: str) -> str:
    """wheels/x.whl -> wheels: a file's part is its top folder."""
    return relative.split("/", 1)[0]


def check_files(root: Path, manifest: dict, checksums: bool = True, parts: Iterable[str] | None = None,
                on_file: Callable[[str], None] = lambda relative: None) -> list[str]:
    """What differs from the manifest: missing files, other sizes, other checksums (sizes only when
    `checksums` is off: a quick check that misses a same-size corruption). Empty when complete."""
    wanted = set(parts) if parts is not None else None
    problems = []
    for relative, expected in sorted(manifest["files"].items()):
        if wanted is not None and part_of(relative) not in wanted:
            continue
        problem = _file_problem(root / relative, expected, checksums)
        if problem:
            problems.append(f"{relative}: {problem}")
        on_file(relative)
    return problems


def _file_problem(path: Path, expected: dict, checksums: bool) -> str | None:
    if not path.is_file():
        return "missing"
    size = path.stat().st_size
    if size != expected["size"]:
        return f"{size} bytes, the manifest says {expected['size']}"
    if checksums and sha256_of(path) != expected["sha256"]:
        return "checksum differs from the manifest"
    return None


def total_size(manifest: dict, part: str | None = None) -> int:
    return sum(e["size"] for r, e in manifest["files"].items() if part is None or part_of(r) == part)

"""What doctor says of bundle/: absent, incomplete, stale or ok, in one line.

`judge` is pure (the manifest, the problems `manifest.check_files` found, the pins and platform in
hand); `bundle_verdict` reads them for this checkout.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .manifest import ManifestError, check_files, read_manifest, this_platform, total_size
from .pins import PARTS, pin_digests
from .source import BUNDLE_DIR, FOLDERS, holds, mismatch

ABSENT, INCOMPLETE, STALE, OK = "absent", "incomplete", "stale", "ok"
SHOWN_PROBLEMS = 3


@dataclass(frozen=True)
class Verdict:
    state: str  # absent | incomplete | stale | ok
    detail: str


def megabytes(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


def contents(manifest: dict) -> str:
    """'wheels 540 MB, m2 310 MB, images skipped (no Docker engine answers)'"""
    parts = [f"{FOLDERS[p]} {megabytes(total_size(manifest, FOLDERS[p]))}" for p in ("python", "maven")]
    images = manifest.get("images", {})
    if images.get("saved"):
        parts.append(f"images {len(images['saved'])} ({megabytes(total_size(manifest, 'images'))})")
    else:
        parts.append(f"images skipped ({images.get('skipped') or 'none saved'})")
    return ", ".join(parts)


def judge(manifest: dict | None, problems: list[str], pins: dict[str, str], platform: dict[str, str]) -> Verdict:
    """Pure: the verdict on a bundle from what was found."""
    if manifest is None:
        return Verdict(ABSENT, "no bundle/: installs use the network (`make bundle` makes one for a class offline)")
    if problems:
        shown = "; ".join(problems[:SHOWN_PROBLEMS]) + (f"; +{len(problems) - SHOWN_PROBLEMS} more" if len(problems) > SHOWN_PROBLEMS else "")
        return Verdict(INCOMPLETE, f"{len(problems)} file(s) differ from its manifest: {shown} (`make bundle` repairs it)")
    reasons = [reason for part in PARTS if holds(manifest, part) and (reason := mismatch(manifest, part, pins, platform))]
    if reasons:
        return Verdict(STALE, "; ".join(reasons) + " (`make bundle` brings it up to date)")
    return Verdict(OK, f"complete and up to date, made {manifest.get('made', '?')}: {contents(manifest)}")


def bundle_verdict(root: Path = BUNDLE_DIR, checksums: bool = False,
                   on_file: Callable[[str], None] = lambda relative: None) -> Verdict:
    """Read bundle/ and judge it: sizes only unless `checksums` (every sha256: seconds per GB)."""
    try:
        manifest = read_manifest(root)
    except ManifestError as exc:
        return Verdict(INCOMPLETE, f"{exc} (`make bundle` rewrites it)")
    problems = check_files(root, manifest, checksums, on_file=on_file) if manifest else []
    return judge(manifest, problems, pin_digests(), this_platform())

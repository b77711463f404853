"""`streamlab bundle build` and `check`: write bundle/ part by part, then its manifest; verify it.

A part (wheels/, m2/, images/) is kept when the earlier manifest was made for the same pins and
its files still have their sizes; otherwise it is emptied and made again (--force: every part).
The manifest is deleted first and written last, so a build that stops half way leaves a bundle
that counts as absent rather than one that looks complete.
"""

from __future__ import annotations

import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import LabError
from .images import save_images
from .manifest import (LOGS, NAME, ManifestError, build_manifest, bundle_files, check_files, file_entries,
                       read_manifest, this_platform, write_manifest)
from .maven_repo import make_m2
from .pins import fingerprint, pin_digests
from .readme import write_readme
from .source import FOLDERS, holds, mismatch
from .verdict import ABSENT, OK, Verdict, bundle_verdict, contents, megabytes
from .wheels import extras, make_wheels, read_pyproject


@contextmanager
def counting(console: Console, label: str, total: int):
    """A bar over `total` files; yields the function that counts one."""
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda *_: progress.advance(task)


def earlier_manifest(root: Path) -> dict | None:
    try:
        return read_manifest(root)
    except ManifestError:
        return None  # unreadable: every part is made again


def reusable(old: dict | None, part: str, pins: dict[str, str], root: Path) -> bool:
    if old is None or not holds(old, part) or mismatch(old, part, pins, this_platform()):
        return False
    return not check_files(root, old, checksums=False, parts=[FOLDERS[part]])


def fresh_folder(root: Path, part: str) -> Path:
    folder = root / FOLDERS[part]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def python_part(root: Path, old: dict | None, pins: dict[str, str], console: Console) -> list[str]:
    if reusable(old, "python", pins, root):
        console.print("wheels/: made for these pins, kept")
        return old.get("built_here", [])
    return make_wheels(fresh_folder(root, "python"), root / LOGS / "pip-wheel.log", console)


def maven_part(root: Path, old: dict | None, pins: dict[str, str], console: Console) -> None:
    if reusable(old, "maven", pins, root):
        console.print("m2/: made for these pins, kept")
        return
    make_m2(fresh_folder(root, "maven"), root / LOGS, console)


def images_part(root: Path, old: dict | None, pins: dict[str, str], console: Console) -> dict:
    if reusable(old, "images", pins, root):
        console.print("images/: made for these pins, kept")
        return old["images"]
    shutil.rmtree(root / FOLDERS["images"], ignore_errors=True)
    return save_images(root, console)


def build_bundle(root: Path, console: Console, force: bool = False) -> dict:
    """Make or refresh the bundle under `root`; returns its manifest."""
    started = time.monotonic()
    pins = pin_digests()
    old = None if force else earlier_manifest(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / NAME).unlink(missing_ok=True)
    built_here = python_part(root, old, pins, console)
    maven_part(root, old, pins, console)
    images = images_part(root, old, pins, console)
    manifest = build_manifest({}, pins, fingerprint(pins), extras(read_pyproject()), images, built_here)
    write_readme(root, manifest, built_here)
    with counting(console, "Checksums for the manifest", len(bundle_files(root))) as advance:
        manifest["files"] = file_entries(root, advance)
    write_manifest(root, manifest)
    console.print(f"bundle/ ready in {time.monotonic() - started:.0f} s: {contents(manifest)}; "
                  f"{len(manifest['files']):,} files, {megabytes(sum(e['size'] for e in manifest['files'].values()))}; "
                  f"pins {manifest['fingerprint']}")
    return manifest


def check_bundle(root: Path, console: Console, checksums: bool = True) -> Verdict:
    """The doctor's verdict, every file read (sha256) unless `checksums` is off; raises unless ok."""
    manifest = earlier_manifest(root)
    total = len(manifest["files"]) if manifest else 0
    with counting(console, "Checking bundle/ against its manifest", total) as advance:
        verdict = bundle_verdict(root, checksums, on_file=advance)
    if verdict.state == ABSENT:
        raise LabError(f"there is no bundle in {root} (no {NAME})", "run `make bundle`")
    if verdict.state != OK:
        raise LabError(f"bundle/ is {verdict.state}: {verdict.detail}")
    return verdict

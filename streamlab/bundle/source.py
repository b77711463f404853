"""Where an install reads from, per part: the bundle or the network.

OFFLINE=1 reads only bundle/ (an error when it has no such part), OFFLINE=0 only the network;
unset, bundle/ is used when it is there, holds the part and was made for the pins and Python in
hand, and the network otherwise (one line says why a bundle there was passed over).

Stdlib only. The Makefile asks before .venv exists: `python3 -m streamlab.bundle.source pip`
prints pip's options (nothing for the network) or one error line and exits 2.
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from ..errors import EXIT_BAD_INPUT, LabError
from .manifest import ManifestError, read_manifest, this_platform
from .pins import REPO_ROOT, pin_digests

BUNDLE_DIR = REPO_ROOT / "bundle"
FOLDERS = {"python": "wheels", "maven": "m2", "images": "images"}
WHAT = {"python": "Python wheels", "maven": "Maven repository", "images": "Docker images"}
ON, OFF = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class BundleError(LabError):
    """A bundle that cannot serve what OFFLINE=1 asks (or a bad OFFLINE value): said in one line."""

    def __init__(self, message: str):
        super().__init__(message, exit_code=EXIT_BAD_INPUT)


@dataclass(frozen=True)
class Choice:
    use: bool  # True: read this part from the bundle, never the network
    note: str = ""  # one line for the user, or nothing


def offline_mode(environ: Mapping[str, str]) -> bool | None:
    """OFFLINE: True (bundle only), False (network only) or None (auto)."""
    value = environ.get("OFFLINE", "").strip().lower()
    if value in ("", "auto"):
        return None
    if value in ON or value in OFF:
        return value in ON
    raise BundleError(f"OFFLINE={value!r} is not 1, 0 or unset (1: install only from bundle/, 0: only from the network)")


def holds(manifest: dict, part: str) -> bool:
    """Whether the bundle carries anything for this part (images are skipped without a Docker engine)."""
    if part == "images":
        return bool(manifest.get("images", {}).get("saved"))
    return any(name.startswith(FOLDERS[part] + "/") for name in manifest["files"])


def why_not_held(manifest: dict, part: str) -> str:
    skipped = manifest.get("images", {}).get("skipped") if part == "images" else None
    return f"bundle/ holds no {WHAT[part]}" + (f" ({skipped})" if skipped else "")


def mismatch(manifest: dict, part: str, pins: dict[str, str], platform: dict[str, str]) -> str:
    """Why the bundle's part does not fit this checkout and machine, or '' when it does."""
    if manifest.get("pins", {}).get(part) != pins.get(part):
        return f"bundle/ was made for other {part} pins than this checkout's"
    made_for = manifest.get("platform", {})
    if part == "python" and made_for != platform:
        return (f"bundle/'s wheels are for Python {made_for.get('python')} on {made_for.get('os')}, "
                f"this is Python {platform['python']} on {platform['os']}")
    return ""


def choose(part: str, offline: bool | None, manifest: dict | None, pins: dict[str, str],
           platform: dict[str, str]) -> Choice:
    """Pure: the bundle or the network for `part`, from OFFLINE, the manifest and the pins in hand."""
    if offline is False:
        return Choice(False)
    if manifest is None:
        if offline:
            raise BundleError("OFFLINE=1 but there is no bundle in bundle/ (run `make bundle` where there is "
                              "internet, then copy bundle/ into this folder)")
        return Choice(False)
    if not holds(manifest, part):
        if offline:
            raise BundleError(f"OFFLINE=1 but {why_not_held(manifest, part)}")
        return Choice(False)
    if reason := mismatch(manifest, part, pins, platform):
        if offline:
            return Choice(True, f"{reason}: using it anyway (OFFLINE=1)")
        return Choice(False, f"{reason}: installing from the network (`make bundle` refreshes it)")
    return Choice(True, f"reading the {WHAT[part]} from bundle/ (no network)")


def bundle_choice(part: str, environ: Mapping[str, str] | None = None, root: Path = BUNDLE_DIR) -> Choice:
    """`choose` for this checkout: OFFLINE from the environment, the manifest under `root`."""
    offline = offline_mode(os.environ if environ is None else environ)
    if offline is False:
        return Choice(False)
    try:
        manifest = read_manifest(root)
    except ManifestError as exc:
        if offline:
            raise BundleError(f"OFFLINE=1 but {exc}") from None
        return Choice(False, f"{exc}: installing from the network")
    return choose(part, offline, manifest, pin_digests(), this_platform())


def announced_choice(part: str, say: Callable[[str], None], root: Path = BUNDLE_DIR) -> Choice:
    """`bundle_choice` for this checkout, its note passed to `say` (a console's print)."""
    choice = bundle_choice(part, root=root)
    if choice.note:
        say(choice.note)
    return choice


def pip_args(root: Path = BUNDLE_DIR) -> list[str]:
    return ["--no-index", "--find-links", str(root / FOLDERS["python"])]


def maven_args(root: Path = BUNDLE_DIR) -> list[str]:
    """Offline, against the bundled repository (its files carry no origin, so any mirror setting fits)."""
    return ["-o", f"-Dmaven.repo.local={root / FOLDERS['maven']}"]


def main(argv: list[str]) -> int:
    if argv != ["pip"]:
        print("usage: python3 -m streamlab.bundle.source pip", file=sys.stderr)
        return 2
    try:
        choice = bundle_choice("python")
    except BundleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if choice.note:
        print(choice.note, file=sys.stderr)
    print(shlex.join(pip_args()) if choice.use else "")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

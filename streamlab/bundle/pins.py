"""What a bundle must match: a digest per part of the pins, and the images the lab runs.

Parts: python (pyproject.toml), maven (native/pom.xml and every module it lists), images (every
`image:` of lab.yaml and docker-compose.yaml, the pinned ones and the ones the lab builds).
Stdlib only: the Makefile asks before the virtualenv exists, so YAML and TOML are read as text.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PARTS = ("python", "maven", "images")

IMAGE_LINE = re.compile(r"^\s*image:\s*[\"']?([^\s\"'#]+)", re.M)
MODULE_LINE = re.compile(r"<module>\s*([^<\s]+)\s*</module>")


def pinned_images(repo: Path = REPO_ROOT) -> list[str]:
    """Every image the lab pulls or builds, once each, sorted."""
    found = set()
    for name in ("lab.yaml", "docker-compose.yaml"):
        found.update(IMAGE_LINE.findall((repo / name).read_text()))
    return sorted(found)


def maven_poms(repo: Path = REPO_ROOT) -> list[Path]:
    """native/pom.xml and, recursively, the modules it lists (what Maven reads to resolve)."""
    poms, pending = [], [repo / "native" / "pom.xml"]
    while pending:
        pom = pending.pop(0).resolve()
        if pom in poms or not pom.is_file():
            continue
        poms.append(pom)
        pending += [pom.parent / module / "pom.xml" for module in MODULE_LINE.findall(pom.read_text())]
    return poms


def _digest(chunks: list[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(hashlib.sha256(chunk).digest())  # hashed one by one: no two lists collide
    return digest.hexdigest()[:16]


def pin_digests(repo: Path = REPO_ROOT) -> dict[str, str]:
    """{part: digest} for the pins in `repo` as they are now."""
    return {
        "python": _digest([(repo / "pyproject.toml").read_bytes()]),
        "maven": _digest([pom.read_bytes() for pom in maven_poms(repo)]),
        "images": _digest([image.encode() for image in pinned_images(repo)]),
    }


def fingerprint(digests: dict[str, str]) -> str:
    """One digest for every part: equal exactly when each part's is."""
    return _digest([f"{part}={digests.get(part, '')}".encode() for part in PARTS])

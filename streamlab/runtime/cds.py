"""Class-data sharing (CDS) for the lab's JVMs: a service's classes parsed once, mapped at every later start.

A service's first start runs with `-XX:ArchiveClassesAtExit`: when it stops (`make down`), its JVM
writes the classes it loaded into an archive. Every later start maps that archive instead of
reading, parsing and verifying thousands of classes from jars again. An archive fits one Java and
one set of jars, so its name carries a digest of both: a new pin or another Java makes a new one
(on the next stop), and with the default `-Xshare:auto` a JVM ignores an archive that does not fit.
`LAB_CDS=0` turns it off (bench/native_up.py compares both).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def archive_path(folder: Path, service: str, java: str, *fingerprints: str) -> Path:
    digest = hashlib.sha256("|".join([os.path.realpath(java), *fingerprints]).encode()).hexdigest()[:12]
    return folder / f"{service}-{digest}.jsa"


def cds_flags(archive: Path) -> list[str]:
    """Map the archive when it exists; else record one when this JVM exits."""
    if os.environ.get("LAB_CDS", "1") == "0":
        return []
    if archive.is_file() and archive.stat().st_size > 0:
        return [f"-XX:SharedArchiveFile={archive}"]
    archive.parent.mkdir(parents=True, exist_ok=True)
    return [f"-XX:ArchiveClassesAtExit={archive}"]


def jars_fingerprint(jars: Path) -> str:
    """The jar cache's resolution stamp (`.resolved-<digest of the pins>`, written by jars.ensure_jars)."""
    return ",".join(sorted(path.name for path in jars.glob(".resolved-*")))

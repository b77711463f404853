"""Class-data sharing (CDS) archives for the native lab's JVMs: made once per pin, mapped at every start.

A JVM reads and parses thousands of classes from jars at each start; four JVMs doing that at once on
2 cores is most of `make up`. A JVM given an archive maps those classes already parsed instead
(bench/native_up.py: all services healthy ~3 s sooner, Kafka alone 5.5 -> 4.2 s of CPU).

How an archive comes to be: a start without one records the classes it loads
(`-XX:ArchiveClassesAtExit`), and its JVM writes them into a `.partial` file when it exits (the next
`make down`). The start after that checks the file with a JVM that must map it (`-Xshare:on`), and
keeps it or deletes it: a JVM killed while writing leaves a truncated archive, which would crash
every later start. The archive's name carries a digest of the Java, the jars and the flags, so a new
pin or another Java records a new one. `LAB_CDS=0` turns all of this off.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import uuid
from pathlib import Path

RECORD = "-XX:ArchiveClassesAtExit="


def archive_for(folder: Path, name: str, *fingerprints: str) -> Path:
    """Where `name`'s archive lives for this combination of Java, jars and flags."""
    digest = hashlib.sha256("|".join(fingerprints).encode()).hexdigest()[:12]
    return folder / f"{name}-{digest}.jsa"


def cds_flags(archive: Path, check_command: list[str], cwd: Path | None = None) -> list[str]:
    """The JVM flags that map `archive`, or that record it when there is none yet.

    `check_command` is the service's JVM command up to its main class (`-version` is run instead):
    an archive only maps into a JVM with the same class path and flags.
    """
    if os.environ.get("LAB_CDS", "1") == "0":
        return []
    _adopt_recorded(archive, check_command, cwd)
    if archive.is_file():
        return [f"-XX:SharedArchiveFile={archive}"]
    archive.parent.mkdir(parents=True, exist_ok=True)
    return [f"{RECORD}{archive}.{uuid.uuid4().hex[:8]}.partial"]


def adopt_after_exit(cmdline: list[str], cwd: Path | None) -> None:
    """After a recording JVM exited (`make down`): check and keep its archive now, so that the next
    start only maps it. `cmdline` is the JVM's command line as it ran."""
    recording = [part for part in cmdline if part.startswith(RECORD)]
    java = next((i for i, part in enumerate(cmdline) if Path(part).name == "java"), None)
    if not recording or java is None or "-cp" not in cmdline:
        return
    partial = Path(recording[0].removeprefix(RECORD))
    jvm = [part for part in cmdline[java:cmdline.index("-cp") + 2] if not part.startswith(RECORD)]
    _adopt_recorded(partial.with_name(partial.name.rsplit(".", 2)[0]), jvm, cwd)


def _adopt_recorded(archive: Path, check_command: list[str], cwd: Path | None) -> None:
    """Keeps the first recorded archive that a JVM can map; deletes the others."""
    for partial in sorted(archive.parent.glob(f"{archive.name}.*.partial")):
        if not archive.exists() and _maps(partial, check_command, cwd):
            partial.replace(archive)
        else:
            partial.unlink(missing_ok=True)


def _maps(archive: Path, check_command: list[str], cwd: Path | None) -> bool:
    """Whether a JVM with the service's flags maps `archive` (-Xshare:on fails when it cannot)."""
    java, *options = [part for part in check_command if not part.startswith("-Xlog")]  # no log files from a check
    command = [java, *options, f"-XX:SharedArchiveFile={archive}", "-Xshare:on", "-version"]
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False

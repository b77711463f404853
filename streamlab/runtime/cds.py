"""Class-data sharing (CDS) archives for the native lab's JVMs: made once per pin, mapped at every start.

A JVM reads and parses thousands of classes from jars at each start; four JVMs doing that at once on
2 cores is most of `make up`. A JVM given an archive maps those classes already parsed instead
(bench/native_up.py: all services healthy ~3 s sooner, Kafka alone 5.5 -> 4.2 s of CPU).

How an archive comes to be: a start without one records the classes it loads
(`-XX:ArchiveClassesAtExit`), and its JVM writes them into its own `.partial` file when it exits.
`make down`, once that JVM exited, checks the file with a JVM that must map it (`-Xshare:on`), and
keeps it or deletes it: a JVM killed while writing leaves a truncated archive, which would abort
every later start. A partial that no `make down` checked (a JVM that failed to start, or was
stopped otherwise) is never used, only deleted once it is old. The archive's name carries a digest
of the Java, the jars and the flags, so a new pin or another Java records a new one. `LAB_CDS=0`
(`.env` or the environment) turns all of this off.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

RECORD = "-XX:ArchiveClassesAtExit="
STALE_S = 600  # a partial this old is no JVM's archive in the making: deleted
WRITE_GRACE_S = 120  # how long `make down` lets a recording JVM stop: writing its archive took 7-12 s here


def archive_for(folder: Path, name: str, *fingerprints: str) -> Path:
    """Where `name`'s archive lives for this combination of Java, jars and flags."""
    digest = hashlib.sha256("|".join(fingerprints).encode()).hexdigest()[:12]
    return folder / f"{name}-{digest}.jsa"


def sharing_classes(jvm: list[str], folder: Path, name: str, *fingerprints: str, enabled: bool = True) -> list[str]:
    """`jvm` (the java binary, then its flags) with the flags of `name`'s archive in `folder`, made for
    these fingerprints and jvm's own flags."""
    archive = archive_for(folder, name, *fingerprints, *jvm[1:])
    return [jvm[0], *cds_flags(archive, enabled), *jvm[1:]]


def cds_flags(archive: Path, enabled: bool = True) -> list[str]:
    """The JVM flags that map `archive`, or that record it when there is none yet (none when not
    `enabled`, or the archive's folder cannot be written: archives only save time)."""
    if not enabled:
        return []
    if archive.is_file():
        return [f"-XX:SharedArchiveFile={archive}"]
    try:
        archive.parent.mkdir(parents=True, exist_ok=True)
        for partial in archive.parent.glob(f"{archive.name}.*.partial"):
            if time.time() - partial.stat().st_mtime > STALE_S:
                partial.unlink()
    except OSError:
        return []
    return [f"{RECORD}{archive}.{uuid.uuid4().hex[:8]}.partial"]


def recording(cmdline: list[str]) -> bool:
    """Whether this JVM writes an archive when it exits."""
    return any(part.startswith(RECORD) for part in cmdline)


def adopt_after_exit(cmdline: list[str]) -> None:
    """After a recording JVM exited (`make down`): keep the archive it wrote if a JVM with its flags
    and class path maps it, else delete it. `cmdline` is the JVM's command line as it ran, ending in
    `-cp <class path> <main class> ...`."""
    java = next((i for i, part in enumerate(cmdline) if Path(part).name == "java"), None)
    if not recording(cmdline) or java is None or "-cp" not in cmdline:
        return
    partial = Path(next(part for part in cmdline if part.startswith(RECORD)).removeprefix(RECORD))
    archive = partial.with_name(partial.name.rsplit(".", 2)[0])
    jvm = [part for part in cmdline[java:cmdline.index("-cp") + 2] if not part.startswith(RECORD)]
    try:
        if partial.is_file() and not archive.exists() and _maps(partial, jvm):
            partial.replace(archive)
        else:
            partial.unlink(missing_ok=True)
    except OSError:
        pass  # another lab adopted it first, or the folder is read-only: the next start records again


def _maps(archive: Path, jvm: list[str]) -> bool:
    """Whether a JVM with the service's flags maps `archive`: -Xshare:on fails when it cannot (a
    truncated one crashes it, so its crash report goes nowhere and it writes no core)."""
    java, *options = [part for part in jvm if not part.startswith("-Xlog")]  # no log files from a check
    command = [java, *options, f"-XX:SharedArchiveFile={archive}", "-Xshare:on",
               "-XX:ErrorFile=/dev/null", "-XX:-CreateCoredumpOnCrash", "-version"]
    env = {name: value for name, value in os.environ.items() if name != "JAVA_TOOL_OPTIONS"}  # as the services run
    try:
        with tempfile.TemporaryDirectory(prefix="streamlab-cds-") as scratch:
            return subprocess.run(command, cwd=scratch, env=env, capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False

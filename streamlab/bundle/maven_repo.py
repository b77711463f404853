"""bundle/m2/: a Maven repository from which native/pom.xml builds with Maven offline (-o).

`dependency:go-offline` alone misses what plugins resolve while they run (Surefire's JUnit
provider, the compiler's own libraries), so the real build runs too, then a second build with
`-o` into a fresh folder proves that nothing is missing. The jars each build copies out go to
scratch folders under the system temp dir, never to .lab/ or .lab-test/.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from rich.console import Console

from ..errors import LabError
from ..runtime.jars import POM, find_maven
from ..runtime.streamed import run_with_progress
from .pins import REPO_ROOT

# Maven's notes of where each file came from, and of failed look-ups. Without _remote.repositories
# a file counts as installed locally and serves any build; with it, a student whose settings.xml
# names a mirror would be told the file "was cached from a remote repository" it cannot reach.
ORIGIN_NOTES = ("_remote.repositories", "*.lastUpdated", "resolver-status.properties")


def maven(m2: Path, goals: list[str], offline: bool, label: str, log_path: Path, console: Console) -> int:
    scratch = Path(tempfile.mkdtemp(prefix="streamlab-bundle-jars-"))
    try:
        cmd = [find_maven(), "-B", *(["-o"] if offline else []), "-f", str(POM), f"-Dmaven.repo.local={m2}",
               f"-Dlab.jars={scratch}", *goals]
        code, downloaded = run_with_progress(cmd, label, log_path, "Downloaded from", "downloaded", console, cwd=REPO_ROOT)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if code != 0:
        raise LabError(f"{label} failed (Maven exit {code})", f"see {log_path}")
    return downloaded


def drop_origin_notes(m2: Path) -> int:
    dropped = 0
    for pattern in ORIGIN_NOTES:
        for path in m2.rglob(pattern):
            path.unlink()
            dropped += 1
    return dropped


def make_m2(m2: Path, logs: Path, console: Console) -> None:
    m2.mkdir(parents=True, exist_ok=True)
    downloaded = maven(m2.resolve(), ["dependency:go-offline", "package"], False, "Maven repository (go-offline + package)",
                       logs / "maven-fill.log", console)
    drop_origin_notes(m2)
    maven(m2.resolve(), ["package"], True, "Proving an offline build (mvn -o)", logs / "maven-offline.log", console)
    console.print(f"m2/: {downloaded} files downloaded; native/pom.xml builds from it offline")

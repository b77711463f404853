"""Resolve the lab's pinned JVM artifacts (native/pom.xml) into `<LAB_HOME>/jars` with Maven."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from rich.console import Console

from ..bundle.source import announced_choice, maven_args
from ..errors import LabError
from ..topology import REPO_ROOT
from .streamed import run_with_progress

POM = REPO_ROOT / "native" / "pom.xml"
# Everything Maven reads: the pom, the connector sources it builds. A change re-resolves.
INPUTS = [POM, REPO_ROOT / "connect" / "sinks"]


def inputs_digest() -> str:
    digest = hashlib.sha256()
    for root in INPUTS:
        files = sorted(p for p in root.rglob("*") if p.is_file() and "target" not in p.parts) if root.is_dir() else [root]
        for path in files:
            if path.exists():
                digest.update(str(path.relative_to(REPO_ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


OUTPUTS = ("kafka", "s3proxy", "opensearch", "plugins", "spark")  # what native/pom.xml fills under lab.jars


def find_maven() -> str:
    mvn = shutil.which("mvn")
    if not mvn:
        raise LabError("Maven (mvn) was not found", "install Maven 3.8+ (apt install maven / brew install maven) or use Docker")
    return mvn


def ensure_jars(target: Path, console: Console | None = None) -> Path:
    """Resolve into `target` once per pom change; show a live count of downloaded artifacts."""
    target = target.resolve()  # Maven would read a relative path from native/, not from here
    stamp = target / f".resolved-{inputs_digest()}"
    if stamp.exists() and all((target / folder).is_dir() for folder in OUTPUTS):
        return target
    mvn = find_maven()
    console = console or Console(stderr=True)
    log_path = target / "maven.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    for fixed_name in ("s3proxy", "opensearch"):  # copied under fixed names: Maven would keep a stale one
        shutil.rmtree(target / fixed_name, ignore_errors=True)
    offline = maven_args() if announced_choice("maven", lambda note: console.print(f"[dim]{note}[/dim]")).use else []
    cmd = [mvn, "-B", *offline, "-f", str(POM), f"-Dlab.jars={target}", "package"]
    returncode, downloaded = run_with_progress(cmd, "Resolving JVM artifacts from native/pom.xml", log_path,
                                               "Downloaded from", "downloaded", console, cwd=REPO_ROOT)
    if returncode != 0:
        hint = f"see {log_path}" + ("; `make doctor` checks bundle/, which Maven read offline" if offline else "")
        raise LabError(f"Maven could not resolve the lab's jars (exit {returncode})", hint)
    for old in target.glob(".resolved-*"):
        old.unlink()
    stamp.touch()
    console.print(f"JVM artifacts ready in {target} ({downloaded} downloaded)")
    return target

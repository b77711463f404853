"""Find a Java runtime new enough for Kafka (17+), or say in one line what to install."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from ..errors import LabError

INSTALL_HINT = "install Java 17+ (Debian/Ubuntu: apt install openjdk-17-jre-headless; macOS: brew install openjdk@17) or use Docker"


def java_major(java: str) -> int | None:
    """The major version `java -version` reports (8 for 1.8), or None if it cannot run."""
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=20).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def find_java(minimum: int = 17) -> str:
    """Path of a `java` at least `minimum`: $JAVA_HOME/bin/java first, then PATH."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(str(Path(os.environ["JAVA_HOME"]) / "bin" / "java"))
    if found := shutil.which("java"):
        candidates.append(found)
    if not candidates:
        raise LabError("Java was not found", INSTALL_HINT)
    for java in candidates:
        major = java_major(java)
        if major and major >= minimum:
            return java
    raise LabError(f"Java {minimum}+ is needed but {candidates[0]} is older or does not run", INSTALL_HINT)


def java_home(java: str) -> str:
    """The JAVA_HOME that contains this `java` executable."""
    return str(Path(os.path.realpath(java)).parent.parent)

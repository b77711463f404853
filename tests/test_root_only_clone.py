"""A clone under a folder only its owner may enter starts OpenSearch, and `make clean` removes it all
(issue 11, item 8).

NOT YET RUN by its author (written while another engineer held the lab's ports); run it with
`.venv/bin/python -m pytest tests/test_root_only_clone.py`.

As root this is the case of a clone under /root: OpenSearch runs as nobody, who cannot enter the
clone, so its folder moves to /var/tmp and LAB_HOME/opensearch links to it. As another user the
same steps must work with OpenSearch in place. The clone's lab runs on lab.yaml's ports + 5000 with
its own lab home, so it collides neither with a student's lab (+0) nor with the suite's (+1000).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests
from conftest import REPO

pytestmark = pytest.mark.integration

OFFSET = 5000
OPENSEARCH_PORT = 9200 + OFFSET
# The outer make's and conftest's settings must not reach the clone (conftest's LAB_* name .lab-test).
DROPPED = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "LAB_PORT_OFFSET", "LAB_HOME", "LAB_JARS", "S3_DATA_DIR")


@pytest.fixture(scope="module")
def private_clone():
    """A clone of this repository inside a 0700 folder; its lab is stopped and the folder removed after."""
    private = Path(tempfile.mkdtemp(prefix="streamlab-private-"))  # 0700, like /root
    clone = private / "streamlab"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        LAB_PORT_OFFSET=str(OFFSET), LAB_HOME=str(clone / ".lab"), S3_DATA_DIR=str(clone / "data" / "s3"),
        LAB_JARS=str(REPO / ".lab" / "jars"),  # the suite's jar cache: a second Maven download proves nothing here
        RUNTIME="native", STREAMLAB_ENV_FILE=os.devnull,
    )
    yield clone, env
    subprocess.run([sys.executable, "-m", "streamlab", "down"], cwd=clone, env=env, capture_output=True, timeout=120)
    subprocess.run(["make", "clean"], cwd=clone, env=env, capture_output=True, timeout=120)
    shutil.rmtree(private, ignore_errors=True)


def streamlab(clone: Path, env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """The clone's own code (python -m runs the package in the working folder), as `make` would."""
    return subprocess.run([sys.executable, "-m", "streamlab", *args], cwd=clone, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_opensearch_starts_from_a_clone_only_its_owner_may_enter_and_clean_removes_it(private_clone):
    clone, env = private_clone
    assert (clone.parent.stat().st_mode & 0o777) == 0o700

    up = streamlab(clone, env, "up", "opensearch")
    assert up.returncode == 0, up.stderr[-3000:]
    assert "opensearch" in up.stderr and "healthy" in up.stderr
    health = requests.get(f"http://127.0.0.1:{OPENSEARCH_PORT}/_cluster/health", timeout=10).json()
    assert health["status"] in ("green", "yellow")

    link = clone / ".lab" / "opensearch"
    folder = link.resolve()
    if os.geteuid() == 0:
        assert link.is_symlink() and folder.parent == Path("/var/tmp") and folder.name.startswith("streamlab-opensearch-")
        assert (folder / "data").is_dir() and (folder / "dist" / "bin" / "opensearch").is_file()
    else:
        assert not link.is_symlink() and folder == link

    status = streamlab(clone, env, "status")
    assert status.returncode == 0, status.stderr
    assert any("opensearch" in line and "healthy" in line for line in status.stdout.splitlines()), status.stdout

    down = streamlab(clone, env, "down")
    assert down.returncode == 0 and "opensearch" in down.stderr and "stopped" in down.stderr, down.stderr

    clean = subprocess.run(["make", "clean"], cwd=clone, env=env, capture_output=True, text=True, timeout=120)
    assert clean.returncode == 0, clean.stderr
    assert not folder.exists() and not link.exists() and not link.is_symlink()

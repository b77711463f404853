"""`make test-offline` (issue 17): a clean clone plus bundle/ installs and runs with no registry.

The clone gets a copy of bundle/ (as from a USB stick), pip's index and Maven's mirror point at a
port where nothing listens (127.0.0.1:9: refused at once), HOME is empty (no pip cache, no
~/.m2), and then, as a student would: `make up`, produce, consume, `make down`. The lab runs on
lab.yaml's ports + 2000 with its own lab home under a temp folder, so it collides neither with a
student's lab (+0) nor with `make test` (+1000). Slow (a venv and the lab from scratch), so it
is skipped unless the make target runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from streamlab.bundle.manifest import LOGS, read_manifest
from streamlab.bundle.pins import pin_digests
from streamlab.bundle.verdict import OK, bundle_verdict

pytestmark = pytest.mark.skipif(os.environ.get("STREAMLAB_OFFLINE_SMOKE") != "1",
                                reason="slow: `make test-offline` runs it (its own CI step)")

REPO = Path(__file__).resolve().parent.parent
REFUSED = "http://127.0.0.1:9/"  # the discard port: nothing listens here, a connection is refused at once
EVENTS = 200
LOG_DIR = Path(tempfile.gettempdir()) / "streamlab-offline-logs"  # each step's output, kept after the run
SETTINGS_XML = f"""<settings>
  <!-- Every repository through a mirror that refuses: only `mvn -o` against bundle/m2 can build. -->
  <mirrors><mirror><id>unreachable</id><mirrorOf>*</mirrorOf><url>{REFUSED}</url></mirror></mirrors>
</settings>
"""
# The outer make's and pytest's settings must not reach the clone's make (MAKEFLAGS would pass
# ARGS on; conftest's LAB_* point at .lab-test) nor pip (PIP_FIND_LINKS names a local folder).
DROPPED = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "VIRTUAL_ENV", "OFFLINE", "PIP_FIND_LINKS",
           "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "LAB_PORT_OFFSET", "LAB_HOME", "LAB_JARS", "S3_DATA_DIR")


@dataclass
class Clone:
    path: Path
    env: dict[str, str]
    logs: Path

    def run(self, step: str, *cmd: str, timeout: float = 300) -> str:
        """Run a command in the clone; its output goes to <step>.log and is returned. Fails with the tail."""
        log = self.logs / f"{step}.log"
        result = subprocess.run(cmd, cwd=self.path, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, timeout=timeout)
        log.write_text(result.stdout)
        if result.returncode != 0:
            tail = "\n".join(result.stdout.splitlines()[-30:])
            pytest.fail(f"`{' '.join(cmd)}` exited {result.returncode} ({log}):\n{tail}", pytrace=False)
        return result.stdout


def offline_env(root: Path) -> dict[str, str]:
    home = root / "home"
    (home / ".m2").mkdir(parents=True)
    (home / ".m2" / "settings.xml").write_text(SETTINGS_XML)
    venv_bin = str(REPO / ".venv" / "bin")
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        PATH=os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != venv_bin),
        HOME=str(home),
        MAVEN_OPTS=f"-Duser.home={home}",  # Java takes user.home from the password file, not $HOME
        PIP_INDEX_URL=REFUSED, PIP_RETRIES="0", PIP_TIMEOUT="5",
        LAB_PORT_OFFSET="2000", LAB_HOME=str(root / "lab-home"), LAB_JARS=str(root / "lab-home" / "jars"),
        S3_DATA_DIR=str(root / "lab-home" / "s3"), STREAMLAB_ENV_FILE=os.devnull, RUNTIME="native",
    )
    return env


@pytest.fixture(scope="module")
def clone() -> Clone:
    bundle = REPO / "bundle"
    verdict = bundle_verdict(bundle)
    if verdict.state != OK:
        pytest.fail(f"bundle/ is {verdict.state}: {verdict.detail}", pytrace=False)
    # Not pytest's tmp_path: its folders are 0700, and OpenSearch, run as `nobody` when the lab runs
    # as root, must be able to enter the lab home's parents.
    root = Path(tempfile.mkdtemp(prefix="streamlab-offline-"))
    root.chmod(0o755)
    try:
        yield cloned(root, bundle)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def cloned(root: Path, bundle: Path) -> Clone:
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(root / "lab")], check=True, timeout=300)
    made_for, clone_pins = read_manifest(bundle)["pins"], pin_digests(root / "lab")
    stale = [part for part in ("python", "maven") if made_for[part] != clone_pins[part]]
    if stale:
        pytest.fail(f"bundle/ was made for other {'/'.join(stale)} pins than the committed ones (commit the pin "
                    "files, or `make bundle` from a tree equal to HEAD)", pytrace=False)
    shutil.copytree(bundle, root / "lab" / "bundle", ignore=lambda folder, names: [LOGS] if Path(folder) == bundle else [])
    shutil.rmtree(LOG_DIR, ignore_errors=True)
    LOG_DIR.mkdir()
    return Clone(root / "lab", offline_env(root), LOG_DIR)


def test_the_registries_are_unreachable(clone):
    """The premise: pip's index and Maven's mirror refuse, so a pass proves that nothing was fetched."""
    pip = subprocess.run([str(REPO / ".venv/bin/python"), "-m", "pip", "download", "--no-deps", "-d",
                          str(clone.logs / "pip-download"), "faker"],
                         cwd=clone.path, env=clone.env, capture_output=True, text=True, timeout=120)
    assert pip.returncode != 0, "pip reached an index: the offline test would prove nothing"
    maven = subprocess.run(["mvn", "-B", "-f", "native/pom.xml", "help:effective-settings"],
                           cwd=clone.path, env=clone.env, capture_output=True, text=True, timeout=300)
    assert maven.returncode != 0 and REFUSED.rstrip("/") in maven.stdout, "Maven did not go through the refusing mirror"


def test_a_clean_clone_with_the_bundle_runs_offline(clone):
    try:
        up = clone.run("make-up", "make", "up", timeout=1800)
        assert "reading the Python wheels from bundle/" in up
        assert "reading the Maven repository from bundle/" in up
        produced = clone.run("produce", "make", "produce", f"ARGS=--count {EVENTS} --quiet")
        consumed = clone.run("consume", "make", "consume", "TOPIC=web_logs", f"MAX={EVENTS}")
        assert f"{EVENTS} message(s) from 'web_logs'" in consumed, produced
    finally:
        clone.run("make-down", "make", "down")
    checked = clone.run("bundle-check", ".venv/bin/streamlab", "bundle", "check")  # offline use left it intact
    assert "complete and up to date" in checked

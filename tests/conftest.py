"""Shared fixtures. Integration tests run against the real native services, started once per session.

The session uses its own state folder (.lab-test/), its own ports (lab.yaml's + 1000) and ignores the
user's .env, so a test run never touches a student's lab, running or not; it stops only the
processes it started, by PID.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TEST_HOME = REPO / ".lab-test"

# Set before any streamlab import reads settings; subprocesses (the scripts under test) inherit it.
os.environ.update(
    LAB_PORT_OFFSET="1000",  # every service on its port + 1000 (Kafka 10092, ...): the suite runs beside a student's lab
    STREAMLAB_ENV_FILE=os.devnull,
    RUNTIME="native",
    LAB_HOME=str(TEST_HOME),
    S3_DATA_DIR=str(TEST_HOME / "s3"),
    SPARK_DATA_DIR=str(TEST_HOME / "spark-data"),
)

from streamlab.clients.kafka_client import make_admin  # noqa: E402
from streamlab.config import load_settings  # noqa: E402
from streamlab.lab import Lab  # noqa: E402
from streamlab.runtime.native import NativeRuntime  # noqa: E402
from streamlab.topology import load_topology  # noqa: E402


class LabController:
    """Starts native services on first need and stops exactly those at the end of the session."""

    def __init__(self):
        self.settings = load_settings()
        self._wipe_previous_state()
        self.runtime = NativeRuntime(self.settings, load_topology())
        self.started: list[str] = []

    def _wipe_previous_state(self) -> None:
        """Each session starts from empty topics, buckets and indices (the state of .lab-test only)."""
        runtime = NativeRuntime(self.settings, load_topology())
        leftovers = [s.name for s in runtime.services() if runtime.pidfile(s.name).process()]
        if leftovers:
            raise RuntimeError(f"a previous test session left {leftovers} running in {TEST_HOME}: run `LAB_HOME={TEST_HOME} streamlab down`")
        shutil.rmtree(TEST_HOME, ignore_errors=True)

    def ensure(self, *services: str) -> None:
        missing = [s for s in services if s not in self.started]
        if not missing:
            return
        self.runtime.up(missing)
        self.started += missing
        Lab(runtime_name="native").provision(missing)

    def stop_all(self) -> None:
        if self.started:
            self.runtime.down()


@pytest.fixture(scope="session")
def lab_controller():
    controller = LabController()
    yield controller
    controller.stop_all()


@pytest.fixture(scope="session")
def kafka_bootstrap(lab_controller) -> str:
    """Address of the real native Kafka broker (started once per session)."""
    lab_controller.ensure("kafka")
    return lab_controller.settings.KAFKA_BOOTSTRAP


@pytest.fixture(scope="session")
def settings():
    return load_settings()


@pytest.fixture
def fresh_topic(kafka_bootstrap):
    """A new, empty topic with 3 partitions, unique to the test."""
    name = f"t-{uuid.uuid4().hex[:10]}"
    admin = make_admin(kafka_bootstrap)
    try:
        from streamlab.clients.topics import create

        create(admin, name, partitions=3)
    finally:
        admin.close()
    return name


def run_script(*args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Run a repo script exactly as a user does: `python <script> args...` from the repo root."""
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout, **kwargs)


def run_cli(*args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Run the `streamlab` console script."""
    return subprocess.run(
        [sys.executable, "-m", "streamlab", *args], cwd=REPO, capture_output=True, text=True, timeout=timeout, **kwargs
    )


# --- the lab console's tests (test_console_api.py, test_console_browser.py) -----------------------


@pytest.fixture(scope="module")
def console_lab(lab_controller):
    """Every service the console shows, and the connect fan-out active."""
    lab_controller.ensure("kafka", "s3", "opensearch", "connect")
    switched = run_cli("switch", "connect", timeout=180)
    assert switched.returncode == 0, switched.stderr
    return Lab(runtime_name="native")


@pytest.fixture(scope="module")
def console_url(console_lab):
    """The console served in a thread of the test process, over the real services."""
    from streamlab.console.server import start_in_thread

    server = start_in_thread(console_lab)
    yield server.url
    server.stop()

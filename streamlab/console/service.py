"""The console as a lab service: `make up` starts it after the other services (in both runtimes),
`make down` stops it, `make status` shows it.

It is a host process in either runtime (a Python process beside the containers or the JVMs), with a
PID file and a log under LAB_HOME like the native services, and is healthy when /api/health answers.
"""

from __future__ import annotations

import sys

import psutil
import requests
from rich.console import Console

from ..config import Settings
from ..errors import LabError
from ..runtime.base import ServiceStatus
from ..runtime.ports import holder_of, local_address, port_open
from ..runtime.process import PidFile, rss_mb, spawn, stop
from ..topology import REPO_ROOT, Topology
from ..waiting import wait_for
from .config import console_port

NAME = "console"
START_TIMEOUT_S = 30.0


def pidfile(settings: Settings) -> PidFile:
    return PidFile(settings.home / "run" / f"{NAME}.pid")


def log_path(settings: Settings):
    return settings.home / "logs" / f"{NAME}.log"


def health_url(settings: Settings, port: int) -> str:
    return f"http://{local_address(settings.LAB_BIND)}:{port}/api/health"


def healthy(settings: Settings, port: int) -> bool:
    try:
        return requests.get(health_url(settings, port), timeout=2).status_code == 200
    except requests.RequestException:
        return False


def start_console(settings: Settings, topology: Topology, runtime: str, console: Console) -> int:
    """Start the console unless ours already runs; wait until it answers. Returns its PID. Idempotent."""
    port = console_port(topology)
    running = pidfile(settings).process()
    if running:
        console.print(f"{NAME:<11} already running (pid {running.pid}, port {port})")
        return running.pid
    if port_open(port):
        raise LabError(f"port {port} for the console is already taken by {holder_of(port)}", "stop that process or run `make down`")
    command = [sys.executable, "-m", "streamlab.console", "--runtime", runtime, "--port", str(port)]
    pid = spawn(command, log_path(settings), cwd=REPO_ROOT)
    pidfile(settings).write(pid)
    process = psutil.Process(pid)

    def died() -> str | None:
        alive = process.is_running() and process.status() != psutil.STATUS_ZOMBIE
        return None if alive else f"the console exited during start (see {log_path(settings)})"

    try:
        ok = wait_for(lambda: healthy(settings, port), START_TIMEOUT_S, "waiting for the console", console, abort=died)
    except RuntimeError as exc:
        pidfile(settings).path.unlink(missing_ok=True)
        raise LabError(str(exc)) from None
    if not ok:
        raise LabError(f"the console did not answer within {START_TIMEOUT_S:.0f}s", f"see {log_path(settings)}")
    console.print(f"{NAME:<11} healthy on port {port} (pid {pid})")
    return pid


def stop_console(settings: Settings, console: Console) -> bool:
    """Stop our console process, if it runs; True when one was stopped."""
    process = pidfile(settings).process()
    if process is None:
        return False
    stop(process)
    pidfile(settings).path.unlink(missing_ok=True)
    console.print(f"{NAME:<11} stopped (pid {process.pid})")
    return True


def console_status(settings: Settings, topology: Topology) -> ServiceStatus:
    """The console's row for `make status`."""
    port = console_port(topology)
    process = pidfile(settings).process()
    if process is None:
        return ServiceStatus(NAME, "stopped", port)
    state = "healthy" if healthy(settings, port) else "starting"
    return ServiceStatus(NAME, state, port, process.pid, rss_mb(process), str(log_path(settings)))

"""The lab's services as containers or as native processes, behind one interface.

`select_runtime` picks docker when an engine answers (or RUNTIME=docker), else native.
Modules: base (the Runtime contract, ServiceStatus), docker (compose), native (supervised
processes), native_services (each service's command line and health), jars (the pinned jar
cache), java (finding a JDK), ports (who holds a port), process (PID files, start, stop),
doctor (checks of this machine before class).
"""

from __future__ import annotations

from rich.console import Console

from ..config import Settings
from ..errors import LabError
from ..topology import Topology
from .base import Runtime, ServiceStatus
from .docker import DockerRuntime, engine_answers
from .native import NativeRuntime

__all__ = ["Runtime", "ServiceStatus", "DockerRuntime", "NativeRuntime", "select_runtime"]


def select_runtime(settings: Settings, topology: Topology, console: Console, announce: bool = True) -> Runtime:
    """RUNTIME=auto|docker|native; auto says which it chose and why."""
    choice = settings.RUNTIME
    reason = f"RUNTIME={choice}"
    if choice == "auto":
        choice, reason = ("docker", "a Docker engine answers") if engine_answers() else ("native", "no Docker engine answers")
    elif choice == "docker" and not engine_answers():
        raise LabError("RUNTIME=docker but no Docker engine answers", "start Docker Desktop / dockerd, or set RUNTIME=native")
    if announce:
        console.print(f"[dim]runtime: {choice} ({reason})[/dim]")
    cls = DockerRuntime if choice == "docker" else NativeRuntime
    return cls(settings, topology, console)

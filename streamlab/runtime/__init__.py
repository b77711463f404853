"""The lab's services as containers or as native processes, behind one interface.

`choose_runtime` picks docker when an engine answers (or RUNTIME=docker), else native, and says why;
`make_runtime` builds it; `select_runtime` does both.
Modules: base (the Runtime contract, ServiceStatus), docker (compose), native (supervised
processes), native_services (each service's command line and health), fluent_bit (the EFK
fan-out as a native process), opensearch_home (where OpenSearch lives when run as nobody),
opensearch_launch (OpenSearch's JVM without its start script), cds (class-data sharing archives), jars
(the pinned jar cache), java (finding a JDK), ports (who holds a port, where a service answers),
process (PID files, start, stop), doctor (checks of this machine before class).
"""

from __future__ import annotations

from rich.console import Console

from ..config import Settings
from ..errors import LabError
from ..topology import Topology
from .base import Runtime, ServiceStatus
from .docker import DockerRuntime, engine_answers
from .native import NativeRuntime

__all__ = ["Runtime", "ServiceStatus", "DockerRuntime", "NativeRuntime", "choose_runtime", "make_runtime",
           "runtime_line", "select_runtime"]


def choose_runtime(settings: Settings) -> tuple[str, str]:
    """(docker|native, why) from RUNTIME=auto|docker|native; auto asks whether a Docker engine answers."""
    choice = settings.RUNTIME
    if choice == "auto":
        return ("docker", "a Docker engine answers") if engine_answers() else ("native", "no Docker engine answers")
    if choice == "docker" and not engine_answers():
        raise LabError("RUNTIME=docker but no Docker engine answers", "start Docker Desktop / dockerd, or set RUNTIME=native")
    return choice, f"RUNTIME={choice}"


def runtime_line(choice: str, reason: str) -> str:
    return f"runtime: {choice} ({reason})"


def make_runtime(choice: str, settings: Settings, topology: Topology, console: Console) -> Runtime:
    cls = DockerRuntime if choice == "docker" else NativeRuntime
    return cls(settings, topology, console)


def select_runtime(settings: Settings, topology: Topology, console: Console, announce: bool = True) -> Runtime:
    """The chosen runtime; `announce` prints which and why (the CLI does so only for `up` and `status`)."""
    choice, reason = choose_runtime(settings)
    if announce:
        console.print(f"[dim]{runtime_line(choice, reason)}[/dim]")
    return make_runtime(choice, settings, topology, console)

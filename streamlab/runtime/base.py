"""What every runtime offers the CLI, and the status row both runtimes report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    state: str  # healthy | starting | stopped | unhealthy | external
    port: int | None = None
    pid: int | None = None
    memory_mb: float | None = None
    detail: str = ""


class Runtime(Protocol):
    name: str

    def up(self, only: list[str] | None = None) -> None: ...

    def down(self) -> None: ...

    def status(self) -> list[ServiceStatus]: ...

    def log_tail(self, service: str, lines: int) -> str: ...

    def address_for_containers(self, url: str, service: str) -> str: ...

"""The lab itself for the console: its services (from the runtime) and the active fan-out pipeline."""

from __future__ import annotations

import os
from collections.abc import Callable

import psutil

from ...errors import LabError
from ..errors import from_lab_error
from ..flow import ActivePipeline
from ..redact import Redactor


class LabSource:
    def __init__(self, runtime: str, status: Callable[[], list], pipeline: Callable[[], ActivePipeline | None],
                 settings: dict[str, str], redactor: Redactor, console_port: int | None = None):
        self.runtime, self._status, self._pipeline = runtime, status, pipeline
        self.settings, self.redactor = settings, redactor  # settings: public ones only (redact.public_settings)
        self.console_port = console_port

    def services(self) -> list[dict]:
        """Every service's state, port, PID and memory, as `make status` shows them."""
        try:
            rows = self._status()
        except LabError as exc:
            raise from_lab_error(exc) from None
        shown = [{"name": row.name, "state": row.state, "port": row.port, "pid": row.pid,
                  "memory_mb": round(row.memory_mb, 1) if row.memory_mb else None,
                  "detail": self.redactor.text(row.detail)} for row in rows]
        if not any(row["name"] == "console" for row in shown):
            shown.append(self.itself())  # the runtime does not list the console: it is this very process
        return shown

    def itself(self) -> dict:
        rss = psutil.Process().memory_info().rss / 2**20
        return {"name": "console", "state": "healthy", "port": self.console_port, "pid": os.getpid(), "memory_mb": round(rss, 1), "detail": ""}

    def pipeline(self) -> ActivePipeline | None:
        try:
            return self._pipeline()
        except LabError as exc:
            raise from_lab_error(exc) from None

    def info(self) -> dict:
        return {"runtime": self.runtime, "settings": self.settings}

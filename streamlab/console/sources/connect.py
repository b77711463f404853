"""Kafka Connect for the console: connectors and tasks, the actions, and the lab's connector files.

Configs and traces pass the redactor on their way out: a sink's config holds its S3 keys or its
OpenSearch password, and the page shows neither.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from ...clients.connect import ConnectClient, render
from ...errors import LabError
from ...fanout.connectors import ConnectorRejected
from ...fanout.connectors import register as register_connector
from ..errors import ConsoleError, bad_request, from_lab_error, not_found
from ..redact import Redactor

ACTIONS = ("pause", "resume", "restart")
REGISTER_WAIT_S = 45.0


class ConsoleConnect(ConnectClient):
    """The lab's Connect client plus the one call it lacks: every connector with status and config."""

    def expanded(self) -> dict:
        return self._json("GET", "/connectors?expand=status&expand=info") or {}


class ConnectSource:
    def __init__(self, client: ConsoleConnect, files_dir: Path, variables: Callable[[], dict[str, str]], redactor: Redactor):
        self.client, self.files_dir, self.variables, self.redactor = client, files_dir, variables, redactor

    def _call(self, call: Callable, *args):
        try:
            return call(*args)
        except LabError as exc:
            raise from_lab_error(exc) from None

    def states(self) -> list[dict]:
        """Connector and task states only: what the overview colors its boxes with."""
        return [{"name": c["name"], "state": c["state"], "tasks": [t["state"] for t in c["tasks"]]} for c in self.connectors()]

    def connectors(self) -> list[dict]:
        expanded = self._call(self.client.expanded)
        return [self._view(name, entry) for name, entry in sorted(expanded.items())]

    def _view(self, name: str, entry: dict) -> dict:
        status, info = entry.get("status") or {}, entry.get("info") or {}
        config = info.get("config") or {}
        connector = status.get("connector") or {}
        return {
            "name": name,
            "type": status.get("type") or info.get("type", ""),
            "class": config.get("connector.class", ""),
            "state": connector.get("state", "UNKNOWN"),
            "worker": connector.get("worker_id", ""),
            "trace": self.redactor.text(connector.get("trace")),
            "topics": config.get("topics") or config.get("topics.regex") or "",
            "group": f"connect-{name}",  # a sink connector's consumer group, by Connect's convention
            "tasks": [{"id": t.get("id"), "state": t.get("state"), "worker": t.get("worker_id", ""),
                       "trace": self.redactor.text(t.get("trace"))} for t in status.get("tasks") or []],
            "config": self.redactor.config(config),
        }

    def act(self, name: str, action: str) -> dict:
        """pause | resume | restart | delete, then the connector's state as Connect reports it."""
        if action not in (*ACTIONS, "delete"):
            raise bad_request(f"unknown action {action!r}; one of {', '.join((*ACTIONS, 'delete'))}")
        if name not in self._call(self.client.names):
            raise not_found(f"connector {name!r} does not exist")
        self._call(getattr(self.client, action), name)
        return {"name": name, "action": action, "requested": True}

    def files(self) -> list[dict]:
        """The lab's connectors/*.json: file, connector name and class (or why it cannot be rendered)."""
        variables = self.variables()
        rows = []
        for path in sorted(self.files_dir.glob("*.json")):
            try:
                connector = render(path, variables)
                rows.append({"file": path.name, "name": connector.name, "class": connector.connector_class, "error": None})
            except LabError as exc:
                rows.append({"file": path.name, "name": None, "class": None, "error": self.redactor.text(str(exc))})
        return rows

    def register(self, file_name: str) -> dict:
        """Validate, PUT (idempotent) and wait until running, as `streamlab connect register` does."""
        path = self._lab_file(file_name)
        quiet = Console(file=io.StringIO())  # the CLI's spinner has no terminal here
        try:
            connector, outcome, state = register_connector(self.client, path, self.variables(), REGISTER_WAIT_S, quiet)
        except ConnectorRejected as exc:
            raise ConsoleError(400, "rejected", self.redactor.text(f"Kafka Connect rejected {path.name}: {'; '.join(exc.errors)}")) from None
        except LabError as exc:
            raise from_lab_error(LabError(self.redactor.text(str(exc)) or "", exc.hint, exc.exit_code)) from None
        return {"name": connector.name, "outcome": outcome, "state": state.get("connector", {}).get("state"),
                "tasks": [t.get("state") for t in state.get("tasks", [])]}

    def _lab_file(self, file_name: str) -> Path:
        """Only a file of the lab's connectors/ folder, by its bare name: no paths from the page."""
        known = {path.name: path for path in self.files_dir.glob("*.json")}
        if file_name not in known:
            raise not_found(f"no connector file {file_name!r} in connectors/ (known: {', '.join(sorted(known)) or 'none'})")
        return known[file_name]

"""Register the lab's connector files: render `${VAR}`s, validate with Connect, PUT, wait for RUNNING."""

from __future__ import annotations

from pathlib import Path

from ..clients.connect import ConnectClient, Connector, render
from ..errors import LabError


class ConnectorRejected(LabError):
    """Connect's validate endpoint refused fields of a connector file; `errors` holds one line per field."""

    def __init__(self, path: Path, errors: list[str]):
        super().__init__(f"Kafka Connect rejected {path.name}: {'; '.join(errors)}", exit_code=2)
        self.errors = errors


def validated(client: ConnectClient, path: Path, variables: dict[str, str]) -> Connector:
    """The rendered connector, once Connect accepts every field."""
    connector = render(path, variables)
    if errors := client.validate(connector):
        raise ConnectorRejected(path, errors)
    return connector


def register(client: ConnectClient, path: Path, variables: dict[str, str], timeout_s: float, console) -> tuple[Connector, str, dict]:
    """Validate, PUT (idempotent) and wait until running: (connector, created|updated|unchanged, state)."""
    connector = validated(client, path, variables)
    outcome = client.put_config(connector)
    state = client.wait_running(connector.name, timeout_s, console)
    return connector, outcome, state

"""`streamlab connect register | list | status | pause | resume | restart | delete`: Kafka Connect, for students."""

from __future__ import annotations

from pathlib import Path

import typer

from ..clients.connect import landing_prefix, summarize
from ..clients.s3 import s3_location
from ..errors import LabError
from ..fanout.connectors import ConnectorRejected
from ..fanout.connectors import register as register_connector
from ..lab import Lab
from .tables import new_table

ACTIONS = {
    "pause": "Pause a connector (it keeps its offsets).",
    "resume": "Resume a paused connector.",
    "restart": "Restart a connector and all its tasks.",
    "delete": "Delete a connector (its offsets stay in Kafka).",
}


def register(app: typer.Typer, lab: Lab, out) -> None:
    connect_app = typer.Typer(no_args_is_help=True, help="Register and manage Kafka Connect connectors.")
    app.add_typer(connect_app, name="connect")

    @connect_app.command("register")
    def register_(file: Path, timeout: float = typer.Option(60, help="seconds to wait for RUNNING")):
        """Render FILE (${VAR} from .env), validate it, PUT it (idempotent), wait until it runs."""
        try:
            connector, outcome, state = register_connector(lab.connect(), file, lab.connect_variables(), timeout, lab.console)
        except ConnectorRejected as exc:
            for line in exc.errors:
                lab.console.print(f"[red]  {line}[/red]", highlight=False)
            raise LabError(f"Kafka Connect rejected {file.name}: {len(exc.errors)} field error(s) above", exit_code=2) from None
        lab.console.print(f"connector {connector.name}: {outcome}, {summarize(state)}")
        if "S3Sink" in connector.connector_class:
            prefix = landing_prefix(connector.config)
            lab.console.print(f"objects land in s3://{connector.config.get('aws.s3.bucket.name')}/{prefix} at {s3_location(lab.settings)}"
                              + (f" (files under {lab.settings.S3_DATA_DIR}/)" if lab.settings.local_s3 else ""))

    @connect_app.command("list")
    def list_connectors():
        """Connectors and their state."""
        client = lab.connect()
        table = new_table(f"connectors at {lab.settings.CONNECT_URL}", "name", "state")
        for name in client.names():
            table.add_row(name, summarize(client.status(name)))
        out.print(table)

    @connect_app.command("status")
    def status(name: str):
        """Connector and task states; a failed task shows the first line of its trace."""
        state = lab.connect().status(name)
        out.print(f"{name}: {summarize(state)}", highlight=False)
        for task in state.get("tasks", []):
            if task.get("trace"):
                out.print(f"  task {task['id']}: {task['trace'].strip().splitlines()[0]}", highlight=False)

    for verb, doc in ACTIONS.items():
        connect_app.command(verb)(_action(lab, out, verb, doc))


def _action(lab: Lab, out, verb: str, doc: str):
    def command(name: str):
        getattr(lab.connect(), verb)(name)
        out.print(f"{name}: {verb} requested")

    command.__doc__ = doc
    return command

"""`streamlab connect ...` and `streamlab s3 ...`: the Connect REST API and the S3 store, for students."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from .connect import summarize, render
from .errors import LabError
from .lab import Lab
from .s3store import list_objects, read_object, where


def landing_prefix(config: dict[str, str]) -> str:
    """The folder an S3 sink writes to: its file.name.template up to the time folders, e.g. topics/web_logs/."""
    template = config.get("file.name.template", "topics/{{topic}}/")
    topic = config.get("topics") or "<topic>"  # a topics.regex sink writes one folder per topic
    head = template.replace("{{topic}}", topic).split("{{")[0]
    return head[: head.rfind("/") + 1]


def build(lab: Lab, out) -> tuple[typer.Typer, typer.Typer]:
    connect_app = typer.Typer(no_args_is_help=True, help="Register and manage Kafka Connect connectors.")
    s3_app = typer.Typer(no_args_is_help=True, help="Browse the S3 store the sinks write to.")

    @connect_app.command("register")
    def register(file: Path, timeout: float = typer.Option(60, help="seconds to wait for RUNNING")):
        """Render FILE (${VAR} from .env), validate it, PUT it (idempotent), wait until it runs."""
        connector = render(file, lab.connect_variables())
        client = lab.connect()
        errors = client.validate(connector)
        if errors:
            for line in errors:
                lab.console.print(f"[red]  {line}[/red]", highlight=False)
            raise LabError(f"Kafka Connect rejected {file.name}: {len(errors)} field error(s) above", exit_code=2)
        outcome = client.put_config(connector)
        state = client.wait_running(connector.name, timeout, lab.console)
        lab.console.print(f"connector {connector.name}: {outcome}, {summarize(state)}")
        if "S3Sink" in connector.connector_class:
            prefix = landing_prefix(connector.config)
            lab.console.print(f"objects land in s3://{connector.config.get('aws.s3.bucket.name')}/{prefix} at {where(lab.settings)}"
                              + (f" (files under {lab.settings.S3_DATA_DIR}/)" if lab.settings.local_s3 else ""))

    @connect_app.command("list")
    def list_connectors():
        """Connectors and their state."""
        client = lab.connect()
        table = Table(title=f"connectors at {lab.settings.CONNECT_URL}")
        table.add_column("name")
        table.add_column("state")
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

    def simple(verb: str, doc: str):
        def command(name: str):
            getattr(lab.connect(), verb)(name)
            out.print(f"{name}: {verb} requested")

        command.__doc__ = doc
        connect_app.command(verb)(command)

    simple("pause", "Pause a connector (it keeps its offsets).")
    simple("resume", "Resume a paused connector.")
    simple("restart", "Restart a connector and all its tasks.")
    simple("delete", "Delete a connector (its offsets stay in Kafka).")

    @s3_app.command("ls")
    def ls(prefix: str = typer.Argument("", help="key prefix, e.g. topics/web_logs/year=2026/")):
        """Objects as a table: key, size, records."""
        rows = list_objects(lab.settings, prefix)
        if not out.is_terminal:  # piped: plain tab-separated lines, never truncated
            for key, size, records in rows:
                print(f"{key}\t{size}\t{records}")
            return
        table = Table(title=f"s3://{lab.settings.S3_BUCKET}/{prefix} ({len(rows)} objects, {sum(r[2] or 0 for r in rows)} records)")
        for column in ("key", "size", "records"):
            table.add_column(column)
        for key, size, records in rows:
            table.add_row(key, f"{size:,}", str(records))
        out.print(table)

    @s3_app.command("cat")
    def cat(key: str):
        """Print one object (gunzipped if needed)."""
        out.print(read_object(lab.settings, key).decode(errors="replace"), end="", markup=False, highlight=False)

    return connect_app, s3_app

"""`streamlab topics create | list | describe | delete`."""

from __future__ import annotations

from typing import Optional

import typer

from ..clients import topics as topic_ops
from ..lab import Lab
from .options import BOOTSTRAP_SERVERS
from .tables import new_table


def register(app: typer.Typer, lab: Lab, out) -> None:
    topics_app = typer.Typer(no_args_is_help=True, help="Create, list, describe and delete topics.")
    app.add_typer(topics_app, name="topics")

    @topics_app.command("create")
    def create(
        name: str,
        partitions: int = typer.Option(1, "--partitions", "-p"),
        replication: int = typer.Option(1, "--replication", "-r"),
        config: list[str] = typer.Option([], "--config", "-c", help="KEY=VALUE, repeatable"),
        bootstrap_servers: Optional[str] = BOOTSTRAP_SERVERS,
    ):
        """Create a topic (no-op when it exists)."""
        configs = topic_ops.parse_configs(config)
        created = topic_ops.create(lab.admin(bootstrap_servers), name, partitions, replication, configs)
        out.print(f"created topic {name!r}" if created else f"topic {name!r} already exists")

    @topics_app.command("list")
    def list_(
        internal: bool = typer.Option(False, "--internal", help="include __consumer_offsets and other internal topics"),
        bootstrap_servers: Optional[str] = BOOTSTRAP_SERVERS,
    ):
        """Topic names, one per line."""
        for name in topic_ops.list_names(lab.admin(bootstrap_servers), internal):
            out.print(name, highlight=False)

    @topics_app.command("describe")
    def describe(name: str, bootstrap_servers: Optional[str] = BOOTSTRAP_SERVERS):
        """Partitions (leader, replicas, ISR) and non-default configs."""
        partitions, configs = topic_ops.describe(lab.admin(bootstrap_servers), name)
        table = new_table(f"{name}: {len(partitions)} partition(s)", "partition", "leader", "replicas", "isr")
        for p in partitions:
            table.add_row(str(p.partition), str(p.leader), ",".join(map(str, p.replicas)), ",".join(map(str, p.isr)))
        out.print(table)
        for key, value in sorted(configs.items()):
            out.print(f"  {key}={value}", highlight=False)

    @topics_app.command("delete")
    def delete(name: str, bootstrap_servers: Optional[str] = BOOTSTRAP_SERVERS):
        """Delete a topic."""
        topic_ops.delete(lab.admin(bootstrap_servers), name)
        out.print(f"deleted topic {name!r}")

"""`streamlab cluster ...`: the three-broker cluster of seed 003 and its failover drill."""

from __future__ import annotations

import typer
from rich.table import Table

from .errors import LabError
from .lab import Lab

STATE_COLORS = {"healthy": "green", "running": "green", "stopped": "dim", "starting": "yellow"}


def status_table(title: str, rows) -> Table:
    """Service rows (state, port, PID, memory) as the table `streamlab status` prints."""
    table = Table(title=title)
    for column in ("service", "state", "port", "pid", "memory", "detail"):
        table.add_column(column)
    for row in rows:
        color = STATE_COLORS.get(row.state, "red")
        memory = f"{row.memory_mb:.0f} MiB" if row.memory_mb else ""
        table.add_row(row.name, f"[{color}]{row.state}[/{color}]", str(row.port or ""), str(row.pid or ""), memory, row.detail)
    return table


def build(lab: Lab, out) -> typer.Typer:
    app = typer.Typer(no_args_is_help=True, help="Three-broker KRaft cluster (seed 003): up, down, status, failover drill.")

    def runtime():
        from .cluster import ClusterRuntime

        return ClusterRuntime(lab.settings, lab.topology, lab.console)

    @app.command("up")
    def up():
        """Start the three nodes (broker + controller each) and wait until all are brokers in the metadata."""
        cluster = runtime()
        cluster.up()
        lab.console.print(f"[green]cluster is up[/green]: bootstrap {cluster.spec.bootstrap} "
                          f"(replication {cluster.spec.replication}, min ISR {cluster.spec.min_isr})")

    @app.command("down")
    def down():
        """Stop the cluster's nodes (only the processes it started, by PID)."""
        runtime().down()

    @app.command("status")
    def status():
        """Nodes: state, port, PID, memory."""
        out.print(status_table("three-broker cluster (native)", runtime().status()))

    @app.command("drill")
    def drill(
        rate: float = typer.Option(200, "--rate", help="events per second"),
        before: float = typer.Option(5, "--before", help="seconds of producing before the kill"),
        down_for: float = typer.Option(15, "--down-for", help="seconds the broker stays down while producing goes on"),
        after: float = typer.Option(5, "--after", help="seconds of producing after the restart"),
        node: str = typer.Option("leader", "--node", help="node to kill: 1, 2, 3, or `leader` (of partition 0)"),
    ):
        """Produce acks=all, SIGKILL a broker mid-stream, restart it, then count every acknowledged event."""
        from .cluster_drill import DrillPlan, run_drill

        if rate <= 0 or min(before, down_for, after) < 0:
            raise LabError("--rate must be positive and the durations non-negative", exit_code=2)
        report = run_drill(runtime(), DrillPlan(rate, before, down_for, after, node))
        out.print(report.table())
        if report.missing:
            raise LabError(f"{report.missing} acknowledged event(s) were lost")

    return app

"""`streamlab cluster up | down | status | drill`: the three-broker cluster of seed 003 and its failover drill."""

from __future__ import annotations

import typer

from ..errors import LabError
from ..lab import Lab
from .tables import status_table


def register(app: typer.Typer, lab: Lab, out) -> None:
    cluster_app = typer.Typer(no_args_is_help=True, help="Three-broker KRaft cluster (seed 003): up, down, status, failover drill.")
    app.add_typer(cluster_app, name="cluster")

    def runtime():
        from ..cluster.runtime import ClusterRuntime

        return ClusterRuntime(lab.settings, lab.topology, lab.console)

    @cluster_app.command("up")
    def up():
        """Start the three nodes (broker + controller each), wait until all are brokers, create replicated-topic."""
        from ..cluster.drill import PARTITIONS, TOPIC, ensure_topic

        cluster = runtime()
        cluster.up()
        ensure_topic(cluster)  # so `topics describe replicated-topic` works before the first drill
        lab.console.print(f"[green]cluster is up[/green]: bootstrap {cluster.spec.bootstrap} "
                          f"(replication {cluster.spec.replication}, min ISR {cluster.spec.min_isr}); "
                          f"topic {TOPIC!r} is ready ({PARTITIONS} partitions)")

    @cluster_app.command("down")
    def down():
        """Stop the cluster's nodes (only the processes it started, by PID)."""
        runtime().down()

    @cluster_app.command("status")
    def status():
        """Nodes: state, port, PID, memory."""
        out.print(status_table("three-broker cluster (native)", runtime().status()))

    @cluster_app.command("drill")
    def drill(
        rate: float = typer.Option(200, "--rate", help="events per second"),
        before: float = typer.Option(5, "--before", help="seconds of producing before the kill"),
        down_for: float = typer.Option(15, "--down-for", help="seconds the broker stays down while producing goes on"),
        after: float = typer.Option(5, "--after", help="seconds of producing after the restart"),
        node: str = typer.Option("leader", "--node", help="node to kill: 1, 2, 3, or `leader` (of partition 0)"),
    ):
        """Produce acks=all, SIGKILL a broker mid-stream, restart it, then count every acknowledged event."""
        from ..cluster.drill import TOPIC, DrillPlan, run_drill

        if rate <= 0 or min(before, down_for, after) < 0:
            raise LabError("--rate must be positive and the durations non-negative", exit_code=2)
        cluster = runtime()
        report = run_drill(cluster, DrillPlan(rate, before, down_for, after, node))
        out.print(report.table())
        if report.missing is None:
            # Every drill adds to the topic, and the read-back reads all of it.
            raise LabError(f"{report.incomplete}: whether the rest are in {TOPIC} is unknown",
                           f"`streamlab topics delete {TOPIC} --bootstrap-servers {cluster.spec.bootstrap}` "
                           "empties it (the drill creates it again); then run the drill again")
        if report.missing:
            raise LabError(f"{report.missing} acknowledged event(s) were lost")

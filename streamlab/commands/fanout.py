"""`streamlab switch | pipeline | verify`: the fan-out pipelines and the check that they deliver."""

from __future__ import annotations

import typer

from ..errors import LabError
from ..fanout import pipelines
from ..lab import Lab
from .tables import new_table, verify_table


def register(app: typer.Typer, lab: Lab, out) -> None:
    @app.command()
    def switch(name: str = typer.Argument(..., help="connect | elk | efk")):
        """Make NAME the one active fan-out pipeline (stops the others, waits until healthy)."""
        pipelines.switch(lab, name)

    @app.command("pipeline")
    def pipeline_status():
        """Which fan-out pipeline is active, and where each writes."""
        table = new_table(f"fan-out pipelines ({lab.runtime.name} runtime)", "pipeline", "state", "S3", "OpenSearch", "what")
        topic = lab.settings.WEB_LOGS_TOPIC
        for p in pipelines.PIPELINES.values():
            state = "[green]active[/green]" if pipelines.is_active(lab, p) else "inactive"
            if need := p.container and lab.runtime.needs_for(p.container):
                state = f"[dim]needs {need}[/dim]"
            table.add_row(p.name, state, p.s3_prefix.format(topic=topic), p.index_pattern.format(topic=topic), p.about)
        out.print(table)

    @app.command()
    def verify(
        count: int = typer.Option(200, "--count", "-n", help="events to send"),
        rate: float = typer.Option(100, "--rate", help="events per second"),
        timeout: float = typer.Option(0, "--timeout", help="seconds to wait for the sinks (default: 45, or 150 for elk/efk)"),
    ):
        """Send tagged events through the active pipeline; report received/missing/duplicated/latency per sink."""
        from ..fanout.verify import run

        if count < 1:
            raise LabError("--count must be at least 1", exit_code=2)
        pipeline, reports = run(lab, count, rate, timeout or None)
        out.print(verify_table(f"verify: {count} events through the {pipeline.name} pipeline", reports))
        lost = sum(r["missing"] for r in reports)
        if lost:
            raise LabError(f"{lost} event(s) missing in the sinks of the {pipeline.name} pipeline")

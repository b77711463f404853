"""`streamlab gateway`: the HTTP ingestion gateway (seed 004)."""

from __future__ import annotations

from typing import Optional

import typer

from ..lab import Lab


def register(app: typer.Typer, lab: Lab, out) -> None:
    @app.command()
    def gateway(port: Optional[int] = typer.Option(None, "--port", help="default: lab.yaml gateway.port (8088)")):
        """HTTP ingestion gateway (seed 004): POST /v2/{stream} puts JSON records into topic `stream`."""
        from ..gateway.server import serve

        serve(lab.settings, lab.topology, port, lab.console)

"""`streamlab console`: the lab console, one web page that shows the whole lab live."""

from __future__ import annotations

import typer

from ..lab import Lab


def register(app: typer.Typer, lab: Lab, out) -> None:
    @app.command()
    def console(port: int | None = typer.Option(None, "--port", help="default: lab.yaml's console port (8090)")):
        """The lab console on http://127.0.0.1:8090: services, the pipeline live, topics, groups, connectors, S3, OpenSearch."""
        from ..console.server import serve

        serve(lab, port, lab.console)

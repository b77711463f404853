"""`streamlab`: the lab's command line and composition root.

It wires settings (.env), the topology (lab.yaml), the runtime (docker or native), the Kafka admin,
the Connect client, S3 and OpenSearch. Every user error ends as one line and a non-zero exit.
"""

from __future__ import annotations

from typing import Optional

import typer
from rich.console import Console

from .commands import bundle, check, cluster, connect, console, data, fanout, gateway, lifecycle, s3, topics
from .lab import Lab
from .scripting.run import run_main

# Every command group, in the order `streamlab --help` lists them (commands first, then groups).
COMMAND_GROUPS = (lifecycle, data, fanout, check, gateway, console, topics, connect, s3, cluster, bundle)


def build_app(lab: Lab, out: Console) -> typer.Typer:
    """The typer app with every command group registered against one Lab."""
    app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.splitlines()[0], pretty_exceptions_enable=False)

    @app.callback()
    def _root(runtime: Optional[str] = typer.Option(None, "--runtime", help="docker|native|auto (overrides RUNTIME in .env)")):
        lab.runtime_name = runtime

    for group in COMMAND_GROUPS:
        group.register(app, lab, out)
    return app


def main() -> None:
    """Console-script entry: build the lab and the app, run it; errors become exit codes in scripting.run."""
    lab = Lab()
    run_main(build_app(lab, Console(soft_wrap=True)), lab.console)

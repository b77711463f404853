"""`streamlab up | down | status | logs | doctor`: the lab's services."""

from __future__ import annotations

import time
from typing import Optional

import typer

from ..errors import LabError
from ..lab import Lab
from ..runtime.doctor import failed_checks, run_checks
from .tables import doctor_table, status_table


def register(app: typer.Typer, lab: Lab, out) -> None:
    @app.command()
    def up(only: Optional[list[str]] = typer.Argument(None, help="services to start (default: all)")):
        """Start the lab (each service healthy before the next), create default topics and buckets."""
        started = time.monotonic()
        lab.announce_runtime()
        lab.up(only or None)
        lab.console.print(f"[green]lab is up[/green] in {time.monotonic() - started:.1f}s ({lab.runtime.name} runtime); `streamlab status` shows it")

    @app.command()
    def down():
        """Stop the lab's services (only the processes it started)."""
        lab.down()

    @app.command()
    def status():
        """A table of services: state, port, PID and memory."""
        lab.announce_runtime()
        out.print(status_table(f"streamlab ({lab.runtime.name} runtime)", lab.status()))

    @app.command()
    def logs(service: str, lines: int = typer.Option(100, "--lines", "-n", help="how many lines from the end")):
        """The last lines of one service's log."""
        out.print(lab.runtime.log_tail(service, lines), end="", markup=False, highlight=False)

    @app.command()
    def doctor(checksums: bool = typer.Option(False, "--checksums", help="read every bundle/ file's sha256 (sizes only by default)")):
        """Check this machine before class: Python, Java, Maven, Docker, ports, .env (secrets masked), bundle/."""
        checks = run_checks(lab.settings, lab.topology, bundle_checksums=checksums)
        out.print(doctor_table(checks))
        if failed := failed_checks(checks):
            raise LabError(f"{len(failed)} check(s) failed: {', '.join(c.name for c in failed)}")

"""The tables the commands print: service status, doctor checks, verify reports, pipelines."""

from __future__ import annotations

from rich.table import Table

STATE_COLORS = {"healthy": "green", "running": "green", "stopped": "dim", "starting": "yellow"}
CHECK_COLORS = {"ok": "green", "warn": "yellow", "FAIL": "red"}


def new_table(title: str, *columns: str) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    return table


def status_table(title: str, rows) -> Table:
    """Service rows (state, port, PID, memory) as the table `streamlab status` prints."""
    table = new_table(title, "service", "state", "port", "pid", "memory", "detail")
    for row in rows:
        color = STATE_COLORS.get(row.state, "red")
        memory = f"{row.memory_mb:.0f} MiB" if row.memory_mb else ""
        table.add_row(row.name, f"[{color}]{row.state}[/{color}]", str(row.port or ""), str(row.pid or ""), memory, row.detail)
    return table


def doctor_table(checks) -> Table:
    table = new_table("streamlab doctor", "check", "result", "detail")
    for check in checks:
        table.add_row(check.name, f"[{CHECK_COLORS[check.result]}]{check.result}[/]", check.detail)
    return table


def _seconds(value: float | None) -> str:
    return f"{value:.2f}s" if value is not None else "-"


def verify_table(title: str, reports: list[dict]) -> Table:
    table = new_table(title, "sink", "received", "missing", "duplicated", "p50 latency", "p99 latency")
    for r in reports:
        color = "green" if r["missing"] == 0 else "red"
        table.add_row(r["sink"], str(r["received"]), f"[{color}]{r['missing']}[/{color}]", str(r["duplicated"]),
                      _seconds(r["p50"]), _seconds(r["p99"]))
    return table


def _mark(ok: bool) -> str:
    return "[green]✓[/green]" if ok else "[red]✗[/red]"


def checklist_table(report) -> Table:
    """One lab's criteria: ✓ or ✗ and what was observed."""
    title = f"{report.lab} (seed {report.seed}): {'done' if report.done else 'not done yet'}"
    table = new_table(title, "", "criterion", "observed")
    for criterion in report.criteria:
        table.add_row(_mark(criterion.ok), criterion.name, criterion.detail)
    return table


def labs_table(reports) -> Table:
    """Every lab in course order: done or how many criteria are missed."""
    table = new_table("the course's labs", "", "lab", "seed", "missed")
    for report in reports:
        table.add_row(_mark(report.done), report.lab, report.seed, str(sum(not c.ok for c in report.criteria)))
    return table

"""`streamlab check [LAB] [--json]` and `streamlab check kpis`: grade the course's labs."""

from __future__ import annotations

import json
from typing import Optional

import typer

from ..checks import course, kpis
from ..checks.model import LabReport, missed
from ..errors import LabError
from ..lab import Lab
from .tables import checklist_table, labs_table, new_table, verify_table

KPIS = "kpis"


def register(app: typer.Typer, lab: Lab, out) -> None:
    register_drill(app, lab, out)

    @app.command()
    def check(
        name: Optional[str] = typer.Argument(None, help=f"a lab ({', '.join(course.BY_NAME)}) or `kpis`; default: every lab"),
        as_json: bool = typer.Option(False, "--json", help="one JSON document (for an instructor collecting results)"),
        count: int = typer.Option(1000, "--count", help="kpis: tagged probe events sent through the active pipeline"),
    ):
        """Grade the course's labs: ✓ or ✗ per criterion, and the fix for every ✗. Exit 0 only when all hold."""
        ctx = context(lab)
        try:
            reports = [kpi_report(lab, ctx, count)] if name == KPIS else [course.grade(course.find(n), ctx) for n in names(name)]
        finally:
            ctx.view.close()
        show(out, reports, as_json)
        if not all(report.done for report in reports):
            raise LabError(f"{sum(not r.done for r in reports)} of {len(reports)} not done yet", exit_code=1)


DRILLS = ("connect", "opensearch", "records", "broker")


def register_drill(app: typer.Typer, lab: Lab, out) -> None:
    @app.command()
    def drill(
        fault: str = typer.Argument(..., help="connect | opensearch | records | broker"),
        down: float = typer.Option(20, "--down", help="seconds the service stays down"),
        count: int = typer.Option(600, "--count", help="tagged events sent across the fault"),
    ):
        """A fault drill (make break-*): break something, watch, and see the proof that nothing was lost."""
        from ..checks import drills

        if fault not in DRILLS:
            raise LabError(f"no drill {fault!r}", f"choose one of {', '.join(DRILLS)}", exit_code=2)
        if fault == "broker":
            raise LabError("the broker drill runs on the three-broker cluster", "`streamlab cluster up`, then `streamlab cluster drill`", exit_code=2)
        if fault == "records":
            found = drills.break_records(lab)
            expected = drills.expected_dead_letters()
            table = new_table(f"dead-lettered by the sinks: {len(found)} of {expected}", "connector", "record", "reason")
            for connector, record, reason in found:
                table.add_row(connector, record, reason)
            out.print(table)
            if len(found) < expected:
                raise LabError("not every malformed record reached the dead-letter topic", "is a sink running? `make switch-connect`")
            return
        reports = drills.break_service(lab, fault, down, count, rate=max(20.0, count / max(down, 1)))
        out.print(verify_table(f"after the {fault} drill: {count} tagged events", reports))
        if lost := sum(r["missing"] for r in reports):
            raise LabError(f"{lost} event(s) missing after the {fault} drill")


def names(name: str | None) -> list[str]:
    return [lab.name for lab in course.LABS] if name is None else [course.find(name).name]


def context(lab: Lab) -> course.Context:
    return course.build_context(lab.settings, lab.topology, lab.runtime.name, lab.console)


def kpi_report(lab: Lab, ctx: course.Context, count: int) -> LabReport:
    from ..fanout.verify import run

    report = LabReport(KPIS, "003")
    try:
        _, reports = run(lab, count, rate=max(100.0, count / 10))
        report.criteria += kpis.latency_and_delivery(reports, count)
    except LabError as exc:
        report.criteria.append(missed("latency and delivery measured", exc.message, exc.hint or "`make switch-connect`, then `streamlab check kpis`"))
    report.criteria.append(kpis.producer_rate(ctx.view.admin, lab.settings.KAFKA_BOOTSTRAP))
    report.criteria.append(kpis.node_down_survived(ctx.last_drill))
    return report


def show(out, reports: list[LabReport], as_json: bool) -> None:
    if as_json:
        print(json.dumps({"done": all(r.done for r in reports), "labs": [r.as_json() for r in reports]}, ensure_ascii=False, indent=2))
        return
    for report in reports:
        out.print(checklist_table(report))
        for criterion in report.criteria:
            if not criterion.ok:
                out.print(f"  [red]✗[/red] {criterion.name}: {criterion.fix}", highlight=False)
    if len(reports) > 1:
        out.print(labs_table(reports))

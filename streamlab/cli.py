"""`streamlab`: the lab's command line and composition root.

It wires settings (.env), the topology (lab.yaml), the runtime (docker or native), the Kafka admin,
the Connect client, S3 and OpenSearch. Every user error ends as one line and a non-zero exit.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from . import topics as topic_ops
from .errors import LabError
from .consuming import where
from .kafka_io import iter_json, make_consumer
from .lab import Lab

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.splitlines()[0], pretty_exceptions_enable=False)
topics_app = typer.Typer(no_args_is_help=True, help="Create, list, describe and delete topics.")
app.add_typer(topics_app, name="topics")

out = Console(soft_wrap=True)
lab = Lab()

from .cli_connect import build as _build_connect  # noqa: E402

_connect_app, _s3_app = _build_connect(lab, out)
app.add_typer(_connect_app, name="connect")
app.add_typer(_s3_app, name="s3")

from .cli_cluster import build as _build_cluster, status_table  # noqa: E402

app.add_typer(_build_cluster(lab, out), name="cluster")


@app.callback()
def _root(runtime: Optional[str] = typer.Option(None, "--runtime", help="docker|native|auto (overrides RUNTIME in .env)")):
    lab.runtime_name = runtime


# --- lifecycle ---------------------------------------------------------------------------------

@app.command()
def up(only: Optional[list[str]] = typer.Argument(None, help="services to start (default: all)")):
    """Start the lab (each service healthy before the next), create default topics and buckets."""
    started = time.monotonic()
    lab.runtime.up(only or None)
    lab.provision(only or None)
    lab.console.print(f"[green]lab is up[/green] in {time.monotonic() - started:.1f}s ({lab.runtime.name} runtime); `streamlab status` shows it")


@app.command()
def down():
    """Stop the lab's services (only the processes it started)."""
    lab.runtime.down()


@app.command()
def status():
    """A table of services: state, port, PID and memory."""
    out.print(status_table(f"streamlab ({lab.runtime.name} runtime)", lab.runtime.status()))


@app.command()
def logs(service: str, lines: int = typer.Option(100, "--lines", "-n", help="how many lines from the end")):
    """The last lines of one service's log."""
    out.print(lab.runtime.log_tail(service, lines), end="", markup=False, highlight=False)


@app.command()
def doctor():
    """Check this machine before class: Python, Java, Maven, Docker, ports, .env (secrets masked)."""
    from .doctor import FAIL, run_checks

    checks = run_checks(lab.settings, lab.topology)
    table = Table(title="streamlab doctor")
    for column in ("check", "result", "detail"):
        table.add_column(column)
    colors = {"ok": "green", "warn": "yellow", FAIL: "red"}
    for check in checks:
        table.add_row(check.name, f"[{colors[check.result]}]{check.result}[/]", check.detail)
    out.print(table)
    failed = [c for c in checks if c.result == FAIL]
    if failed:
        raise LabError(f"{len(failed)} check(s) failed: {', '.join(c.name for c in failed)}")


# --- topics ------------------------------------------------------------------------------------

@topics_app.command("create")
def topics_create(
    name: str,
    partitions: int = typer.Option(1, "--partitions", "-p"),
    replication: int = typer.Option(1, "--replication", "-r"),
    config: list[str] = typer.Option([], "--config", "-c", help="KEY=VALUE, repeatable"),
):
    """Create a topic (no-op when it exists)."""
    configs = topic_ops.parse_configs(config)
    admin = lab.admin()
    created = topic_ops.create(admin, name, partitions, replication, configs)
    out.print(f"created topic {name!r}" if created else f"topic {name!r} already exists")


@topics_app.command("list")
def topics_list(internal: bool = typer.Option(False, "--internal", help="include __consumer_offsets and other internal topics")):
    """Topic names, one per line."""
    for name in topic_ops.list_names(lab.admin(), internal):
        out.print(name, highlight=False)


@topics_app.command("describe")
def topics_describe(name: str):
    """Partitions (leader, replicas, ISR) and non-default configs."""
    partitions, configs = topic_ops.describe(lab.admin(), name)
    table = Table(title=f"{name}: {len(partitions)} partition(s)")
    for column in ("partition", "leader", "replicas", "isr"):
        table.add_column(column)
    for p in partitions:
        table.add_row(str(p.partition), str(p.leader), ",".join(map(str, p.replicas)), ",".join(map(str, p.isr)))
    out.print(table)
    for key, value in sorted(configs.items()):
        out.print(f"  {key}={value}", highlight=False)


@topics_app.command("delete")
def topics_delete(name: str):
    """Delete a topic."""
    topic_ops.delete(lab.admin(), name)
    out.print(f"deleted topic {name!r}")


# --- data --------------------------------------------------------------------------------------

@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def produce(ctx: typer.Context):
    """Run producers/web_log_producer.py (all its options pass through, e.g. --count 1000)."""
    from .weblog_cli import main as web_log_main

    sys.exit(web_log_main(ctx.args))


@app.command()
def consume(
    topic: str,
    max_messages: Optional[int] = typer.Option(None, "--max", help="stop after N messages"),
    idle: float = typer.Option(10.0, "--idle", help="stop after this many seconds with nothing new"),
    raw: bool = typer.Option(False, "--raw", help="one compact JSON line per message"),
    latest: bool = typer.Option(False, "--latest", help="only new messages (default: from the beginning)"),
):
    """Print a topic's messages as pretty JSON; malformed ones are shown with their offset, not dropped."""
    topic_ops.check_name(topic)
    consumer = make_consumer(lab.settings.KAFKA_BOOTSTRAP, topic, from_beginning=not latest)
    shown = 0
    try:
        for message, value, error in iter_json(consumer, max_messages, idle_s=idle):
            shown += 1
            at = where(message)
            if error:
                lab.console.print(f"[yellow]{at}: {error}[/yellow]", highlight=False)
            elif raw:
                print(json.dumps(value, ensure_ascii=False), flush=False)
            else:
                out.print(f"[dim]{at}[/dim]")
                out.print_json(data=value)
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    lab.console.print(f"{shown} message(s) from {topic!r}")


@app.command()
def switch(name: str = typer.Argument(..., help="connect | elk | efk")):
    """Make NAME the one active fan-out pipeline (stops the others, waits until healthy)."""
    from .pipeline import switch as switch_pipeline

    switch_pipeline(lab, name)


@app.command("pipeline")
def pipeline_status():
    """Which fan-out pipeline is active, and where each writes."""
    from .pipeline import PIPELINES, is_active

    table = Table(title=f"fan-out pipelines ({lab.runtime.name} runtime)")
    for column in ("pipeline", "state", "S3", "OpenSearch", "what"):
        table.add_column(column)
    topic = lab.settings.WEB_LOGS_TOPIC
    for p in PIPELINES.values():
        state = "[green]active[/green]" if is_active(lab, p) else "inactive"
        if p.container and lab.runtime.name != "docker":
            state = "[dim]needs docker[/dim]"
        table.add_row(p.name, state, p.s3_prefix.format(topic=topic), p.index_pattern.format(topic=topic), p.about)
    out.print(table)


@app.command()
def verify(
    count: int = typer.Option(200, "--count", "-n", help="events to send"),
    rate: float = typer.Option(100, "--rate", help="events per second"),
    timeout: float = typer.Option(0, "--timeout", help="seconds to wait for the sinks (default: 45, or 150 for elk/efk)"),
):
    """Send tagged events through the active pipeline; report received/missing/duplicated/latency per sink."""
    from .verify import run

    if count < 1:
        raise LabError("--count must be at least 1", exit_code=2)
    pipeline, reports = run(lab, count, rate, timeout or None)
    table = Table(title=f"verify: {count} events through the {pipeline.name} pipeline")
    for column in ("sink", "received", "missing", "duplicated", "p50 latency", "p99 latency"):
        table.add_column(column)
    fmt = lambda v: f"{v:.2f}s" if v is not None else "-"  # noqa: E731
    for r in reports:
        color = "green" if r["missing"] == 0 else "red"
        table.add_row(r["sink"], str(r["received"]), f"[{color}]{r['missing']}[/{color}]", str(r["duplicated"]), fmt(r["p50"]), fmt(r["p99"]))
    out.print(table)
    lost = sum(r["missing"] for r in reports)
    if lost:
        raise LabError(f"{lost} event(s) missing in the sinks of the {pipeline.name} pipeline")


@app.command()
def gateway(port: Optional[int] = typer.Option(None, "--port", help="default: lab.yaml gateway.port (8088)")):
    """HTTP ingestion gateway (seed 004): POST /v2/{stream} puts JSON records into topic `stream`."""
    from .gateway.server import serve

    serve(lab.settings, lab.topology, port, lab.console)


def main() -> None:
    """Console-script entry: LabError -> one red line and its exit code."""
    try:
        app()
    except LabError as exc:
        lab.console.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)

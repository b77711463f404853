"""`streamlab produce | consume`: put web logs into a topic, print a topic."""

from __future__ import annotations

import json
import sys
from typing import Optional

import typer

from ..clients.kafka_client import iter_json, make_consumer, position
from ..clients.topics import require_topics
from ..lab import Lab
from .options import BOOTSTRAP_SERVERS, CREATE_TOPIC


def register(app: typer.Typer, lab: Lab, out) -> None:
    # Every option, --help too, goes to the producer's own parser.
    @app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []})
    def produce(ctx: typer.Context):
        """Run producers/web_log_producer.py (all its options pass through, e.g. --count 1000)."""
        from ..scripting.weblog_producer import main as web_log_main

        sys.exit(web_log_main(ctx.args, prog="streamlab produce"))

    @app.command()
    def consume(
        topic: str,
        max_messages: Optional[int] = typer.Option(None, "--max", help="stop after N messages"),
        idle: float = typer.Option(10.0, "--idle", help="stop after this many seconds with nothing new"),
        raw: bool = typer.Option(False, "--raw", help="one compact JSON line per message"),
        latest: bool = typer.Option(False, "--latest", help="only new messages (default: from the beginning)"),
        bootstrap_servers: Optional[str] = BOOTSTRAP_SERVERS,
        create: bool = CREATE_TOPIC,
    ):
        """Print a topic's messages as pretty JSON; malformed ones are shown with their offset, not dropped."""
        bootstrap = bootstrap_servers or lab.settings.KAFKA_BOOTSTRAP
        for name in require_topics(bootstrap, topic, create=create):
            lab.console.print(f"created topic {name!r}", highlight=False)
        consumer = make_consumer(bootstrap, topic, from_beginning=not latest)
        shown = 0
        try:
            for message, value, error in iter_json(consumer, max_messages, idle_s=idle):
                shown += 1
                print_message(out, lab.console, message, value, error, raw)
        except KeyboardInterrupt:
            pass
        finally:
            consumer.close()
        lab.console.print(f"{shown} message(s) from {topic!r}")


def print_message(out, console, message, value, error: str | None, raw: bool) -> None:
    """One message: its position and pretty JSON, a compact line with --raw, or why it is malformed."""
    at = position(message)
    if error:
        console.print(f"[yellow]{at}: {error}[/yellow]", highlight=False)
    elif raw:
        print(json.dumps(value, ensure_ascii=False), flush=False)
    else:
        out.print(f"[dim]{at}[/dim]")
        out.print_json(data=value)

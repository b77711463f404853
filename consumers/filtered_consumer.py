#!/usr/bin/env python3
"""Print what the keyword filter let through, keywords highlighted (seed 003).

    python consumers/filtered_consumer.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from rich.console import Console  # noqa: E402
from rich.text import Text  # noqa: E402

from streamlab.clients.kafka_client import position  # noqa: E402
from streamlab.scripting.args import add_consumer_args, kafka_parser, require_script_topics  # noqa: E402
from streamlab.scripting.consume import consume_topic, raw_value  # noqa: E402
from streamlab.scripting.run import run_main  # noqa: E402


def parse_args(argv=None):
    parser = kafka_parser("filtered_consumer.py", "Print messages from the filtered topic.", "filtered-topic")
    add_consumer_args(parser, group=None)
    return parser.parse_args(argv)


def matched_keywords(message) -> list[str]:
    raw = dict(message.headers or []).get("matched-keywords", b"")
    return [word for word in raw.decode("utf-8", errors="replace").split(",") if word]


def main(argv=None) -> int:
    args = parse_args(argv)
    require_script_topics(args, args.topic)
    console = Console(highlight=False, soft_wrap=True)

    def show(message, raw: bytes) -> None:
        keywords = matched_keywords(message)
        text = Text(raw.decode("utf-8", errors="replace"))
        text.highlight_words(keywords, style="bold red", case_sensitive=False)
        console.print(Text.assemble((f"{position(message)} ", "dim"), text, (f"  [{', '.join(keywords)}]", "dim")))

    console.print(f"[dim]reading {args.topic!r} at {args.bootstrap_servers}; Ctrl+C to stop[/dim]")
    summary = consume_topic(args, show, console, decode=raw_value)
    console.print(f"[dim]{summary.line(args.topic)}[/dim]")
    return 0


if __name__ == "__main__":
    run_main(main)

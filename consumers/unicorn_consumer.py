#!/usr/bin/env python3
"""Tail `wildrydes` and pretty-print unicorn telemetry as it arrives (seed 002).

    python consumers/unicorn_consumer.py            # new records, as the course's consumer
    python consumers/unicorn_consumer.py --compact  # one line per record
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from rich.console import Console  # noqa: E402
from rich.markup import escape  # noqa: E402

from streamlab.labs.unicorns import validate_telemetry  # noqa: E402
from streamlab.scripting.args import add_consumer_args, kafka_parser, require_script_topics  # noqa: E402
from streamlab.scripting.consume import consume_topic  # noqa: E402
from streamlab.scripting.run import run_main  # noqa: E402


def parse_args(argv=None):
    parser = kafka_parser("unicorn_consumer.py", "Tail unicorn telemetry and pretty-print it.", "wildrydes")
    add_consumer_args(parser, group=None)
    parser.add_argument("--compact", action="store_true", help="one line per record instead of indented JSON")
    return parser.parse_args(argv)


def compact_line(record: dict) -> str:
    return (f"[bold]{escape(str(record['Name']))}[/bold] {record['StatusTime']}  "
            f"({record['Latitude']:.5f}, {record['Longitude']:.5f})  {record['Distance']} m  "
            f"magic {record['MagicPoints']}  health {record['HealthPoints']}")


def main(argv=None) -> int:
    args = parse_args(argv)
    require_script_topics(args, args.topic)
    console = Console(highlight=False, soft_wrap=True)

    def show(message, value) -> None:
        record = validate_telemetry(value)
        if args.compact:
            console.print(compact_line(record))
        else:
            console.print_json(json.dumps(record, ensure_ascii=False), indent=4)

    start = "the oldest record" if args.from_beginning else "new records"
    console.print(f"[dim]tailing {args.topic!r} at {args.bootstrap_servers} from {start}; Ctrl+C to stop[/dim]")
    summary = consume_topic(args, show, console)
    console.print(f"[dim]{summary.line(args.topic)}[/dim]")
    return 0


if __name__ == "__main__":
    run_main(main)

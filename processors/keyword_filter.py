#!/usr/bin/env python3
"""Copy messages that contain given keywords from `test-topic` to `filtered-topic` (seed 003).

    python processors/keyword_filter.py --keyword error --keyword urgent

Keys and headers are kept; two headers are added: `matched-keywords` and `filtered-from`
(topic:partition:offset). Offsets are committed only after the copies are acknowledged.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from rich.console import Console  # noqa: E402
from rich.markup import escape  # noqa: E402

from streamlab.clients.kafka_client import make_producer  # noqa: E402
from streamlab.labs.keywords import KeywordFilter, message_text  # noqa: E402
from streamlab.scripting.args import add_consumer_args, bad_input, kafka_parser, require_script_topics  # noqa: E402
from streamlab.scripting.consume import consume_topic, raw_value  # noqa: E402
from streamlab.scripting.run import run_main  # noqa: E402

DEFAULT_KEYWORDS = ["error", "urgent"]


def parse_args(argv=None):
    parser = kafka_parser("keyword_filter.py", "Copy messages containing keywords to another topic.", "test-topic")
    parser.add_argument("--output-topic", default="filtered-topic", help="where matching messages go")
    parser.add_argument("--keyword", action="append", dest="keywords", metavar="WORD",
                        help=f"keyword to look for; repeat, or separate with commas (default: {', '.join(DEFAULT_KEYWORDS)})")
    parser.add_argument("--case-sensitive", action="store_true", help="match case exactly")
    parser.add_argument("--whole-words", action="store_true", help="'error' does not match 'errors'")
    add_consumer_args(parser, group="keyword-filter")
    return parser.parse_args(argv)


def build_filter(args) -> KeywordFilter:
    words = [word for entry in (args.keywords or DEFAULT_KEYWORDS) for word in entry.split(",")]
    try:
        return KeywordFilter(words, case_sensitive=args.case_sensitive, whole_words=args.whole_words)
    except ValueError as exc:
        raise bad_input(f"--keyword: {exc}") from None


def main(argv=None) -> int:
    args = parse_args(argv)
    keyword_filter = build_filter(args)
    require_script_topics(args, args.topic, args.output_topic)
    console = Console(highlight=False, soft_wrap=True)
    output = make_producer(args.bootstrap_servers, value_serializer=None, key_serializer=None)
    copied = 0

    def handle(message, raw: bytes) -> None:
        nonlocal copied
        found = keyword_filter.matches(message_text(raw))
        if not found:
            return
        origin = f"{message.topic}:{message.partition}:{message.offset}"
        headers = list(message.headers or []) + [("matched-keywords", ",".join(found).encode()),
                                                  ("filtered-from", origin.encode())]
        output.send(args.output_topic, key=message.key, value=raw, headers=headers)
        copied += 1
        console.print(f"[green]copied[/green] {origin} [{escape(', '.join(found))}]")

    console.print(f"[dim]filtering {args.topic!r} -> {args.output_topic!r} for {keyword_filter.keywords}[/dim]")
    try:
        summary = consume_topic(args, handle, console, output=output, decode=raw_value)
    finally:
        output.close(timeout=10)
    console.print(f"[dim]{summary.line(args.topic)}; copied {copied:,} to {args.output_topic!r}[/dim]")
    return 0


if __name__ == "__main__":
    run_main(main)

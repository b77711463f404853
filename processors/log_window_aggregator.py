#!/usr/bin/env python3
"""1-minute tumbling windows per log type over `app-logs`, published to `log-stats` (seed 000).

    python processors/log_window_aggregator.py --from-beginning

For each window and log type: event count, distinct client IPs, mean response size, by event time
(the log line's own timestamp). Rows are keyed `<log_type>|<window_start>` and each one replaces the
last under its key: `final: true` once the stream's time passed the window's end plus `--lateness`;
`final: false` when the input has been quiet for `--idle-close` seconds, or at shutdown (the window
stays open and a later row replaces that one). The group's commits keep every open window's events,
so a restart rebuilds those windows in full (streamlab/labs/windowing.py).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from rich.console import Console  # noqa: E402

from streamlab.clients.kafka_client import make_producer  # noqa: E402
from streamlab.labs.windowing import TumblingWindows, row_key  # noqa: E402
from streamlab.scripting.args import add_consumer_args, kafka_parser, require_script_topics  # noqa: E402
from streamlab.scripting.consume import consume_topic  # noqa: E402
from streamlab.scripting.run import run_main  # noqa: E402
from streamlab.scripting.window_commits import committed_watermark, window_offsets  # noqa: E402


def parse_args(argv=None):
    parser = kafka_parser("log_window_aggregator.py", "Windowed statistics per log type.", "app-logs")
    parser.add_argument("--output-topic", default="log-stats", help="where window results go")
    parser.add_argument("--window", type=int, default=60, help="window length in seconds")
    parser.add_argument("--lateness", type=float, default=10.0, help="seconds a window waits for late events")
    parser.add_argument("--idle-close", type=float, default=30.0, help="publish open windows after this many quiet seconds")
    add_consumer_args(parser, group="log-windows")
    args = parser.parse_args(argv)
    if args.window < 1 or args.lateness < 0:
        parser.error("--window must be at least 1 and --lateness not negative")
    return args


def result_line(result: dict) -> str:
    mean = "-" if result["avg_response_size"] is None else f"{result['avg_response_size']:,.1f} B"
    state = "" if result["final"] else "  [dim](so far)[/dim]"
    return (f"{result['window_start']} [bold]{result['log_type']:<14}[/bold] events {result['event_count']:>6,}  "
            f"unique IPs {result['unique_ips']:>5,}  mean size {mean}{state}")


def main(argv=None) -> int:
    args = parse_args(argv)
    require_script_topics(args, args.topic, args.output_topic)
    console = Console(highlight=False, soft_wrap=True)
    windows = TumblingWindows(args.window, args.lateness)
    output = make_producer(args.bootstrap_servers)
    published = 0

    def publish(results) -> None:
        nonlocal published
        for result in results:
            output.send(args.output_topic, key=row_key(result), value=result)
            console.print(result_line(result))
            published += 1

    def handle(message, record) -> None:
        publish(windows.add(record, (message.partition, message.offset)))

    def publish_when_quiet(idle_s: float) -> None:
        if idle_s >= args.idle_close:
            publish(windows.provisional())
            output.flush(timeout=30)

    def restore_watermark(consumer) -> None:
        windows.watermark = committed_watermark(consumer, args.topic)

    console.print(f"[dim]{args.window}s windows over {args.topic!r} -> {args.output_topic!r}; Ctrl+C to stop[/dim]")
    try:
        summary = consume_topic(args, handle, console, output=output, on_idle=publish_when_quiet,
                                commit_offsets=window_offsets(windows, args.topic),
                                on_start=restore_watermark if args.group else None)
        publish(windows.provisional())
        output.flush(timeout=30)
    finally:
        output.close(timeout=10)
    console.print(f"[dim]{summary.line(args.topic)}; published {published:,} window rows to {args.output_topic!r}, "
                  f"{windows.late_events:,} late events left out[/dim]")
    return 0


if __name__ == "__main__":
    run_main(main)

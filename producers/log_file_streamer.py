#!/usr/bin/env python3
"""Stream Apache, Nginx and JSON application log files into Kafka (seed 000).

    python producers/log_file_streamer.py --config producers/streamer.example.yaml --generate-test-logs

Tails every `{path, type}` of the config, parses each line to the standard schema, sends it to
`app-logs` (unparseable lines to `app-logs-dlq` with the reason), and checkpoints file offsets
after Kafka acknowledged them: a restart, even after `kill -9`, loses no line and sends none twice.
"""

import hashlib
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from rich.console import Console  # noqa: E402
from rich.markup import escape  # noqa: E402

from streamlab.config import load_settings  # noqa: E402
from streamlab.scripting.args import kafka_parser, require_script_topics, stop_on_signals  # noqa: E402
from streamlab.scripting.run import err_console, run_main  # noqa: E402
from streamlab.streamer.checkpoint import CheckpointStore  # noqa: E402
from streamlab.streamer.delivery import KafkaDelivery  # noqa: E402
from streamlab.streamer.engine import CHECKPOINT_EVERY_S, Streamer, StreamerSettings  # noqa: E402
from streamlab.streamer.memory import tune_memory  # noqa: E402
from streamlab.streamer.sources import (  # noqa: E402
    Source,
    load_config_file,
    parse_sources,
    require_files,
)
from streamlab.streamer.stats import StatsReporter  # noqa: E402
from streamlab.streamer.testlogs import (  # noqa: E402
    GeneratorThread,
    TestLogGenerator,
    write_test_logs,
)

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = REPO / "producers" / "streamer.example.yaml"
# Test hook: SIGKILL ourselves right after the Nth acknowledged batch, before its checkpoint is
# written, to prove that exact window loses and doubles nothing.
CRASH_AFTER_ACK = "STREAMLAB_STREAMER_CRASH_AFTER_ACK"


def parse_args(argv=None):
    parser = kafka_parser("log_file_streamer.py", "Tail log files into Kafka with a crash-safe checkpoint.", "app-logs")
    parser.add_argument("--dlq-topic", default="app-logs-dlq", help="topic for lines that do not parse")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--config", type=Path, default=EXAMPLE_CONFIG, help="YAML list of {path, type[, name]}")
    source.add_argument("--log-files", metavar="JSON", help="the list inline, as in the course: '[{\"path\": ..., \"type\": \"apache\"}]'")
    parser.add_argument("--checkpoint", type=Path, default=None,
                        help="checkpoint file (default: one per source list under LAB_HOME/streamer/)")
    parser.add_argument("--fresh", action="store_true", help="forget the checkpoint and stream every file from the start")
    parser.add_argument("--resume-from-checkpoint", action="store_true",
                        help="the course's flag; resuming from the checkpoint is always on")
    parser.add_argument("--from-end", action="store_true", help="files without a checkpoint start at their end, like tail -f")
    parser.add_argument("--batch-size", type=int, default=500, help="records per Kafka batch")
    parser.add_argument("--batch-timeout", type=float, default=5.0, help="seconds before a partial batch is sent")
    parser.add_argument("--rotate-grace", type=float, default=1.0, help="seconds a rotated file must stay quiet before switching")
    parser.add_argument("--stats-interval", type=float, default=10.0,
                        help="seconds between one-line status updates (0: none); the full table comes at the end, or on SIGUSR1")
    parser.add_argument("--exit-when-idle", type=float, default=None, metavar="SECONDS", help="stop when no line arrived for this long")
    parser.add_argument("--generate-test-logs", action="store_true", help="create the files and keep appending realistic lines")
    parser.add_argument("--test-log-rate", type=float, default=20.0, help="lines/s appended with --generate-test-logs")
    parser.add_argument("--test-log-count", type=int, default=100, help="lines written to each file before streaming starts")
    parser.add_argument("--bad-line-ratio", type=float, default=0.02, help="share of generated lines that do not parse")
    parser.add_argument("--generate-only", action="store_true", help="write --test-log-count lines per file and exit (no Kafka)")
    args = parser.parse_args(argv)
    if args.batch_size < 1 or args.batch_timeout <= 0:
        parser.error("--batch-size must be at least 1 and --batch-timeout above 0")
    return args


def load_sources(args) -> list[Source]:
    if args.log_files is not None:
        return parse_sources(args.log_files, where="--log-files", base=Path.cwd())
    return load_config_file(args.config)


def default_checkpoint(sources: list[Source]) -> Path:
    """One checkpoint per source list, so two configs never overwrite each other's positions."""
    digest = hashlib.sha1("\n".join(sorted(s.name for s in sources)).encode()).hexdigest()[:10]
    return Path(load_settings().LAB_HOME) / "streamer" / f"checkpoint-{digest}.json"


def crash_hook():
    after = os.environ.get(CRASH_AFTER_ACK)
    if not after:
        return None

    def crash(batches: int) -> None:
        if batches >= int(after):
            os.kill(os.getpid(), signal.SIGKILL)

    return crash


def table_on_signal(reporter: StatsReporter) -> str:
    """`kill -USR1 <pid>` prints the full statistics table (where the platform has SIGUSR1)."""
    if not hasattr(signal, "SIGUSR1"):
        return ""
    signal.signal(signal.SIGUSR1, lambda signum, frame: reporter.request_table())
    return f", `kill -USR1 {os.getpid()}` for the full statistics"


def main(argv=None) -> int:
    args = parse_args(argv)
    sources = load_sources(args)
    generator = TestLogGenerator(bad_ratio=args.bad_line_ratio)
    if args.generate_test_logs or args.generate_only:
        write_test_logs(sources, args.test_log_count, generator)
        err_console.print(f"wrote {args.test_log_count} test lines to each of: " + ", ".join(str(s.path) for s in sources))
        if args.generate_only:
            return 0
    require_files(sources)
    require_script_topics(args, args.topic, args.dlq_topic)
    store = CheckpointStore(args.checkpoint or default_checkpoint(sources))
    with store.exclusive():  # before --fresh: never delete the checkpoint of a streamer still running
        if args.fresh:
            store.delete()
        stream(args, sources, store, generator)
    return 0


def stream(args, sources: list[Source], store: CheckpointStore, generator: TestLogGenerator) -> None:
    settings = StreamerSettings(args.topic, args.dlq_topic, args.batch_size, args.batch_timeout,
                                args.from_end, args.rotate_grace, CHECKPOINT_EVERY_S)
    stop = stop_on_signals()
    delivery = KafkaDelivery(args.bootstrap_servers, args.topic, args.dlq_topic)
    streamer = Streamer(sources, delivery, store, settings, warn=lambda m: err_console.print(f"[yellow]{escape(m)}[/yellow]"),
                        after_ack=crash_hook(), note=lambda m: err_console.print(m, highlight=False, markup=False))
    if args.generate_test_logs:
        GeneratorThread(sources, args.test_log_rate, stop, generator).start()
    reporter = StatsReporter(Console(soft_wrap=True), args.stats_interval)
    err_console.print(f"streaming {len(sources)} file(s) to {args.topic!r} at {args.bootstrap_servers} as pid {os.getpid()}; "
                      f"Ctrl+C to stop{table_on_signal(reporter)}", highlight=False)
    try:
        streamer.run(stop, reporter, exit_when_idle_s=args.exit_when_idle)
    finally:
        stop.set()
        delivery.close()
    reporter.final(streamer.stats)


if __name__ == "__main__":
    tune_memory()  # batches of records are made and freed all the time: ~20% faster (streamer/memory.py)
    run_main(main)

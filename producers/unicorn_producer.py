#!/usr/bin/env python3
"""Unicorn telemetry to `wildrydes` (seed 002): one record a second per `--name`.

    python producers/unicorn_producer.py --name Shadowfax --name Bucephalus

Several names in one process or several processes at once: each unicorn keeps its own key, so
its records stay in order on one partition.
"""

import random
import sys
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from streamlab.labs.unicorns import Unicorn  # noqa: E402
from streamlab.scripting.args import kafka_parser, produce_and_report, require_script_topics  # noqa: E402
from streamlab.scripting.run import err_console, run_main  # noqa: E402


def parse_args(argv=None):
    parser = kafka_parser("unicorn_producer.py", "Send Wild Rydes unicorn telemetry to Kafka.", "wildrydes")
    parser.add_argument("--name", action="append", dest="names", metavar="NAME",
                        help="unicorn name; repeat for several (default: Shadowfax)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between two records of one unicorn")
    parser.add_argument("--count", type=int, default=None, help="records per unicorn, then stop (default: until Ctrl+C)")
    parser.add_argument("--seed", type=int, default=None, help="seed for repeatable flights")
    parser.add_argument("--quiet", action="store_true", help="no live display, summary only")
    args = parser.parse_args(argv)
    args.names = list(dict.fromkeys(args.names or ["Shadowfax"]))
    if args.interval <= 0 or (args.count is not None and args.count < 0):
        parser.error("--interval must be above 0 and --count not negative")
    return args


def telemetry(names: list[str], interval: float, rng: random.Random):
    """Round-robin over the unicorns: each flies `interval` seconds between two of its records."""
    herd = [Unicorn.spawn(name, rng) for name in names]
    while True:
        for unicorn in herd:
            distance = unicorn.fly(rng, interval)
            yield unicorn.record(distance, datetime.now(timezone.utc))


def main(argv=None) -> int:
    args = parse_args(argv)
    require_script_topics(args, args.topic)
    err_console.print(f"unicorns {', '.join(args.names)} report to {args.topic!r} at {args.bootstrap_servers} "
                      f"every {args.interval:g}s; Ctrl+C to land")
    count = None if args.count is None else args.count * len(args.names)
    return produce_and_report(args, telemetry(args.names, args.interval, random.Random(args.seed)),
                              key=lambda record: record["Name"], rate=len(args.names) / args.interval, count=count)


if __name__ == "__main__":
    run_main(main)

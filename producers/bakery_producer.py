#!/usr/bin/env python3
"""Send bakery orders to `bk-orders` (seed 001): `python producers/bakery_producer.py --rate 2 --count 20`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from streamlab.labs.bakery import OrderFactory  # noqa: E402
from streamlab.scripting.args import (  # noqa: E402
    add_producer_args,
    check_producer_args,
    kafka_parser,
    produce_and_report,
    require_script_topics,
)
from streamlab.scripting.run import err_console, run_main  # noqa: E402


def parse_args(argv=None):
    parser = kafka_parser("bakery_producer.py", "Send realistic bakery orders to Kafka.", "bk-orders")
    add_producer_args(parser, rate=1.0, what="orders")
    return check_producer_args(parser, parser.parse_args(argv))


def main(argv=None) -> int:
    args = parse_args(argv)
    require_script_topics(args, args.topic)
    factory = OrderFactory(seed=args.seed)
    err_console.print(f"sending bakery orders to {args.topic!r} at {args.bootstrap_servers}; Ctrl+C to stop")
    return produce_and_report(args, iter(factory.order, None), key=lambda order: order["order_id"],
                              rate=args.rate, count=args.count)


if __name__ == "__main__":
    run_main(main)

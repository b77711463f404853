#!/usr/bin/env python3
"""Send text messages to `test-topic`, the keyword filter's input (seed 003's producer.py).

    python producers/message_producer.py --demo 20     # sample messages, some with keywords
    echo "urgent: disk full" | python producers/message_producer.py
"""

import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from streamlab.clients.kafka_client import TextKey  # noqa: E402
from streamlab.scripting.args import kafka_parser, produce_and_report, require_script_topics  # noqa: E402
from streamlab.scripting.run import err_console, run_main  # noqa: E402

DEMO_MESSAGES = (
    "order 1042 shipped",
    "ERROR: disk almost full on s2",
    "user kim logged in",
    "urgent: payment gateway timeouts rising",
    "nightly backup finished",
    "캐시 갱신 완료",
    "retrying connection, error rate 3%",
    "all systems normal",
)


def parse_args(argv=None):
    parser = kafka_parser("message_producer.py", "Send text messages (stdin lines, or demo messages).", "test-topic")
    parser.add_argument("--demo", type=int, metavar="N", default=None, help="send N sample messages instead of reading stdin")
    parser.add_argument("--rate", type=float, default=5.0, help="demo messages per second (0: as fast as possible)")
    return parser.parse_args(argv)


def messages(args):
    if args.demo is not None:
        for number, text in zip(range(1, args.demo + 1), itertools.cycle(DEMO_MESSAGES)):
            yield f"{text} #{number}"
        return
    if sys.stdin.isatty():
        err_console.print("type messages, one per line; Ctrl+D to finish")
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\n")


def main(argv=None) -> int:
    args = parse_args(argv)
    require_script_topics(args, args.topic)
    rate = args.rate if args.demo is not None else None
    return produce_and_report(args, messages(args), rate=rate, value_serializer=TextKey())  # UTF-8 text values


if __name__ == "__main__":
    run_main(main)

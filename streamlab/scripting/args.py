"""What the lab scripts share: Kafka arguments, stop handling, produce-and-report.

Errors and exit codes are `scripting.run`'s; this module adds the pieces the producers,
consumers and processors under producers/, consumers/ and processors/ all need.
"""

from __future__ import annotations

import argparse
import signal
import threading

from ..clients.senders import KafkaPythonSender
from ..clients.topics import require_topics
from ..config import load_settings
from ..errors import EXIT_BAD_INPUT, LabError
from .produce import DeliveryStats, produce, summary
from .run import err_console


def bad_input(message: str, hint: str = "") -> LabError:
    """A user error (missing file, bad YAML, bad URL): one line and exit code 2."""
    return LabError(message, hint, exit_code=EXIT_BAD_INPUT)


class ScriptParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit code 2, as every lab error is (run_main prints it)."""

    def error(self, message: str):
        raise LabError(message, f"see `{self.prog} --help`", exit_code=EXIT_BAD_INPUT)


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows defaults, except empty ones and where the help already explains the default."""

    def _get_help_string(self, action):
        if action.default in (None, False) or "default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


def kafka_parser(prog: str, description: str, topic: str) -> argparse.ArgumentParser:
    """A parser with --bootstrap-servers (default: the lab settings), --topic and --create."""
    parser = ScriptParser(prog=prog, description=description, formatter_class=HelpFormatter)
    parser.add_argument("--bootstrap-servers", default=load_settings().KAFKA_BOOTSTRAP, help="Kafka address")
    parser.add_argument("--topic", default=topic, help="topic")
    add_create_arg(parser)
    return parser


def add_create_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--create", action="store_true",
                        help="create the topics it uses when they do not exist (default: a missing topic is an error)")


def require_script_topics(args: argparse.Namespace, *topics: str) -> None:
    """The topics a script uses must exist (a typo must not make a new topic), unless --create makes them."""
    for name in require_topics(args.bootstrap_servers, *topics, create=args.create):
        err_console.print(f"created topic {name!r}", highlight=False)


def add_producer_args(parser: argparse.ArgumentParser, rate: float, what: str) -> None:
    parser.add_argument("--rate", type=float, default=rate, help=f"{what} per second (0: as fast as possible)")
    parser.add_argument("--count", type=int, default=None, help=f"stop after N {what} (default: until Ctrl+C)")
    parser.add_argument("--seed", type=int, default=None, help="seed for a repeatable stream")
    parser.add_argument("--quiet", action="store_true", help="no live display, summary only")


def check_producer_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.Namespace:
    if args.rate < 0 or (args.count is not None and args.count < 0):
        parser.error("--rate and --count must not be negative")
    return args


def produce_and_report(args, events, key=None, rate=None, count=None, **producer_options) -> int:
    """Send `events` to args.topic with kafka-python (the course's client); print the delivery summary; 0 if all arrived."""
    stats = DeliveryStats()
    sender = KafkaPythonSender(args.bootstrap_servers, stats.deliveries, **producer_options)
    key = key or (lambda event: None)
    records = ((key(event), event) for event in events)
    produce(sender, args.topic, records, stats, rate=rate, count=count, live=not getattr(args, "quiet", True))
    sender.close()
    err_console.print(summary(stats, args.topic), highlight=False)
    return 0 if stats.all_delivered else 1


def add_consumer_args(parser: argparse.ArgumentParser, group: str | None) -> None:
    parser.add_argument("--group", default=group, help="consumer group (restarts continue where it stopped)")
    parser.add_argument("--from-beginning", action="store_true", help="start at the oldest message the first time")
    parser.add_argument("--exit-when-idle", type=float, default=None, metavar="SECONDS",
                        help="stop after this many seconds without a message (default: run until Ctrl+C)")
    parser.add_argument("--max-messages", type=int, default=None, help="stop after this many messages")


def stop_on_signals() -> threading.Event:
    """An event that Ctrl+C and SIGTERM set, so loops stop at a safe point rather than mid-send.

    A second Ctrl+C raises KeyboardInterrupt as usual, for a loop that does not stop.
    """
    stop = threading.Event()

    def request_stop(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    return stop

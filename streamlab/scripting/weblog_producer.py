"""The web-log producer's command line (seed 001); producers/web_log_producer.py and `streamlab produce` run it.

Each event is JSON `{ip, timestamp, method, url, status_code, user_agent}`, keyed by ip (one
client's requests stay in order on one partition), sent with acks=all and idempotence. The client is
confluent-kafka (librdkafka) unless `--client kafka-python` picks the course's client. Ctrl+C
flushes and prints a delivery summary.
"""

import argparse

from ..clients.kafka_client import to_json_bytes
from ..clients.senders import CLIENTS, CONFLUENT, make_sender
from ..config import load_settings
from ..labs.weblogs import WebLogFactory
from .args import ScriptParser, add_create_arg, require_script_topics
from .produce import DeliveryStats, produce, summary
from .run import err_console


def parse_args(argv=None, prog: str = "web_log_producer.py") -> argparse.Namespace:
    settings = load_settings()
    parser = ScriptParser(prog=prog, description="Send Faker web-log events to Kafka.")
    parser.add_argument("--topic", default=settings.WEB_LOGS_TOPIC, help="topic to write (default: %(default)s)")
    parser.add_argument("--bootstrap-servers", default=settings.KAFKA_BOOTSTRAP, help="Kafka address (default: %(default)s)")
    add_create_arg(parser)
    parser.add_argument("--rate", type=float, default=100.0, help="events per second; 0 = as fast as possible (default: %(default)s)")
    parser.add_argument("--count", type=int, default=None, help="stop after N events (default: run until Ctrl+C)")
    parser.add_argument("--seed", type=int, default=None, help="Faker seed for a repeatable stream")
    parser.add_argument("--fresh-faker", action="store_true", help="call Faker for every field (slow, ~5k events/s)")
    parser.add_argument("--quiet", action="store_true", help="no live display, summary only")
    parser.add_argument("--client", choices=CLIENTS, default=CONFLUENT,
                        help="Kafka client: librdkafka (fast) or the course's kafka-python (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.rate < 0 or (args.count is not None and args.count < 0):
        parser.error("--rate and --count must not be negative")
    return args


def records(factory: WebLogFactory):
    """(ip, JSON bytes) pairs: pooled values pre-encoded, or one Faker call per field with --fresh-faker."""
    if not factory.fresh:
        return iter(factory.encoded, None)
    return ((event["ip"], to_json_bytes(event)) for event in iter(factory.event, None))


def main(argv=None, prog: str = "web_log_producer.py") -> int:
    args = parse_args(argv, prog)
    require_script_topics(args, args.topic)
    stats = DeliveryStats()
    sender = make_sender(args.client, args.bootstrap_servers, stats.deliveries)
    factory = WebLogFactory(seed=args.seed, fresh=args.fresh_faker)
    rate = "full speed" if not args.rate else f"{args.rate:g}/s"
    err_console.print(f"producing web logs to {args.topic!r} at {args.bootstrap_servers} ({rate}, {args.client}); Ctrl+C to stop")
    produce(sender, args.topic, records(factory), stats, rate=args.rate, count=args.count, live=not args.quiet)
    sender.close()
    err_console.print(summary(stats, args.topic), highlight=False)
    return 0 if stats.all_delivered else 1

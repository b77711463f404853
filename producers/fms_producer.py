#!/usr/bin/env python3
"""Factory sensor readings to `sensor-data` every 10 s (seed 003).

    python producers/fms_producer.py test                       # one round, then exit
    python producers/fms_producer.py                            # built-in simulator, every 10 s
    python producers/fms_producer.py --api-url http://host:9872 # the real FMS API: GET {url}/{id}/
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from kafka.errors import KafkaError  # noqa: E402
from rich.markup import escape  # noqa: E402

from streamlab.clients.fms_api import ApiReader, FetchError  # noqa: E402
from streamlab.clients.kafka_client import make_producer  # noqa: E402
from streamlab.errors import LabError  # noqa: E402
from streamlab.labs.fms import DEVICE_IDS, FmsSimulator, analyze, device_span, reading_from_json  # noqa: E402
from streamlab.scripting.args import kafka_parser, require_script_topics, stop_on_signals  # noqa: E402
from streamlab.scripting.run import err_console, run_main  # noqa: E402


def parse_args(argv=None):
    parser = kafka_parser("fms_producer.py", "Send factory sensor readings (devices 1-5) to Kafka.", "sensor-data")
    parser.add_argument("mode", nargs="?", choices=["run", "test"], default="run",
                        help="'test' sends one round and exits, as in the course")
    parser.add_argument("--api-url", default=None, help="FMS API base URL (default: the built-in simulator)")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between rounds")
    parser.add_argument("--devices", type=int, nargs="+", default=list(DEVICE_IDS), help="device ids to read")
    parser.add_argument("--rounds", type=int, default=None, help="stop after N rounds (default: until Ctrl+C)")
    parser.add_argument("--seed", type=int, default=None, help="simulator seed")
    args = parser.parse_args(argv)
    if args.interval <= 0:
        parser.error("--interval must be above 0")
    return args


def make_reader(args):
    if args.api_url:
        return ApiReader(args.api_url).read
    return FmsSimulator(seed=args.seed).read


def one_round(reader, devices, producer, topic) -> tuple[int, int]:
    """Read every device and send its reading; returns (sent, failed) for the round.

    Failures are one line per reason, `device 1-5: could not reach http://... (name not resolved)`;
    once the API does not answer, the other devices of the round are not asked (each would wait too).
    """
    sent, failed, unreachable = 0, {}, None
    for device_id in devices:
        if unreachable is not None:
            failed[unreachable].append(device_id)
            continue
        try:
            reading = reading_from_json(reader(device_id), device_id)
        except (FetchError, ValueError) as exc:
            failed.setdefault(str(exc), []).append(device_id)
            unreachable = str(exc) if getattr(exc, "unreachable", False) else None
            continue
        producer.send(topic, key=reading.device_id, value=reading.to_json())
        sent += 1
        status = analyze(reading).status
        err_console.print(f"device {device_id}: sensors {list(reading.sensors.values())} "
                          f"motors {list(reading.motors.values())} isFail={reading.is_fail} -> {status}", highlight=False)
    producer.flush(timeout=30)
    for reason, device_ids in failed.items():
        err_console.print(f"[yellow]device {device_span(device_ids)}: {escape(reason)}[/yellow]", highlight=False)
    return sent, sum(len(ids) for ids in failed.values())


def cadence(rounds: int | None, interval_s: float) -> str:
    """'once' for a single round (`test`), else how often and how many times."""
    if rounds == 1:
        return "once"
    return f"every {interval_s:g}s" + (f", {rounds} rounds" if rounds else " until Ctrl+C")


def main(argv=None) -> int:
    args = parse_args(argv)
    reader = make_reader(args)  # a bad --api-url stops here, before connecting to Kafka
    require_script_topics(args, args.topic)
    producer = make_producer(args.bootstrap_servers)
    stop = stop_on_signals()
    rounds = 1 if args.mode == "test" else args.rounds
    err_console.print(f"reading devices {device_span(args.devices)} from {args.api_url or 'the simulator'} "
                      f"{cadence(rounds, args.interval)} into {args.topic!r}", highlight=False)
    sent = failed = done = 0
    try:
        while not stop.is_set() and (rounds is None or done < rounds):
            round_sent, round_failed = one_round(reader, args.devices, producer, args.topic)
            sent, failed, done = sent + round_sent, failed + round_failed, done + 1
            if rounds is None or done < rounds:
                stop.wait(args.interval)
    except KafkaError as exc:
        raise LabError(f"sending to {args.topic!r} failed: {exc}", "is the lab up? `make status`") from None
    finally:
        producer.close(timeout=10)
    err_console.print(f"{done} round(s): sent {sent} readings to {args.topic!r}, {failed} device reads failed")
    return 0 if sent or not failed else 1


if __name__ == "__main__":
    run_main(main)

#!/usr/bin/env python3
"""Analyse factory sensor readings and publish alerts (seed 003).

    python consumers/fms_consumer.py

For each reading from `sensor-data`: sensor and motor averages, NORMAL or CRITICAL, and one alert
per sensor > 90, motor > 1500 or failure, sent to `sensor-alerts`. Ctrl+C prints per-device averages.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from streamlab.clients.kafka_client import make_producer  # noqa: E402
from streamlab.labs.fms import CRITICAL, FleetAverages, analyze, reading_from_json  # noqa: E402
from streamlab.scripting.args import add_consumer_args, kafka_parser, require_script_topics  # noqa: E402
from streamlab.scripting.consume import consume_topic  # noqa: E402
from streamlab.scripting.run import run_main  # noqa: E402


def parse_args(argv=None):
    parser = kafka_parser("fms_consumer.py", "Analyse factory sensor readings; publish alerts.", "sensor-data")
    parser.add_argument("--alerts-topic", default="sensor-alerts", help="topic for the alerts")
    add_consumer_args(parser, group=None)
    return parser.parse_args(argv)


def reading_line(analysis) -> str:
    reading = analysis.reading
    colour = "red" if analysis.status == CRITICAL else "green"
    line = (f"device {reading.device_id} {reading.time}  sensor avg {analysis.sensor_avg:6.1f}  "
            f"motor avg {analysis.motor_avg:7.1f}  [{colour}]{analysis.status}[/{colour}]")
    return line + "".join(f"\n    [red]ALERT[/red] {alert.message()}" for alert in analysis.alerts)


def averages_table(fleet: FleetAverages) -> Table:
    table = Table(title="averages per device since start", title_justify="left")
    for name in ("device", "readings", "critical", "sensor avg", "motor avg"):
        table.add_column(name, justify="right")
    for device_id, summary in sorted(fleet.devices.items()):
        table.add_row(str(device_id), f"{summary.readings:,}", f"{summary.critical:,}",
                      f"{summary.sensor_avg:.1f}", f"{summary.motor_avg:.1f}")
    return table


def main(argv=None) -> int:
    args = parse_args(argv)
    require_script_topics(args, args.topic, args.alerts_topic)
    console = Console(highlight=False, soft_wrap=True)
    alerts = make_producer(args.bootstrap_servers)
    fleet = FleetAverages()
    sent_alerts = 0

    def handle(message, value) -> None:
        nonlocal sent_alerts
        analysis = analyze(reading_from_json(value))
        fleet.add(analysis)
        console.print(reading_line(analysis))
        for alert in analysis.alerts:
            alerts.send(args.alerts_topic, key=alert.device_id, value=alert.to_json())
            sent_alerts += 1

    console.print(f"[dim]analysing {args.topic!r} at {args.bootstrap_servers}; alerts go to {args.alerts_topic!r}[/dim]")
    try:
        summary = consume_topic(args, handle, console, output=alerts)
    finally:
        alerts.close(timeout=10)
    console.print(averages_table(fleet))
    console.print(f"[dim]{summary.line(args.topic)}; sent {sent_alerts:,} alerts to {args.alerts_topic!r}[/dim]")
    return 0


if __name__ == "__main__":
    run_main(main)

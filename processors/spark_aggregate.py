#!/usr/bin/env python3
"""Spark windowed aggregation (seed 003): 1-minute tumbling windows with a watermark.

    python processors/spark_aggregate.py                    # sensor-data per device -> sensor-stats
    python processors/spark_aggregate.py --topic web_logs   # per status class -> web-log-stats

Each micro-batch prints the windows it changed and publishes them as JSON, keyed
`<group>|<window_start>`: a later row for the same key replaces the earlier one (update mode), so a
reader keeps the latest per key and never adds them up. Events later than the watermark are left out.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from streamlab.scripting.args import kafka_parser, require_script_topics  # noqa: E402
from streamlab.scripting.run import err_console, run_main  # noqa: E402
from streamlab.spark.jobs import add_job_args, check_job_args, run_aggregate  # noqa: E402
from streamlab.spark.schemas import SCHEMAS  # noqa: E402


def parse_args(argv=None):
    parser = kafka_parser("spark_aggregate.py", "1-minute windows over a topic with Spark.", "sensor-data")
    stats = ", ".join(f"{schema.stats_topic} for {topic}" for topic, schema in SCHEMAS.items())
    parser.add_argument("--output-topic", default=None, help=f"where windows go (default: {stats})")
    parser.add_argument("--window", type=int, default=60, help="window length in seconds")
    parser.add_argument("--watermark", type=int, default=30, help="seconds a window waits for late events")
    add_job_args(parser, trigger_s=5.0)
    args = parser.parse_args(argv)
    check_job_args(parser, args)
    args.output_topic = args.output_topic or SCHEMAS[args.schema].stats_topic
    if args.window < 1 or args.watermark < 0:
        parser.error("--window must be at least 1 and --watermark not negative")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    require_script_topics(args, args.topic, args.output_topic)
    return run_aggregate(args, lambda line: err_console.print(line, highlight=False))


if __name__ == "__main__":
    run_main(main)

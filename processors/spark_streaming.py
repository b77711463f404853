#!/usr/bin/env python3
"""Spark Structured Streaming (seed 003, lab 5): a Kafka topic -> Parquet, exactly once.

    python processors/spark_streaming.py                     # sensor-data -> data/spark/sensor-data/
    python processors/spark_streaming.py --topic web_logs --trigger 2

The course's `spark-submit --packages ...spark-sql-kafka... spark_streaming.py` becomes this script:
the connector jars are pinned in native/pom.xml and come from the lab's jar cache (no Ivy, works
offline). Parquet lands under `data/spark/<topic>/date=YYYY-MM-DD/` (the course's HDFS folder); the
checkpoint under `.lab/spark/checkpoints/`. Kill it at any moment and start it again: every Kafka
record is in the output exactly once.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from streamlab.scripting.args import kafka_parser, require_script_topics  # noqa: E402
from streamlab.scripting.run import err_console, run_main  # noqa: E402
from streamlab.spark.jobs import add_job_args, default_output, check_job_args, run_stream  # noqa: E402


def parse_args(argv=None):
    parser = kafka_parser("spark_streaming.py", "Kafka -> Parquet with Spark Structured Streaming.", "sensor-data")
    parser.add_argument("--output", type=Path, default=default_output(),
                        help="Parquet root, SPARK_DATA_DIR in .env; the topic is a sub-folder (default: data/spark)")
    add_job_args(parser, trigger_s=5.0)
    args = parser.parse_args(argv)
    check_job_args(parser, args)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    require_script_topics(args, args.topic)
    return run_stream(args, lambda line: err_console.print(line, highlight=False))


if __name__ == "__main__":
    run_main(main)

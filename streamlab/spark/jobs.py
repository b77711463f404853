"""The two Spark jobs behind processors/spark_streaming.py and processors/spark_aggregate.py.

Each builds its session, starts one query, prints one line per micro-batch and stops cleanly on
Ctrl+C. Paths: Parquet under `<output>/<topic>/`, checkpoints under `<LAB_HOME>/spark/checkpoints/`.

Exactly once into Parquet: the checkpoint records which offsets each micro-batch reads before it
runs, and the file sink records which files each batch committed (`<output>/<topic>/_spark_metadata/`).
After a crash the restarted job re-runs the unfinished batch with the same offsets, and Spark readers
see only committed files. Read the output with Spark (`spark.read.parquet`), which honours that log; a
bare Parquet reader may also see the files of a batch killed half-way.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Callable

from ..clients.librdkafka import make_fast_producer
from ..config import load_settings
from ..scripting.args import stop_on_signals
from . import parsing, progress, publish, session, windows
from .schemas import SCHEMAS, TopicSchema

def default_output() -> Path:
    return Path(load_settings().SPARK_DATA_DIR)


def default_checkpoint(kind: str, topic: str) -> Path:
    return Path(load_settings().LAB_HOME) / "spark" / "checkpoints" / f"{kind}-{topic}"


def add_job_args(parser: argparse.ArgumentParser, trigger_s: float) -> None:
    parser.add_argument("--schema", choices=sorted(SCHEMAS), default=None,
                        help="the JSON shape of the topic's values (default: the topic's own name)")
    parser.add_argument("--trigger", type=float, default=trigger_s, metavar="SECONDS", help="micro-batch interval")
    parser.add_argument("--once", action="store_true", help="process what the topic holds now, then stop")
    parser.add_argument("--max-per-batch", type=int, default=50_000, metavar="N",
                        help="read at most N records per micro-batch, so a backlog drains in steps, each with its progress line")
    parser.add_argument("--checkpoint", type=Path, default=None,
                        help="checkpoint folder (default: <LAB_HOME>/spark/checkpoints/<job>-<topic>)")
    parser.add_argument("--starting", choices=("earliest", "latest"), default="earliest",
                        help="where a new checkpoint starts reading (a restart continues from its checkpoint)")
    # SPARK_DRIVER_MEMORY: Spark's own name for it; the compose service sets it within its memory limit.
    parser.add_argument("--driver-memory", default=os.environ.get("SPARK_DRIVER_MEMORY", "512m"),
                        help="the Spark driver's JVM heap (default: SPARK_DRIVER_MEMORY, else 512m)")


def check_job_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Reject what Spark would fail on later, with argparse's one line and exit code 2."""
    args.schema = args.schema or args.topic
    if args.schema not in SCHEMAS:
        parser.error(f"no schema for topic {args.topic!r}: add --schema ({', '.join(sorted(SCHEMAS))})")
    if args.trigger <= 0 or (args.max_per_batch is not None and args.max_per_batch < 1):
        parser.error("--trigger must be more than 0 seconds and --max-per-batch at least 1")


def _trigger(args: argparse.Namespace) -> dict:
    return {"availableNow": True} if args.once else {"processingTime": f"{args.trigger} seconds"}


def _rows(spark, args: argparse.Namespace, schema: TopicSchema):
    stream = parsing.kafka_stream(spark, args.bootstrap_servers, args.topic, args.starting, args.max_per_batch)
    return parsing.parsed(stream, schema)


def run_stream(args: argparse.Namespace, show: Callable[[str], None]) -> int:
    """Kafka topic -> Parquet partitioned by date; `--once` processes what is there and stops."""
    schema = SCHEMAS[args.schema]
    output = Path(args.output) / args.topic
    checkpoint = args.checkpoint or default_checkpoint("stream", args.topic)
    spark = session.spark_session(f"streamlab-stream-{args.topic}", Path(load_settings().LAB_JARS), args.driver_memory)
    rows = _rows(spark, args, schema)
    query = publish.start_parquet_query(rows, output, checkpoint, _trigger(args), "parquet")
    show(f"{args.topic} -> {output} (checkpoint {checkpoint}); Ctrl+C to stop")
    return _follow(spark, query, show)


def run_aggregate(args: argparse.Namespace, show: Callable[[str], None]) -> int:
    """1-minute windows with a watermark, to the console and to the stats topic (update mode)."""
    schema = SCHEMAS[args.schema]
    checkpoint = args.checkpoint or default_checkpoint("aggregate", args.topic)
    producer = make_fast_producer(args.bootstrap_servers)
    spark = session.spark_session(f"streamlab-aggregate-{args.topic}", Path(load_settings().LAB_JARS), args.driver_memory)
    rows = _rows(spark, args, schema)
    stats = windows.window_stats(rows, schema, args.window, args.watermark)
    sender = publish.batch_publisher(producer, args.output_topic, schema, show)
    query = publish.start_window_query(stats, sender, checkpoint, _trigger(args), "windows")
    show(f"{args.window} s windows over {args.topic} (watermark {args.watermark} s) -> {args.output_topic}; Ctrl+C to stop")
    return _follow(spark, query, show)


def _follow(spark, query, show: Callable[[str], None]) -> int:
    """Follow the query until it ends, Ctrl+C or SIGTERM; then stop it between batches and exit."""
    stop = stop_on_signals()  # replaces pyspark's own Ctrl+C handler, which raises mid-batch
    try:
        progress.follow(query, show, stop)
    finally:
        if query.isActive:
            show("stopping after the running micro-batch: the checkpoint keeps the position")
            progress.stop_between_batches(query)
        spark.stop()
    return 0

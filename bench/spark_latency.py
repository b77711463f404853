#!/usr/bin/env python3
"""Produce -> row visible in Parquet through the Spark streaming job, p50/p99 at a steady rate, and its memory.

Needs `make up` and the spark extra (`make spark-stream` installs it). It runs
processors/spark_streaming.py as a student does (own process, `--trigger 1`), on a fresh topic and a
scratch output folder. A row is visible when its micro-batch's entry appears in the file sink's log
(`_spark_metadata/<batch>`): that is when a Spark reader can see it. Latency = that moment minus the
record's Kafka timestamp (set by the producer). The reference in the same run is the trigger
interval: a row waits on average half of it before its batch starts. The first `--warmup` seconds of
the stream are left out of the figures: they measure the JVM compiling Spark's code, not the lab.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from _common import REPO, machine_line, percentile, settings

from streamlab.clients.librdkafka import make_fast_producer
from streamlab.clients.topics import require_topics
from streamlab.labs.fms import FmsSimulator
from streamlab.spark.session import spark_session
from streamlab.spark.state import checkpoint_offsets, committed_files, sink_log


def watch_batches(output: Path, seen: dict[int, float], stop: threading.Event) -> None:
    """Note when each batch's entry appears in the sink's log under `output` (polled every 20 ms)."""
    while not stop.is_set():
        for batch in sink_log(output):
            if batch not in seen:
                seen[batch] = time.time()
        time.sleep(0.02)


def sample_rss(job: subprocess.Popen, peak: dict[str, int], stop: threading.Event) -> None:
    """The highest resident memory of the job's Python driver and of its JVM child."""
    parent = psutil.Process(job.pid)
    while not stop.is_set():
        try:
            peak["python"] = max(peak.get("python", 0), parent.memory_info().rss)
            jvm = sum(child.memory_info().rss for child in parent.children(recursive=True))
            peak["jvm"] = max(peak.get("jvm", 0), jvm)
        except psutil.Error:
            return
        time.sleep(0.5)


def produce_steadily(topic: str, count: int, rate: float) -> None:
    producer = make_fast_producer(settings.KAFKA_BOOTSTRAP)
    simulator = FmsSimulator(seed=7)
    start = time.perf_counter()
    for n in range(count):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        reading = simulator.read(1 + n % 5)
        producer.produce(topic, value=json.dumps(reading))
        producer.poll(0)
    producer.flush(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="events per second (default: %(default)s)")
    parser.add_argument("--count", type=int, default=12_000)
    parser.add_argument("--trigger", type=float, default=1.0, help="the job's micro-batch interval, seconds")
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds of the stream left out of the figures")
    args = parser.parse_args()
    topic = f"bench_spark_{int(time.time())}"
    require_topics(settings.KAFKA_BOOTSTRAP, topic, create=True)
    work = Path(tempfile.mkdtemp(prefix="spark-bench-"))
    output, checkpoint = work / topic, work / "checkpoint"
    print(machine_line())
    job = subprocess.Popen([sys.executable, "processors/spark_streaming.py", "--topic", topic, "--schema", "sensor-data",
                            "--output", str(work), "--checkpoint", str(checkpoint), "--trigger", str(args.trigger)],
                           cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    seen: dict[int, float] = {}
    peak: dict[str, int] = {}
    stop = threading.Event()
    threads = [threading.Thread(target=watch_batches, args=(output, seen, stop)),
               threading.Thread(target=sample_rss, args=(job, peak, stop))]
    for thread in threads:
        thread.start()
    try:
        started = time.time()
        while not seen:  # the first (empty) batch commits once the query runs
            if job.poll() is not None or time.time() - started > 180:
                sys.exit("error: the Spark job did not start (run `python processors/spark_streaming.py` to see why)")
            time.sleep(0.2)
        print(f"job ready in {time.time() - started:.1f} s; producing {args.count:,} readings at {args.rate:,.0f}/s")
        args.measured_from = time.time() + args.warmup
        produce_steadily(topic, args.count, args.rate)
        while sum(checkpoint_offsets(checkpoint).get(topic, {}).values()) < args.count:
            time.sleep(0.2)
    finally:
        os.killpg(job.pid, signal.SIGTERM)
        job.wait(60)
        stop.set()
        for thread in threads:
            thread.join()
    report(output, seen, peak, args)


def report(output: Path, seen: dict[int, float], peak: dict[str, int], args) -> None:
    from pyspark.sql import functions as F

    spark = spark_session("spark-latency-bench", Path(settings.LAB_JARS))
    rows = (spark.read.parquet(str(output)).select(F.input_file_name().alias("file"), "kafka_timestamp")
            .collect())
    spark.stop()
    batch_of = committed_files(output)
    latencies = sorted(seen[batch_of[row.file]] - row.kafka_timestamp.timestamp() for row in rows
                       if row.kafka_timestamp.timestamp() >= args.measured_from)
    print(f"parquet: {len(rows):,} of {args.count:,} rows, {len(set(batch_of.values()))} batches, trigger {args.trigger:g} s; "
          f"figures over the {len(latencies):,} rows after {args.warmup:g} s of warm-up")
    print(f"produce -> visible in Parquet: p50 {percentile(latencies, 50):.2f} s, p99 {percentile(latencies, 99):.2f} s "
          f"(p50 / trigger = {percentile(latencies, 50) / args.trigger:.2f})")
    print(f"memory (peak RSS): driver JVM {peak.get('jvm', 0) / 2**20:,.0f} MiB, Python {peak.get('python', 0) / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()

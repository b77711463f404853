#!/usr/bin/env python3
"""Producer throughput: web_log_producer.py (librdkafka and kafka-python) vs Kafka's own ProducerPerformance.

All three write records of the same average size, acks=all, to fresh 3-partition topics on the same
broker, in this run. Needs a running lab (`make up`). Prints figures, settings and the ratios.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

from _common import REPO, machine_line, settings

from streamlab.clients.kafka_client import make_admin
from streamlab.clients.topics import create
from streamlab.labs.weblogs import WebLogFactory
from streamlab.runtime.java import find_java


def fresh_topic(bootstrap: str, prefix: str) -> str:
    name = f"bench-{prefix}-{uuid.uuid4().hex[:6]}"
    admin = make_admin(bootstrap)
    create(admin, name, partitions=3)
    admin.close()
    return name


def average_record_size(samples: int = 2000) -> int:
    factory = WebLogFactory(seed=1)
    return round(sum(len(json.dumps(factory.event(), separators=(",", ":"))) for _ in range(samples)) / samples)


def run_web_log_producer(bootstrap: str, count: int, client: str) -> float:
    topic = fresh_topic(bootstrap, "python")
    cmd = [sys.executable, str(REPO / "producers" / "web_log_producer.py"), "--rate", "0", "--count", str(count),
           "--topic", topic, "--bootstrap-servers", bootstrap, "--quiet", "--client", client]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return float(re.search(r"([\d,]+) events/s", result.stderr).group(1).replace(",", ""))


# Kafka's defaults but for acks=all and idempotence, which the lab's producers use too.
PERF_PROPS = ["acks=all", "enable.idempotence=true"]


def run_producer_performance(bootstrap: str, count: int, size: int) -> float:
    topic = fresh_topic(bootstrap, "java")
    cmd = [find_java(), "-Xmx512m", "-cp", str(Path(settings.LAB_JARS) / "kafka" / "*"),
           f"-Dlog4j2.configurationFile={REPO / 'native' / 'log4j2.properties'}",
           "org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", str(count),
           "--record-size", str(size), "--throughput", "-1",
           "--producer-props", f"bootstrap.servers={bootstrap}", *PERF_PROPS]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    final = [line for line in result.stdout.splitlines() if "records sent" in line][-1]
    return float(re.search(r"([\d.]+) records/sec", final).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500_000)
    parser.add_argument("--python-count", type=int, default=50_000, help="records for kafka-python (slow)")
    parser.add_argument("--bootstrap-servers", default=settings.KAFKA_BOOTSTRAP)
    args = parser.parse_args()
    size = average_record_size()
    print(machine_line())
    print(f"records: {size} bytes on average (a web-log event as JSON), acks=all, idempotence, 3 partitions, one broker")
    print(f"ProducerPerformance settings: --num-records {args.count} --record-size {size} --throughput -1 "
          f"--producer-props {' '.join(PERF_PROPS)} (other settings: Kafka's defaults)")
    confluent = run_web_log_producer(args.bootstrap_servers, args.count, "confluent-kafka")
    kafka_python = run_web_log_producer(args.bootstrap_servers, args.python_count, "kafka-python")
    java = run_producer_performance(args.bootstrap_servers, args.count, size)
    print(f"web_log_producer.py --client confluent-kafka: {confluent:>10,.0f} events/s  ({args.count:,} records)")
    print(f"web_log_producer.py --client kafka-python:    {kafka_python:>10,.0f} events/s  ({args.python_count:,} records)")
    print(f"ProducerPerformance (Java client):            {java:>10,.0f} records/s ({args.count:,} records)")
    print(f"ratio confluent-kafka / ProducerPerformance: {confluent / java:.2f}")
    print(f"ratio kafka-python / ProducerPerformance:    {kafka_python / java:.2f}")
    print(f"ratio confluent-kafka / kafka-python:        {confluent / kafka_python:.1f}")


if __name__ == "__main__":
    main()

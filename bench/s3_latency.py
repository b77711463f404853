#!/usr/bin/env python3
"""Produce -> object visible in S3 through the Connect S3 sink, p50/p99 at a steady 1,000 events/s.

Needs `make up` (it switches the lab to the connect fan-out). Objects are written at 10 records or
at the worker's offset flush (10 s), so the p99 shows the flush interval by design.
"""

from _common import sink_latency

if __name__ == "__main__":
    sink_latency("s3://", default_count=20_000)

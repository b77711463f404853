#!/usr/bin/env python3
"""Produce -> object stored in S3 through the Connect S3 sink, p50/p99 at a steady 1,000 events/s.

Needs `make up` (it switches the lab to the connect fan-out; both sinks run). Objects are written at
10 records, and a partition's open object at the worker's offset flush (10 s). Each record is timed
to the moment s3proxy wrote its object (the file's time under S3_DATA_DIR): a reader polling S3
while the events are sent would time itself as much as the sink (see _common.s3_stored). Every
object is then read back: received, missing and duplicated come from S3 itself.
"""

from _common import sink_latency

if __name__ == "__main__":
    sink_latency("s3://", default_count=20_000)

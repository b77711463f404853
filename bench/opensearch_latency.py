#!/usr/bin/env python3
"""Produce -> searchable in OpenSearch through the Connect OpenSearch sink, p50/p99 at a steady rate.

Needs `make up` (it switches the lab to the connect fan-out; both sinks run). Includes the refresh
of the lab's web_logs* indices (every 200 ms) and the watcher's pause between searches (0.1 s).
"""

from _common import sink_latency

if __name__ == "__main__":
    sink_latency("opensearch", default_count=20_000)

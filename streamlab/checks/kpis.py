"""Seed 003's four KPIs, measured live: produce-to-sink p99 < 5 s, delivery >= 99.9 %,
a producer at 10,000+ msg/s, and one node down survived (the cluster drill's result)."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

from ..clients.kafka_client import SETTINGS_HINT
from ..clients.senders import ConfluentSender, Deliveries
from ..clients.topics import create, delete
from ..labs.weblogs import WebLogFactory
from .model import Criterion, judged, missed

MAX_P99_S = 5.0
MIN_DELIVERY = 0.999
MIN_RATE = 10_000
BURST = 100_000  # records in the throughput probe, to a topic made for it and deleted after


def latency_and_delivery(verify_reports: list[dict], count: int) -> list[Criterion]:
    """From `verify` on the active pipeline (tagged probe events): the worst sink's p99 and delivery."""
    worst_p99 = max((r["p99"] for r in verify_reports if r["p99"] is not None), default=None)
    received = min((r["received"] - r["duplicated"] for r in verify_reports), default=0)
    delivery = received / count if count else 0.0
    lost = count - received
    return [
        judged(f"p99 produce -> sink < {MAX_P99_S:g} s", worst_p99 is not None and worst_p99 < MAX_P99_S,
               f"p99 {worst_p99:.2f} s (slowest sink)" if worst_p99 is not None else "nothing arrived",
               "the sinks are slow: check `make status` and the connectors (`streamlab connect list`)"),
        judged(f"delivery >= {MIN_DELIVERY:.1%}", delivery >= MIN_DELIVERY, f"{delivery:.2%} ({lost} of {count} lost)",
               "events were lost: `make verify` names the sink; its DLQ topic and log say why"),
    ]


def producer_rate(admin, bootstrap: str, count: int = BURST) -> Criterion:
    """A full-speed burst of web-log events (librdkafka, acks=all) to a probe topic, deleted afterwards."""
    topic = f"kpi-probe-{uuid.uuid4().hex[:8]}"
    create(admin, topic, partitions=3)
    try:
        deliveries = Deliveries()
        sender = ConfluentSender(bootstrap, deliveries, unreachable_hint=SETTINGS_HINT)
        factory = WebLogFactory(seed=1)
        records = [factory.encoded() for _ in range(count)]
        started = time.monotonic()
        for key, value in records:
            try:
                sender.send(topic, value, key)
            except BufferError:
                sender.make_room()
                sender.send(topic, value, key)
        sender.flush(60)
        rate = deliveries.delivered / (time.monotonic() - started)
    finally:
        delete(admin, topic)
    return judged(f"producer >= {MIN_RATE:,} msg/s", rate >= MIN_RATE, f"{rate:,.0f} msg/s ({deliveries.delivered:,} acknowledged, acks=all)",
                  "the producer is slow: use the lab's producer (confluent-kafka), and check the machine's load")


def node_down_survived(last_drill: Path) -> Criterion:
    if not last_drill.exists():
        return missed("one node down survived", "not measured", "`streamlab cluster up`, then `streamlab cluster drill`")
    drill = json.loads(last_drill.read_text())
    lost = drill.get("incomplete") or f"{drill.get('missing')} lost"  # incomplete: the read-back ran out of time
    return judged("one node down survived", drill.get("missing", 1) == 0, f"{drill.get('killed')} killed: "
                  f"{drill.get('acknowledged', 0):,} acknowledged, {lost}, longest gap {drill.get('longest_gap_s', 0):.1f}s",
                  "events were lost in the drill: keep acks=all and min.insync.replicas=2")

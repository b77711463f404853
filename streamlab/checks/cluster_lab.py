"""The three-broker cluster (seed 003): three nodes up, the replicated topic, and a drill with nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

from .model import Criterion, judged, missed


def cluster_failover(nodes_running: int, nodes_total: int, last_drill: Path) -> list[Criterion]:
    criteria = [judged("three brokers running", nodes_running == nodes_total, f"{nodes_running} of {nodes_total}",
                       "`streamlab cluster up` starts the three nodes")]
    if not last_drill.exists():
        return [*criteria, missed("the failover drill ran", "no drill yet", "`streamlab cluster drill` kills a broker mid-stream")]
    drill = json.loads(last_drill.read_text())
    return [
        *criteria,
        judged("a broker was killed and restarted", bool(drill.get("killed")), drill.get("killed") or "none",
               "`streamlab cluster drill`"),
        judged("0 acknowledged events lost", drill.get("missing", 1) == 0 and drill.get("acknowledged", 0) > 0,
               # missing is null when the read-back ran out of time: say that, not "None missing".
               drill.get("incomplete") or f"{drill.get('acknowledged', 0):,} acknowledged, {drill.get('missing')} missing",
               "events were lost: keep acks=all and min.insync.replicas=2 on replicated-topic, then run the drill again"),
    ]

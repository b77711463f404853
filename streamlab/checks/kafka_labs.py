"""The Kafka exercises: topics and the console (seed 001), unicorns (002), factory sensors and the keyword filter (003)."""

from __future__ import annotations

import statistics

from ..labs.fms import MOTOR_LIMIT, SENSOR_LIMIT
from .model import Criterion, judged, met
from .observe import Observer


def kafka_basics(view: Observer, topics: dict[str, int], orders: str = "bk-orders") -> list[Criterion]:
    """Topics created with the partitions asked for; bakery orders produced and read by a consumer group."""
    present = view.topics()
    short = {name: want for name, want in topics.items() if present.get(name, 0) < want}
    produced = view.message_count(orders) if orders in present else 0
    readers = view.groups_reading(orders) if produced else {}
    return [
        judged("topics exist with their partitions", not short, f"{len(topics) - len(short)} of {len(topics)} lab topics",
               "missing or too few partitions: " + ", ".join(f"{n} (wants {w})" for n, w in list(short.items())[:4])
               + f"; `make up` creates them, or `streamlab topics create {next(iter(short), 'NAME')} -p {next(iter(short.values()), 1)}`"),
        judged(f"orders produced to {orders}", produced > 0, f"{produced:,} messages",
               f"{orders} is empty: `make bakery-produce ARGS=\"--count 20\"`"),
        judged(f"orders consumed by a group from {orders}", bool(readers), ", ".join(readers) or "no group has read it",
               "no consumer group has read the orders: `make bakery-consume ARGS=\"--group bakery --from-beginning\"`"),
    ]


def unicorns(view: Observer, topic: str = "wildrydes", window_s: float = 120.0) -> list[Criterion]:
    """Two unicorns (names) in the last minutes, each about one record a second."""
    records = [r for r in view.recent(topic) if "Name" in r]
    newest = max((r["_ts"] for r in records), default=0.0)
    recent = [r for r in records if r["_ts"] >= newest - window_s]
    by_name: dict[str, list[float]] = {}
    for record in recent:
        by_name.setdefault(record["Name"], []).append(record["_ts"])
    gaps = {name: statistics.median(_gaps(times)) for name, times in by_name.items() if len(times) >= 3}
    steady = [name for name, gap in gaps.items() if 0.5 <= gap <= 2.0]
    return [
        judged("two unicorns seen", len(by_name) >= 2, ", ".join(sorted(by_name)) or "no telemetry",
               f"{len(by_name)} unicorn(s) in {topic}: `make unicorns UNICORNS=\"Shadowfax Rocinante\"`"),
        judged("about one record a second each", len(steady) >= 2,
               ", ".join(f"{n} every {g:.1f}s" for n, g in sorted(gaps.items())) or "too few records",
               "each unicorn should send one record a second: run the producer for at least a few seconds, with its default --interval 1"),
    ]


def factory_sensors(view: Observer, readings: str = "sensor-data", alerts: str = "sensor-alerts") -> list[Criterion]:
    """Readings from devices; an alert for every reading over the thresholds, with NORMAL/CRITICAL analysis."""
    data = view.recent(readings)
    raised = view.recent(alerts)
    devices = sorted({r.get("DeviceId") for r in data if "DeviceId" in r})
    over = [r for r in data if _over_threshold(r)]
    alerted_devices = {a.get("device_id") for a in raised}
    unalerted = sorted({r["DeviceId"] for r in over} - alerted_devices)
    criteria = [
        judged("readings from the devices", len(devices) >= 1, f"devices {devices}" if devices else "no readings",
               f"{readings} is empty: `make fms-produce` (or `make fms-test` for one round)"),
        judged("alerts raised", bool(raised), f"{len(raised)} alerts in {alerts}",
               f"no alerts in {alerts}: run the analysing consumer, `make fms-consume ARGS=\"--from-beginning\"`"),
    ]
    if over:
        criteria.append(judged(f"every device over the thresholds (sensor > {SENSOR_LIMIT:g}, motor > {MOTOR_LIMIT:g}, failure) alerted",
                               not unalerted, f"{len(over)} critical readings", f"devices {unalerted} had critical readings and no alert: "
                               "`make fms-consume ARGS=\"--from-beginning\"` analyses them"))
    else:
        criteria.append(met("critical readings", "none yet among the recent readings"))
    return criteria


def keyword_filter(view: Observer, source: str = "test-topic", filtered: str = "filtered-topic") -> list[Criterion]:
    """The filter copied some messages, and not all: a filter that passes everything filters nothing."""
    total, kept = view.message_count(source), view.message_count(filtered)
    return [
        judged(f"messages in {source}", total > 0, f"{total:,}", f"{source} is empty: `make messages ARGS=\"--demo 50\"`"),
        judged(f"filtered messages in {filtered}", kept > 0, f"{kept:,}",
               f"{filtered} is empty: `make filter KEYWORDS=error,urgent` copies the matching ones"),
        judged("the filter drops what does not match", 0 < kept < total, f"{kept:,} of {total:,} kept",
               "every message passed: choose keywords that only some messages contain, e.g. `make filter KEYWORDS=urgent`"
               if kept and kept >= total else "run the filter over some messages first (above)"),
    ]


def _gaps(times: list[float]) -> list[float]:
    ordered = sorted(times)
    return [b - a for a, b in zip(ordered, ordered[1:])] or [0.0]


def _over_threshold(reading: dict) -> bool:
    sensors = [v for k, v in reading.items() if k.startswith("sensor") and isinstance(v, (int, float))]
    motors = [v for k, v in reading.items() if k.startswith("motor") and isinstance(v, (int, float))]
    return any(v > SENSOR_LIMIT for v in sensors) or any(v > MOTOR_LIMIT for v in motors) or bool(reading.get("isFail"))



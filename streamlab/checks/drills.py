"""Fault drills (`make break-*`): a fault, what to watch while it lasts, and the proof of recovery.

Each drill restores the lab by itself and ends with the proof: tagged events sent across the fault
all reach the sinks (`verify`), or the bad records sit in the dead-letter topic with their reason.
"""

from __future__ import annotations

import threading
import time
import uuid

from ..clients.kafka_client import SETTINGS_HINT, make_consumer
from ..clients.senders import ConfluentSender, Deliveries
from ..errors import LabError
from ..fanout.pipelines import PIPELINES
from ..lab import Lab

DRILL_HEADER = "streamlab-drill"
LEAD_S = 3.0  # events flow this long before the fault
# How long after the outage the sinks may take to catch up: a restarted OpenSearch needs 20-60 s on a
# busy laptop, then the sink's retry backoff (doubling, up to 30 s) must come round once more.
RECOVERY_S = 240
MALFORMED = (b"{not json", b"\xff\xfe binary", b"[1, 2", b"plain text, not an event")


def break_service(lab: Lab, service: str, down_s: float, count: int, rate: float) -> list[dict]:
    """SIGKILL `service`, send tagged events while it is down, restart it, prove every event arrived."""
    from ..fanout.verify import run

    require_active_pipeline(lab)
    lab.console.print(f"[bold]drill:[/bold] {service} will be killed for {down_s:.0f}s while {count} tagged events are sent; {watch_hint(lab)}")
    outcome: dict = {}
    verifier = threading.Thread(target=lambda: outcome.update(result=_safely(run, lab, count, rate, down_s + RECOVERY_S)), daemon=True)
    verifier.start()  # it finds the active pipeline while the service still answers, then keeps sending
    time.sleep(LEAD_S)
    pid = lab.runtime.kill(service)
    lab.console.print(f"killed {service} (pid {pid or 'container'}) at {time.strftime('%H:%M:%S')}")
    time.sleep(down_s)
    lab.console.print(f"restarting {service} ...")
    lab.up([service])
    verifier.join()
    result = outcome.get("result")
    if isinstance(result, LabError):
        raise result
    _, reports = result
    lab.console.print("recovery is proven when every sink shows 0 missing; `streamlab check fanout-connect` grades the lab again")
    return reports


def break_records(lab: Lab, dlq_wait_s: float = 60.0) -> list[tuple[str, str, str]]:
    """Send malformed records into the web-log topic; return (connector, record, reason) as the sinks dead-lettered them."""
    require_active_pipeline(lab)
    topic, dlq = lab.settings.WEB_LOGS_TOPIC, f"{lab.settings.WEB_LOGS_TOPIC}-dlq"
    drill_id = uuid.uuid4().hex[:8]
    lab.console.print(f"[bold]drill:[/bold] {len(MALFORMED)} malformed records into {topic!r} (header {DRILL_HEADER}={drill_id}); "
                      f"the sinks should skip them, keep going, and put them in {dlq!r} with the reason")
    deliveries = Deliveries()
    sender = ConfluentSender(lab.settings.KAFKA_BOOTSTRAP, deliveries, unreachable_hint=SETTINGS_HINT)
    for raw in MALFORMED:
        sender.send(topic, raw, f"drill-{drill_id}", headers=[(DRILL_HEADER, drill_id.encode())])
    sender.flush(15)
    if deliveries.failed:
        raise LabError(f"Kafka refused the drill's records: {deliveries.first_error}")
    return _dead_letters(lab.settings.KAFKA_BOOTSTRAP, dlq, drill_id, expected_dead_letters(), dlq_wait_s)


def watch_hint(lab: Lab) -> str:
    from ..console.config import console_port

    return f"watch it live in the console (http://127.0.0.1:{console_port(lab.topology)}): the sink edges stall, lag grows, then drains"


def expected_dead_letters() -> int:
    """Each sink connector of the connect pipeline dead-letters every malformed record once."""
    return len(MALFORMED) * len(PIPELINES["connect"].connectors)


def require_active_pipeline(lab: Lab) -> None:
    from ..fanout.pipelines import active

    if not active(lab):
        raise LabError("no fan-out pipeline is active, so nothing would show the drill's effect", "`make switch-connect` first", exit_code=2)


def _dead_letters(bootstrap: str, dlq: str, drill_id: str, expected: int, wait_s: float) -> list[tuple[str, str, str]]:
    """(connector, record, reason) for the drill's records in the DLQ: every sink dead-letters each one."""
    consumer = make_consumer(bootstrap, dlq, from_beginning=True)
    found: dict[tuple[str, str], str] = {}
    deadline = time.monotonic() + wait_s
    try:
        while len(found) < expected and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=1000).values():
                for record in records:
                    headers = dict(record.headers or [])
                    if headers.get(DRILL_HEADER) == drill_id.encode():
                        connector = _text(headers.get("__connect.errors.connector.name")) or "?"
                        reason = _text(headers.get("__connect.errors.exception.message")) or "(no reason header)"
                        found[(connector, record.value.decode(errors="replace"))] = reason[:120]
    finally:
        consumer.close()
    return [(connector, value, reason) for (connector, value), reason in sorted(found.items())]


def _text(raw: bytes | None) -> str:
    return raw.decode(errors="replace") if raw else ""


def _safely(function, *args):
    try:
        return function(*args)
    except LabError as exc:
        return exc



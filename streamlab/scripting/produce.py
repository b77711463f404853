"""Produce a stream of events at a target rate with a live display, clean Ctrl+C and a delivery summary."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

from kafka.errors import KafkaError
from rich.console import Console
from rich.live import Live

from kafka import KafkaProducer

from ..errors import LabError
from ..waiting import Pacer


@dataclass
class DeliveryStats:
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    first_error: str = ""
    started: float = field(default_factory=time.monotonic)

    def on_delivered(self, _metadata) -> None:
        self.delivered += 1

    def on_failed(self, exc: BaseException) -> None:
        self.failed += 1
        self.first_error = self.first_error or f"{type(exc).__name__}: {exc}"

    @property
    def elapsed(self) -> float:
        return max(time.monotonic() - self.started, 1e-9)

    def line(self) -> str:
        return (
            f"sent {self.sent:,}  delivered {self.delivered:,}  failed {self.failed:,}  "
            f"{self.delivered / self.elapsed:,.0f} events/s  {self.elapsed:.1f}s"
        )


def produce(
    producer: KafkaProducer,
    topic: str,
    events: Iterator[dict],
    key: Callable[[dict], str | None] = lambda e: None,
    rate: float | None = None,
    count: int | None = None,
    console: Console | None = None,
    live: bool = True,
    flush_timeout_s: float = 30.0,
) -> DeliveryStats:
    """Send events until `count` (None = until Ctrl+C); return the delivery statistics after a flush."""
    console = console or Console(stderr=True)
    stats = DeliveryStats()
    pacer = Pacer(rate)
    display = Live(stats.line(), console=console, refresh_per_second=4, transient=False) if live else None
    try:
        if display:
            display.start()
        next_refresh = 0.0
        for event in events:
            if count is not None and stats.sent >= count:
                break
            future = producer.send(topic, value=event, key=key(event))
            future.add_callback(stats.on_delivered).add_errback(stats.on_failed)
            stats.sent += 1
            pacer.wait(stats.sent)
            if display and (now := time.monotonic()) >= next_refresh:
                display.update(stats.line())
                next_refresh = now + 0.25
    except KeyboardInterrupt:
        console.print("[yellow]interrupted: flushing what was sent[/yellow]")
    except KafkaError as exc:
        raise LabError(f"producing to {topic!r} failed: {exc}") from None
    finally:
        try:
            producer.flush(timeout=flush_timeout_s)
        except KafkaError as exc:
            stats.on_failed(exc)
        if display:
            display.update(stats.line())
            display.stop()
    return stats


def summary(stats: DeliveryStats, topic: str) -> str:
    verdict = "all delivered" if stats.failed == 0 and stats.delivered == stats.sent else "NOT all delivered"
    line = f"{verdict} to {topic!r}: {stats.line()}"
    if stats.first_error:
        line += f"  first error: {stats.first_error}"
    return line

"""Produce a stream of records at a target rate with a live line, clean Ctrl+C and a delivery summary.

Records are (key, value) pairs handed to a sender (`clients.senders`): librdkafka or kafka-python.
The delivered count comes from the broker's acknowledgements, never from what was merely sent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterator

from kafka.errors import KafkaError
from rich.console import Console
from rich.live import Live

from ..clients.senders import Deliveries
from ..errors import LabError
from ..waiting import Pacer

REFRESH_S = 0.25
UNPACED_CHECK_EVERY = 256  # at full speed, look at the clock only every so many records


@dataclass
class DeliveryStats:
    deliveries: Deliveries = field(default_factory=Deliveries)
    sent: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def delivered(self) -> int:
        return self.deliveries.delivered

    @property
    def failed(self) -> int:
        return self.deliveries.failed

    @property
    def first_error(self) -> str:
        return self.deliveries.first_error

    @property
    def elapsed(self) -> float:
        return max(time.monotonic() - self.started, 1e-9)

    @property
    def all_delivered(self) -> bool:
        return self.failed == 0 and self.delivered == self.sent

    def line(self) -> str:
        return (
            f"sent {self.sent:,}  delivered {self.delivered:,}  failed {self.failed:,}  "
            f"{self.delivered / self.elapsed:,.0f} events/s  {self.elapsed:.1f}s"
        )


def produce(
    sender,
    topic: str,
    records: Iterator[tuple],
    stats: DeliveryStats,
    rate: float | None = None,
    count: int | None = None,
    console: Console | None = None,
    live: bool = True,
    flush_timeout_s: float = 30.0,
) -> DeliveryStats:
    """Send (key, value) records until `count` (None = until Ctrl+C); return the statistics after a flush.

    The live line shows only in a terminal and disappears at the end, so the summary is the one
    final line whether the output is a terminal or a pipe.
    """
    console = console or Console(stderr=True)
    display = Live(stats.line(), console=console, refresh_per_second=4, transient=True) if live and console.is_terminal else None
    try:
        if display:
            display.start()
        _send_all(sender, topic, records, stats, rate, count, lambda: display and display.update(stats.line()))
    except KeyboardInterrupt:
        console.print("[yellow]interrupted: flushing what was sent[/yellow]")
    except KafkaError as exc:
        raise LabError(f"producing to {topic!r} failed: {exc}") from None
    finally:
        sender.flush(flush_timeout_s)
        if display:
            display.stop()
    return stats


def _send_all(sender, topic: str, records: Iterator[tuple], stats: DeliveryStats, rate: float | None,
              count: int | None, refresh: Callable[[], object]) -> None:
    """The hot loop: at full speed a record costs one produce call; the clock is read every 256 records."""
    stats.started = time.monotonic()  # the rate counts sending, not connecting
    pacer, send, sent = Pacer(rate), sender.send, stats.sent
    check_every = 1 if rate else UNPACED_CHECK_EVERY
    next_refresh = 0.0
    for key, value in records if count is None else islice(records, count):
        try:
            send(topic, value, key)
        except BufferError:
            sender.make_room()
            send(topic, value, key)
        sent += 1
        if sent % check_every == 0:
            stats.sent = sent
            pacer.wait(sent)
            if (now := time.monotonic()) >= next_refresh:
                sender.service()
                refresh()
                next_refresh = now + REFRESH_S
    stats.sent = sent


def summary(stats: DeliveryStats, topic: str) -> str:
    verdict = "all delivered" if stats.all_delivered else "NOT all delivered"
    line = f"{verdict} to {topic!r}: {stats.line()}"
    if stats.first_error:
        line += f"  first error: {stats.first_error}"
    return line

"""One background thread that polls the lab for every viewer at once.

Each probe runs at its own pace (end offsets every tick, S3 every few seconds, services slower);
a page never triggers a poll of its own for the live figures, so ten open pages cost the lab what
one does. Nobody watching: probes slow down tenfold, enough to keep a coarse history for the next
viewer's sparklines. Probe failures are kept as one line each (Kafka down shows on the page, it does
not stop the other probes).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import LabError
from .errors import ConsoleError, one_line
from .figures import History

IDLE_FACTOR = 10  # probe intervals multiply by this while no page is open


@dataclass(frozen=True)
class Probe:
    name: str
    every_s: float
    run: Callable[[], Any]


class Watch(Protocol):
    """What the sampler polls: its probes, and how their latest results become one sample."""

    def probes(self) -> list[Probe]: ...

    def sample(self, results: dict[str, dict], now: float) -> tuple[dict, dict[str, float | None]]: ...


def describe_error(exc: Exception) -> str:
    if isinstance(exc, ConsoleError):
        return exc.detail
    if isinstance(exc, LabError):
        return one_line(str(exc))
    return one_line(f"{type(exc).__name__}: {exc}")


class Sampler:
    def __init__(self, watch: Watch, history_s: float = 600.0, clock: Callable[[], float] = time.time):
        self.watch, self.clock = watch, clock
        self.probes = watch.probes()
        self.results: dict[str, dict] = {}  # probe -> {"value": ..., "t": ...} or {"error": line, "t": ...}
        self.latest: dict = {}
        self.history = History(history_s)
        self.version = 0
        self.viewers = 0
        self._due = {probe.name: 0.0 for probe in self.probes}
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiters: set[asyncio.Future] = set()

    # --- one round ----------------------------------------------------------------------------
    def tick(self, now: float | None = None) -> bool:
        """Run every probe that is due; True when a new sample was made."""
        now = self.clock() if now is None else now
        due = [probe for probe in self.probes if now >= self._due[probe.name]]
        pace = 1 if self.viewers else IDLE_FACTOR
        for probe in due:
            self.results[probe.name] = self._run(probe, now)
            self._due[probe.name] = now + probe.every_s * pace
        if not due:
            return False
        sample, series = self.watch.sample(self.results, now)
        for name, value in series.items():
            self.history.add(name, now, value)
        self.latest = {**sample, "t": now, "points": {name: [round(now, 2), value] for name, value in series.items()}}
        self.version += 1
        return True

    @staticmethod
    def _run(probe: Probe, now: float) -> dict:
        try:
            return {"value": probe.run(), "t": now}
        except Exception as exc:  # any probe may fail (a service down); the others go on
            return {"error": describe_error(exc), "t": now}

    def seconds_to_next(self) -> float:
        return max(0.05, min(self._due.values(), default=1.0) - self.clock())

    # --- the thread ---------------------------------------------------------------------------
    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop
        self._thread = threading.Thread(target=self._run_forever, name="console-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)

    def _run_forever(self) -> None:
        while not self._stop.is_set():
            if self.tick():
                self._notify()
            self._wake.wait(min(self.seconds_to_next(), 5.0))
            self._wake.clear()

    # --- viewers ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def watching(self) -> Iterator[None]:
        """While a page is open: full pace, and at once when it is the first viewer."""
        self.viewers += 1
        if self.viewers == 1:
            now = self.clock()
            self._due = {name: min(due, now) for name, due in self._due.items()}
            self._wake.set()
        try:
            yield
        finally:
            self.viewers -= 1

    def _notify(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._release_waiters)

    def _release_waiters(self) -> None:
        waiters, self._waiters = self._waiters, set()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(self.version)

    async def next_sample(self, after_version: int, timeout_s: float = 15.0) -> bool:
        """Wait (on the event loop) until a sample newer than `after_version` exists; False on timeout."""
        if self.version > after_version:
            return True
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, timeout_s)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            self._waiters.discard(waiter)

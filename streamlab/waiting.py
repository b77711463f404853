"""Bounded waits with visible progress (a spinner with elapsed seconds), built on tenacity; and a pacer."""

from __future__ import annotations

import time
from typing import Callable

from rich.console import Console
from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_fixed


def quietly(check: Callable[[], bool]) -> Callable[[], bool]:
    """`check` as a probe that answers False instead of raising (a starting service refuses or resets)."""

    def attempt() -> bool:
        try:
            return bool(check())
        except Exception:  # a service that is still starting refuses, resets or times out
            return False

    return attempt


def wait_for(
    check: Callable[[], bool],
    timeout_s: float,
    label: str,
    console: Console | None = None,
    interval_s: float = 0.5,
    abort: Callable[[], str | None] | None = None,
) -> bool:
    """Poll `check` until it returns true or `timeout_s` passes; show `label` and elapsed time.

    `abort` may return a reason to stop early (e.g. the process died); the reason is raised.
    """
    attempt = quietly(check)
    started = time.monotonic()
    console = console or Console(stderr=True)

    def probe() -> bool:
        if abort and (reason := abort()):
            raise RuntimeError(reason)
        status.update(f"{label} ({time.monotonic() - started:.0f}s)")
        return attempt()

    with console.status(label) as status:
        retrying = Retrying(
            stop=stop_after_delay(timeout_s),
            wait=wait_fixed(interval_s),
            retry=retry_if_result(lambda ok: not ok),
        )
        try:
            return retrying(probe)
        except RetryError:
            return False


class Pacer:
    """Keeps a loop at `rate` per second (None or 0 = as fast as possible) without per-event sleeps."""

    def __init__(self, rate: float | None):
        self.rate = rate or None
        self.started = time.monotonic()

    def wait(self, done: int) -> None:
        if self.rate is None:
            return
        ahead = done / self.rate - (time.monotonic() - self.started)
        if ahead > 0.001:
            time.sleep(ahead)

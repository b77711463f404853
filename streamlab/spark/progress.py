"""One line per micro-batch while a query runs: rows, input rate, processing rate, batch duration."""

from __future__ import annotations

import threading
import time
from typing import Callable

from ..errors import LabError


def progress_line(progress: dict) -> str:
    rows = progress.get("numInputRows", 0)
    input_rate = progress.get("inputRowsPerSecond") or 0.0
    processed_rate = progress.get("processedRowsPerSecond") or 0.0
    took_ms = (progress.get("durationMs") or {}).get("triggerExecution", 0)
    return (f"batch {progress.get('batchId', '?'):>5}  rows {rows:>7,}  input {input_rate:>9,.1f}/s  "
            f"processed {processed_rate:>9,.1f}/s  took {took_ms / 1000:.2f} s")


def follow(query, show: Callable[[str], None], stop: threading.Event, poll_s: float = 0.5,
           quiet_empty: bool = True) -> None:
    """Print each new batch's progress until the query ends or `stop` is set (raises the query's error)."""
    last_batch = -1
    while query.isActive and not stop.is_set():
        query.awaitTermination(poll_s)
        for progress in query.recentProgress:
            batch = progress.get("batchId", -1)
            if batch <= last_batch:
                continue
            last_batch = batch
            if progress.get("numInputRows", 0) or not quiet_empty:
                show(progress_line(progress))
    error = query.exception()
    if error is not None:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise LabError(f"the Spark query stopped: {first_line}", "a restart continues from the checkpoint")


def stop_between_batches(query, wait_s: float = 60.0) -> None:
    """Stop once no micro-batch runs: stopping mid-batch works too, but Spark logs the cancelled
    tasks as a wall of errors, which a student would take for a failure."""
    deadline = time.monotonic() + wait_s
    while query.isActive and query.status.get("isTriggerActive") and time.monotonic() < deadline:
        time.sleep(0.05)
    query.stop()

"""How long a client waits for a service to answer: its own wait, or less when LAB_CONNECT_TIMEOUT says so.

The no-traceback test runs every command with the lab down (and against a port that never answers)
and sets it low; a slow network may want the opposite only through each command's own options.
"""

from __future__ import annotations

import os

from ..errors import EXIT_BAD_INPUT, LabError

CONNECT_TIMEOUT_VAR = "LAB_CONNECT_TIMEOUT"


def bounded_wait(wait_s: float) -> float:
    """`wait_s`, or LAB_CONNECT_TIMEOUT seconds when that is set and shorter."""
    value = os.environ.get(CONNECT_TIMEOUT_VAR)
    if not value:
        return wait_s
    try:
        cap = float(value)
    except ValueError:
        raise LabError(f"{CONNECT_TIMEOUT_VAR}={value!r} is not a number of seconds", f"unset it, or set e.g. {CONNECT_TIMEOUT_VAR}=2",
                       exit_code=EXIT_BAD_INPUT) from None
    return min(wait_s, cap) if cap > 0 else wait_s

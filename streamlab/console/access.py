"""Who may change the lab from the console (pause, delete, register): the rules and the route guard.

- `local`: bound to loopback (LAB_BIND=127.0.0.1), only this machine reaches the console: allowed.
- `token`: shared with the room and CONSOLE_TOKEN set: every change sends it as X-Console-Token.
- `read-only`: shared and no CONSOLE_TOKEN: changes are refused; the room may look, not touch.
Reading is open in every mode: the console shows what the lab holds, never a secret.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from fastapi import Request

from .errors import ConsoleError

LOCAL, TOKEN, READ_ONLY = "local", "token", "read-only"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
TOKEN_HEADER = "X-Console-Token"
# Sent by the page with every change. A form on another site cannot add a custom header without a
# CORS preflight, which the console never approves: so no other page can pause a connector by POST.
ACTION_HEADER = "X-Console-Action"

MODE_TEXT = {
    LOCAL: "local: bound to this machine only, actions allowed",
    TOKEN: "shared: actions need the console token (CONSOLE_TOKEN)",
    READ_ONLY: "shared and read-only: set CONSOLE_TOKEN to allow actions",
}


def access_mode(bind: str, token: str | None) -> str:
    if bind.strip() in LOOPBACK:
        return LOCAL
    return TOKEN if token else READ_ONLY


def check_change(mode: str, expected: str | None, given: str | None, action_header: str | None) -> None:
    """Raise the refusal for a state-changing request, or return when it may go ahead."""
    if not action_header:
        raise ConsoleError(403, "forbidden", f"changes must come from the console page (header {ACTION_HEADER} missing)")
    if mode == LOCAL:
        return
    if mode == READ_ONLY:
        raise ConsoleError(403, "read_only", "the console is shared without CONSOLE_TOKEN, so it is read-only; set CONSOLE_TOKEN to allow actions")
    if not given:
        raise ConsoleError(401, "token_required", f"this action needs the console token in the {TOKEN_HEADER} header")
    # Constant-time comparison: the time to refuse says nothing about how much of the token was right.
    if not hmac.compare_digest(given.encode(), (expected or "").encode()):
        raise ConsoleError(401, "token_required", "wrong console token")


def host_name(host_header: str | None) -> str:
    """The name part of a Host header: 'localhost:8090' -> 'localhost', '[::1]:8090' -> '[::1]'."""
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        return host[: host.index("]") + 1] if "]" in host else host
    return host.split(":", 1)[0]


def host_allowed(mode: str, host_header: str | None) -> bool:
    """On loopback, only loopback names: a page on another site whose DNS points at 127.0.0.1
    (DNS rebinding) sends its own name as Host and is refused."""
    return mode != LOCAL or host_name(host_header) in LOOPBACK


def change_guard(mode: str, token: str | None) -> Callable[[Request], None]:
    """A FastAPI dependency for POST and DELETE routes."""

    def guard(request: Request) -> None:
        check_change(mode, token, request.headers.get(TOKEN_HEADER), request.headers.get(ACTION_HEADER))

    return guard

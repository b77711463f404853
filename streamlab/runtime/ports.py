"""Is a TCP port free, and if not, which process holds it."""

from __future__ import annotations

import socket

import psutil

from ..config import LOOPBACK_BINDS, shares_the_lab


def local_address(bind: str) -> str:
    """The address this machine reaches a service bound to `bind` at: loopback, unless it listens on
    one other interface only (LAB_BIND=192.168.1.20 answers there, not on 127.0.0.1)."""
    return "127.0.0.1" if shares_the_lab(bind) or bind in LOOPBACK_BINDS else bind


def where_to_open(bind: str, advertised: str, port: int) -> str:
    """The URL to print for a web service on `port`: this machine's, and on a shared bind the room's,
    at LAB_ADVERTISED_HOST (`advertised`), or this machine's name when that is unset."""
    here = f"http://{local_address(bind)}:{port}"
    if not shares_the_lab(bind):
        return here
    return f"{here} (the room: http://{advertised or socket.gethostname()}:{port})"


def port_open(port: int, host: str = "127.0.0.1", timeout_s: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def holder_of(port: int) -> str:
    """'pid 123 (java)' for the process listening on `port`, or a hint when it cannot be seen."""
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
                try:
                    return f"pid {conn.pid} ({psutil.Process(conn.pid).name()})"
                except psutil.Error:
                    return f"pid {conn.pid}"
    except psutil.AccessDenied:
        pass
    return f"another process (see `lsof -i :{port}` or `ss -ltnp 'sport = :{port}'`)"

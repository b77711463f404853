"""Is a TCP port free, and if not, which process holds it."""

from __future__ import annotations

import socket

import psutil


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

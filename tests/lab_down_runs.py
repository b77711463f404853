"""Run a `streamlab` command or a lab script in this process, as a shell would, and keep what it printed.

For tests that run many commands fast: no interpreter start per run (about 1.5 s of imports each).
A run sees the environment of a lab that is down and shares nothing with a real one: every port
shifted by 3000 (nothing listens there), its own empty LAB_HOME, no `.env`, the native runtime,
and clients that give up on Kafka after LAB_CONNECT_TIMEOUT seconds. An exception that escapes is
written to stderr as Python would print it, so "Traceback" in the output means the same here as
in a terminal.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import runpy
import signal
import socket
import sys
import threading
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def lab_down_env(home: Path) -> dict[str, str]:
    return {
        "LAB_PORT_OFFSET": "3000",
        "LAB_HOME": str(home),
        "S3_DATA_DIR": str(home / "s3"),
        "STREAMLAB_ENV_FILE": os.devnull,
        "RUNTIME": "native",  # never a Docker engine's containers, whatever answers
        "LAB_CONNECT_TIMEOUT": "0.5",
        "COLUMNS": "200",
    }


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out[-3000:]}\n--- stderr\n{self.err[-3000:]}"


@contextlib.contextmanager
def _as_a_process(env: dict[str, str], argv: list[str]):
    """The environment, argv, signal handlers and thread exception hook of one run, restored afterwards."""
    from streamlab.topology import load_topology

    saved_env, saved_argv, saved_hook = dict(os.environ), sys.argv, threading.excepthook  # run_main sets the hook
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    os.environ.update(env)
    sys.argv = argv
    load_topology.cache_clear()  # its ports follow LAB_PORT_OFFSET
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        sys.argv, threading.excepthook = saved_argv, saved_hook
        load_topology.cache_clear()
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _run(env: dict[str, str], argv: list[str], entry) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with _as_a_process(env, argv), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            entry()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if not isinstance(exc.code, (int, type(None))):
                print(exc.code, file=sys.stderr)
        except BaseException:  # what the interpreter would print before exiting 1
            traceback.print_exc()
            code = 1
    return Outcome(code, out.getvalue(), err.getvalue())


def run_cli(env: dict[str, str], *args: str) -> Outcome:
    """`streamlab ARGS...`."""
    from streamlab.cli import main

    return _run(env, ["streamlab", *args], main)


def run_script(env: dict[str, str], script: str, *args: str) -> Outcome:
    """`python SCRIPT ARGS...` from the repository root."""
    path = str(REPO / script)
    return _run(env, [path, *args], lambda: runpy.run_path(path, run_name="__main__"))


def cli_commands() -> list[tuple[str, ...]]:
    """Every command path the CLI has, e.g. ("topics", "create"), read from the typer app."""
    import typer.main
    from rich.console import Console

    from streamlab.cli import build_app
    from streamlab.lab import Lab

    def walk(command, path):
        children = getattr(command, "commands", None)
        if not children:
            return [path]
        return [p for name, child in sorted(children.items()) for p in walk(child, (*path, name))]

    return walk(typer.main.get_command(build_app(Lab(), Console())), ())


def run_module(env: dict[str, str], module: str, *args: str) -> Outcome:
    """`python -m MODULE ARGS...`."""
    return _run(env, [module, *args], lambda: runpy.run_module(module, run_name="__main__", alter_sys=True))


# -- services that are there but do not answer -------------------------------------------------
class BlackHole:
    """A port that accepts connections and never answers: a hung service, as a client sees it."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.held: list[socket.socket] = []
        self.address = f"127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self._hold, daemon=True).start()

    def _hold(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.held.append(self.server.accept()[0])

    def close(self) -> None:
        for conn in [*self.held, self.server]:
            conn.close()


class _AnsweringLab(BaseHTTPRequestHandler):
    """Just enough of Kafka Connect, OpenSearch and S3 for a command to get past its first checks."""

    connectors: list[str] = []

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/connectors":
            self._send(200, "application/json", json.dumps(self.connectors))
        elif path == "/_cluster/health":
            self._send(200, "application/json", '{"status": "green"}')
        else:  # an S3 bucket listing: empty
            self._send(200, "application/xml", "<ListBucketResult><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>")

    def _send(self, status: int, kind: str, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def answering_lab(connectors: list[str]) -> ThreadingHTTPServer:
    """A server on a free port where the connect pipeline's `connectors` run, OpenSearch is green and S3 empty."""
    handler = type("Handler", (_AnsweringLab,), {"connectors": connectors})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

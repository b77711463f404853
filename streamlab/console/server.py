"""Serving the console: `streamlab console` in the foreground, or uvicorn in a thread (tests, benchmarks)."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace

import uvicorn
from rich.console import Console

from ..config import file_env
from ..errors import LabError
from ..runtime.ports import holder_of, local_address, port_open, where_to_open
from .access import MODE_TEXT, access_mode
from .app import create_app
from .config import console_config, console_token
from .sources import build_sources

# Open pages hold live streams: on shutdown they are told to end (ConsoleServer), and whatever still
# runs after this long is cancelled.
GRACE_S = 5


class ConsoleServer(uvicorn.Server):
    """uvicorn, which first tells the app's live streams to end: an open page would otherwise keep
    Ctrl+C waiting (a server-sent event stream never finishes by itself)."""

    def handle_exit(self, sig, frame) -> None:
        self.config.app.state.closing.set()
        super().handle_exit(sig, frame)

    def stop(self) -> None:
        self.config.app.state.closing.set()
        self.should_exit = True


def check_port(host: str, port: int) -> None:
    if port_open(port, local_address(host)):
        raise LabError(f"port {port} for the console is already taken by {holder_of(port)}", "stop it, or pass --port")


def serve(lab, port: int | None, out: Console) -> None:
    """Check the port (one line when taken), build the sources from the Lab, serve until Ctrl+C."""
    token = console_token(os.environ, file_env())
    config = console_config(lab.settings, lab.topology, lab.runtime.name, port)
    check_port(config.bind, config.port)
    app = create_app(build_sources(lab, [token] if token else [], config.port), config, token)
    mode = access_mode(config.bind, token)
    out.print(f"console on {where_to_open(config.bind, lab.settings.LAB_ADVERTISED_HOST, config.port)} ({lab.runtime.name} runtime; {MODE_TEXT[mode]}); Ctrl+C stops it",
              highlight=False)
    ConsoleServer(uvicorn.Config(app, host=config.bind, port=config.port, log_level="warning", server_header=False,
                                 timeout_graceful_shutdown=GRACE_S)).run()


def start_in_thread(lab, token: str | None = None, bind: str = "127.0.0.1") -> BackgroundServer:
    """The console over the real lab, served from a thread on a free port (tests and benchmarks)."""
    config = replace(console_config(lab.settings, lab.topology, lab.runtime.name), bind=bind)
    app = create_app(build_sources(lab, extra_secrets=[token] if token else []), config, token)
    return BackgroundServer(app, host="127.0.0.1").start()


class BackgroundServer:
    """uvicorn in a daemon thread on a free loopback port; `start()` returns once it accepts connections."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0):
        self.server = ConsoleServer(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on",
                                                   timeout_graceful_shutdown=GRACE_S))
        self.thread = threading.Thread(target=self.server.run, name="console-server", daemon=True)
        self.host = host

    def start(self, timeout_s: float = 15.0) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the console server did not start")
            time.sleep(0.05)
        return self

    @property
    def port(self) -> int:
        return self.server.servers[0].sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=15)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

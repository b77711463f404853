"""The native runtime: the lab's services as real processes from Maven Central jars, same ports as Docker.

State lives under LAB_HOME (default .lab/): jars/, run/<service>.pid, logs/<service>.log, and each
service's data. Only processes recorded in our PID files are ever stopped.
"""

from __future__ import annotations

import re
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path

import psutil
from rich.console import Console

from ..config import Settings
from ..errors import LabError
from ..topology import Topology
from ..waiting import quietly, wait_for
from .base import ServiceStatus
from .cds import WRITE_GRACE_S, adopt_after_exit, recording
from .jars import ensure_jars
from .java import find_java
from .fluent_bit import FLUENT_BIT, find_fluent_bit, missing_reason
from .native_services import ALL, Context, NativeService
from .ports import holder_of, local_address, port_open
from .process import GRACE_S, PidFile, rss_mb, spawn, stop


def failure_line(path: Path) -> str:
    """The most telling line at the end of a log: the last ERROR/exception line, else the last line."""
    try:
        with open(path, errors="replace") as log:
            tail = [line.strip() for line in deque(log, maxlen=300) if line.strip()]
    except OSError:
        return ""
    telling = [line for line in tail if re.search(r"ERROR|FATAL|Exception:|Error:", line) and not line.startswith("at ")]
    return (telling or tail or [""])[-1][:300]


# The fan-outs `make switch-*` starts and stops: `up` leaves them alone, `down` stops them.
ON_DEMAND = [FLUENT_BIT]
HEALTH_POLL_S = 0.25  # between two health checks of a starting service: the last one's wait is part of every `up`
NO_NATIVE_BUILD_HINT = "use `make switch-connect`, or run the lab with Docker"


def native_needs(service: str, settings: Settings | None) -> str | None:
    """What the native runtime lacks to run an on-demand service, or None when it can run it
    (settings, which say where a fluent-bit binary is, matter only for Fluent Bit)."""
    if service != FLUENT_BIT.name:
        return "the docker runtime"
    return None if find_fluent_bit(settings) else "a fluent-bit binary"


def native_how_to_get(service: str, settings: Settings | None) -> str:
    return missing_reason(settings) if service == FLUENT_BIT.name else NO_NATIVE_BUILD_HINT


class NativeRuntime:
    name = "native"
    down_hint = "stop that process or run `make down`"  # what to do when a port is taken

    def __init__(self, settings: Settings, topology: Topology, console: Console | None = None):
        self.settings = settings
        self.topology = topology
        self.console = console or Console(stderr=True)

    # --- paths ---------------------------------------------------------------------------------
    def pidfile(self, service: str) -> PidFile:
        return PidFile(self.settings.home / "run" / f"{service}.pid")

    def log_path(self, service: str) -> Path:
        return self.settings.home / "logs" / f"{service}.log"

    def catalog(self) -> list[NativeService]:
        """Every service this runtime knows, in start order (the cluster runtime has its own)."""
        return ALL + ON_DEMAND

    def port_of(self, service: str) -> int:
        return self.topology.port(service)

    def services(self, only: list[str] | None = None) -> list[NativeService]:
        """The services this configuration runs locally (real AWS S3 / OpenSearch need no local one)."""
        chosen = [s for s in ALL if only is None or s.name in only]
        if not self.settings.local_s3:
            chosen = [s for s in chosen if s.name != "s3"]
        if not any(h in self.settings.OPENSEARCH_URL for h in ("localhost", "127.0.0.1")):
            chosen = [s for s in chosen if s.name != "opensearch"]
        return chosen

    # --- lifecycle -----------------------------------------------------------------------------
    def context(self) -> Context:
        java = find_java()
        jars = ensure_jars(Path(self.settings.LAB_JARS), self.console)
        return Context(settings=self.settings, topology=self.topology, java=java, jars=jars)

    def up(self, only: list[str] | None = None) -> None:
        """Start each service not already running, in order, each healthy before the next."""
        unknown = set(only or []) - {s.name for s in ALL}
        if unknown:
            raise LabError(f"unknown service {sorted(unknown)[0]!r}", f"choose from {', '.join(s.name for s in ALL)}")
        ctx = self.context()
        StartPlan(self, ctx, self.services(only)).run()

    def _launch(self, ctx: Context, service: NativeService) -> tuple[psutil.Process, bool]:
        """Spawn the service unless our PID file names a live one; (process, newly started)."""
        running = self.pidfile(service.name).process()
        if running:
            return running, False
        port = self.port_of(service.name)
        if port_open(port, local_address(self.settings.LAB_BIND)):
            raise LabError(f"port {port} for {service.name} is already taken by {holder_of(port)}", self.down_hint)
        service.prepare(ctx)
        pid = spawn(service.command(ctx), self.log_path(service.name), env=service.env(ctx), cwd=service.cwd(ctx))
        self.pidfile(service.name).write(pid)
        return psutil.Process(pid), True

    def _report_started(self, service: NativeService, proc: psutil.Process, fresh: bool) -> None:
        port = self.port_of(service.name)
        if fresh:
            self.console.print(f"{service.name:<11} healthy on port {port} (pid {proc.pid})")
        else:
            self.console.print(f"{service.name:<11} already running (pid {proc.pid}, port {port})")

    def _await_health(self, ctx: Context, service: NativeService, proc: psutil.Process) -> None:
        log = self.log_path(service.name)

        def died() -> str | None:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                return None
            return f"{service.name} exited during start: {failure_line(log)} (full log: {log})"

        try:
            ok = wait_for(lambda: service.healthy(ctx), service.timeout_s, f"waiting for {service.name} to be healthy",
                          self.console, interval_s=HEALTH_POLL_S, abort=died)
        except RuntimeError as exc:
            self.pidfile(service.name).path.unlink(missing_ok=True)
            raise LabError(str(exc)) from None
        if not ok:
            raise LabError(f"{service.name} did not become healthy within {service.timeout_s:.0f}s", f"see {log}")

    def down(self) -> None:
        """Stop our processes in reverse start order; nothing running is fine."""
        stopped = [service for service in reversed(self.catalog()) if self._stop(service.name)]
        if not stopped:
            self.console.print(f"nothing to stop: no {self.name} process is running")

    def _stop(self, service: str) -> bool:
        """Stop one service if our PID file names a live process; True when one was stopped."""
        proc = self.pidfile(service).process()
        if proc is None:
            return False
        ran = _command_line(proc)
        writing = recording(ran)
        note = ": writing its class-data archive, once, for quicker starts" if writing else ""
        with self.console.status(f"stopping {service} (pid {proc.pid}){note}"):
            stop(proc, grace_s=WRITE_GRACE_S if writing else GRACE_S)
            adopt_after_exit(ran)
        self.pidfile(service).path.unlink(missing_ok=True)
        self.console.print(f"{service:<11} stopped (pid {proc.pid})")
        return True

    # --- on-demand services: the fan-outs of `make switch-*` -----------------------------------
    def needs_for(self, service: str) -> str | None:
        return native_needs(service, self.settings)

    def how_to_get(self, service: str) -> str:
        return native_how_to_get(service, self.settings)

    def running(self, service: str) -> bool:
        return self.pidfile(service).process() is not None

    def start_on_demand(self, service: str, profile: str) -> None:
        """Start it unless ours runs, and wait until it is healthy (`profile` is compose's; unused here)."""
        (chosen,) = [s for s in ON_DEMAND if s.name == service]
        ctx = self._plain_context()
        proc, fresh = self._launch(ctx, chosen)
        self._await_health(ctx, chosen, proc)
        self._report_started(chosen, proc, fresh)

    def stop_on_demand(self, service: str, profile: str) -> bool:
        return self._stop(service)

    def kill(self, service: str) -> int:
        """SIGKILL one service (crash drills); returns the PID killed."""
        proc = self.pidfile(service).process()
        if proc is None:
            raise LabError(f"{service} is not running")
        proc.kill()
        try:
            proc.wait(10)
        except psutil.TimeoutExpired:
            # Started by another process (e.g. a test session): it stays a zombie until its parent reaps it.
            if proc.status() != psutil.STATUS_ZOMBIE:
                raise
        self.pidfile(service).path.unlink(missing_ok=True)
        return proc.pid

    def address_for_containers(self, url: str, service: str) -> str:
        """Native processes share the host's network: addresses stay as they are."""
        return url

    # --- inspection ----------------------------------------------------------------------------
    def _plain_context(self) -> Context:
        """A context for services that need no JVM: no Java lookup, no jar resolution."""
        return Context(settings=self.settings, topology=self.topology, java="java", jars=Path(self.settings.LAB_JARS))

    def status(self) -> list[ServiceStatus]:
        ctx = self._plain_context()
        rows = []
        for service in self.catalog():
            if service in ON_DEMAND and not self.running(service.name):
                continue  # a fan-out not switched on is no service of this lab (as in `docker compose ps`)
            port = self.port_of(service.name)
            if service not in ON_DEMAND and service not in self.services():
                rows.append(ServiceStatus(service.name, "external", port, detail="configured to use a remote service"))
                continue
            proc = self.pidfile(service.name).process()
            if proc is None:
                rows.append(ServiceStatus(service.name, "stopped", port))
                continue
            state = "healthy" if quietly(partial(service.healthy, ctx))() else "starting"
            rows.append(ServiceStatus(service.name, state, port, proc.pid, rss_mb(proc), str(self.log_path(service.name))))
        return rows

    def log_tail(self, service: str, lines: int) -> str:
        path = self.log_path(service)
        if not path.exists():
            raise LabError(f"no log for {service!r} yet", f"logs live in {path.parent}")
        with open(path, errors="replace") as log:
            return "".join(deque(log, maxlen=lines))


def _command_line(proc: psutil.Process) -> list[str]:
    """How the process was started (nothing once it is gone)."""
    try:
        return proc.cmdline()
    except psutil.Error:
        return []


class StartPlan:
    """Start services in parallel: each is launched once the services it `needs` are healthy, and all
    are watched at once under one status line (a lab on 2 cores starts in about the time of its slowest JVM)."""

    POLL_S = 0.1  # between looks at the probes (each service is probed again once its last probe ended)

    def __init__(self, runtime: NativeRuntime, ctx: Context, services: list[NativeService]):
        self.runtime, self.ctx = runtime, ctx
        self.pending = list(services)
        self.chosen = {s.name for s in services}
        self.healthy: set[str] = set()
        self.watched: dict[str, tuple[NativeService, psutil.Process, bool, float]] = {}
        self.probes = ThreadPoolExecutor(max_workers=len(services) or 1, thread_name_prefix="probe")
        self.probing: dict[str, Future] = {}  # service -> its health probe under way
        self.probed_at: dict[str, float] = {}  # service -> when its last probe started

    def run(self) -> None:
        started = time.monotonic()
        with self.runtime.console.status("starting") as status:
            try:
                while self.pending or self.watched:
                    self._launch_ready()
                    self._probe_watched()
                    if self.watched:
                        status.update(f"waiting for {', '.join(self.watched)} to be healthy ({time.monotonic() - started:.0f}s)")
                        time.sleep(self.POLL_S)
            finally:
                self.probes.shutdown(wait=False, cancel_futures=True)

    def _launch_ready(self) -> None:
        for service in [s for s in self.pending if all(n in self.healthy or n not in self.chosen for n in s.needs)]:
            self.pending.remove(service)
            proc, fresh = self.runtime._launch(self.ctx, service)
            self.watched[service.name] = (service, proc, fresh, time.monotonic() + service.timeout_s)

    def _probe_watched(self) -> None:
        """Each watched service's probe runs on its own: a service that accepts connections but answers
        slowly while it starts (Connect, OpenSearch) must not hold up noticing the others."""
        for name, (service, proc, fresh, deadline) in list(self.watched.items()):
            log = self.runtime.log_path(name)
            if not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE:
                self.runtime.pidfile(name).path.unlink(missing_ok=True)
                raise LabError(f"{name} exited during start: {failure_line(log)} (full log: {log})")
            probe = self.probing.get(name)
            if probe is None:
                if time.monotonic() - self.probed_at.get(name, 0.0) >= HEALTH_POLL_S:
                    self.probed_at[name] = time.monotonic()
                    self.probing[name] = self.probes.submit(quietly(partial(service.healthy, self.ctx)))
            elif probe.done():
                del self.probing[name]
                if probe.result():
                    del self.watched[name]
                    self.healthy.add(name)
                    self.runtime._report_started(service, proc, fresh)
                elif time.monotonic() > deadline:
                    raise LabError(f"{name} did not become healthy within {service.timeout_s:.0f}s", f"see {log}")

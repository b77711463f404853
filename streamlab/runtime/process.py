"""Start, find and stop the lab's own processes by PID (never by name: other JVMs are not ours)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psutil

GRACE_S = 20.0  # how long a stopped service may take to exit before SIGKILL


@dataclass(frozen=True)
class PidFile:
    """`<state>/run/<service>.pid`: the PID plus its start time, so a recycled PID is not mistaken for ours."""

    path: Path

    def write(self, pid: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = psutil.Process(pid).create_time()
        self.path.write_text(json.dumps({"pid": pid, "created": created}))

    def process(self) -> psutil.Process | None:
        """The live process this file names, or None (and the stale file is removed)."""
        try:
            data = json.loads(self.path.read_text())
            proc = psutil.Process(data["pid"])
            if abs(proc.create_time() - data["created"]) < 1 and proc.status() != psutil.STATUS_ZOMBIE:
                return proc
        except (OSError, ValueError, KeyError, psutil.Error):
            pass
        self.path.unlink(missing_ok=True)
        return None


def spawn(cmd: list[str], log_path: Path, env: dict[str, str | None] | None = None, cwd: Path | None = None) -> int:
    """Start `cmd` detached in its own session, stdout and stderr appended to `log_path`; return its PID.

    `env` adds to this process's environment; a None value removes that variable.
    """
    merged = {**os.environ, **(env or {})}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={name: value for name, value in merged.items() if value is not None},
            cwd=cwd,
            start_new_session=True,
        )
    return proc.pid


def stop(proc: psutil.Process, grace_s: float = GRACE_S) -> None:
    """SIGTERM the process (and its children), then SIGKILL whatever is left after `grace_s`."""
    stop_all([proc], grace_s)


def stop_all(procs: list[psutil.Process], grace_s: float = GRACE_S) -> None:
    """SIGTERM every process and its children at once, then SIGKILL whatever is left after `grace_s`."""
    family = []
    for proc in procs:
        try:
            family += [proc, *proc.children(recursive=True)]
        except psutil.Error:
            continue
    for member in family:
        try:
            member.send_signal(signal.SIGTERM)
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(family, timeout=grace_s)
    for member in alive:
        try:
            member.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=5)


def rss_mb(proc: psutil.Process) -> float:
    """Resident memory of the process and its children, in MiB."""
    try:
        total = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
    except psutil.Error:
        return 0.0
    return total / (1024 * 1024)

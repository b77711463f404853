"""Run a long command (Maven, pip, docker) with its output in a log and one live progress line."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Mapping

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


def run_with_progress(cmd: list[str], label: str, log_path: Path, marker: str, noun: str, console: Console,
                      cwd: Path | None = None, env: Mapping[str, str] | None = None,
                      current: re.Pattern | None = None) -> tuple[int, int]:
    """(exit code, lines holding `marker`), shown live as '<label>: N <noun>' and, when `current`
    matches a line, its first group (what the command works on now). The whole output goes to
    `log_path`, for the error line to point at."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    count, now = 0, ""
    with open(log_path, "w") as log, Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task(label, total=None)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=cwd,
                                env=None if env is None else dict(env))
        for line in proc.stdout:
            log.write(line)
            count += marker in line
            if current and (match := current.search(line)):
                now = f" ({match.group(1)})"
            progress.update(task, description=f"{label}: {count} {noun}{now}")
        proc.wait()
    return proc.returncode, count

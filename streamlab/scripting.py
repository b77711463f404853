"""Helpers for the thin scripts under producers/, consumers/ and processors/: one-line errors, exit codes."""

from __future__ import annotations

import sys
from typing import Callable

from rich.console import Console

from .errors import LabError

err_console = Console(stderr=True, soft_wrap=True)


def run_main(main: Callable[[], int | None]) -> None:
    """Run a script's main: LabError -> one red line and its exit code; Ctrl+C -> exit 130 quietly."""
    try:
        code = main()
    except LabError as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(code or 0)

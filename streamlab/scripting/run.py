"""Errors become exit codes here, for the CLI and every thin script alike."""

from __future__ import annotations

import sys
from typing import Callable

from rich.console import Console

from ..errors import LabError

EXIT_INTERRUPTED = 130  # the shell's code for a Ctrl+C

err_console = Console(stderr=True, soft_wrap=True)


def run_main(main: Callable[[], int | None], console: Console = err_console) -> None:
    """Run a script's main: LabError -> one red line and its exit code; Ctrl+C -> exit 130 quietly."""
    try:
        code = main()
    except LabError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(code or 0)

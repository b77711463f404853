"""Errors become exit codes here, for the CLI and every thin script alike: one line, never a traceback.

| what ends the run | output | exit code |
| --- | --- | --- |
| a LabError | `error: message (hint)` | its exit_code (1, or 2 for a user error) |
| a bad command line (argparse's or the CLI's) | `error: what is wrong (see `... --help`)` | 2 |
| Ctrl+C | nothing | 130 |
| a closed pipe: stdout's reader went away (`head -1`, `true`) | nothing | 141 (128 + SIGPIPE), as for `yes` |
| a client's error the code did not word (Kafka, HTTP, S3, a file) | `error: Kafka failed: ...` in the library's words | 1 |
| any other exception (a bug) | `error: unexpected ...` naming it; STREAMLAB_TRACEBACK=1 shows the traceback | 1 |
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
from typing import Callable

from rich.console import Console
from rich.markup import escape

from ..errors import EXIT_BAD_INPUT, LabError

EXIT_INTERRUPTED = 130  # the shell's code for a Ctrl+C
EXIT_OUTPUT_CLOSED = 141  # 128 + SIGPIPE: the shell's code for a program whose output pipe closed
EXIT_UNEXPECTED = 1
TRACEBACK_VAR = "STREAMLAB_TRACEBACK"  # set it to see where an unexpected error came from

err_console = Console(stderr=True, soft_wrap=True)


def _ctrl_c_stops() -> None:
    """A parent that ignored SIGINT (`nohup`, a background `&`, a test runner) passes that on to its
    children, and Python then never raises KeyboardInterrupt: the scripts could not be stopped."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def run_main(main: Callable[[], int | None], console: Console = err_console) -> None:
    """Run a script's main, or the CLI's typer app, and exit with its code (the table above)."""
    threading.excepthook = lambda failure: _thread_failed(console, failure)
    _ctrl_c_stops()
    stdout_at_start = _stdout_identity()
    try:
        code = _exit_code(main, console)
    except SystemExit as exc:  # the script's own, argparse's, or rich's and typer's at a closed pipe
        closed = exc.code == 1 and _stdout_identity() != stdout_at_start
        code = EXIT_OUTPUT_CLOSED if closed else exc.code
    if code == EXIT_OUTPUT_CLOSED:
        _stdout_to_devnull()
    elif not _flushed() and not code:  # what was still buffered met a closed pipe
        code = EXIT_OUTPUT_CLOSED
    sys.exit(code or 0)


def _exit_code(main: Callable[[], int | None], console: Console) -> int | str | None:
    try:
        return _as_called(main)()
    except BrokenPipeError as exc:
        if _stdout_reader_gone() or not _flushed():  # a print() into a closed pipe
            _stdout_to_devnull()
            return EXIT_OUTPUT_CLOSED
        return _reported(console, exc)  # another pipe (a child's stdin, a socket): a failure like any other
    except LabError as exc:
        _say(console, str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        if _help_shown(exc):
            return EXIT_BAD_INPUT
        if os.environ.get(TRACEBACK_VAR):
            raise
        return _reported(console, exc)


def _reported(console: Console, exc: BaseException) -> int:
    """An unexpected failure as one `error:` line; its exit code."""
    line, code = _one_line(exc)
    _say(console, line)
    return code


def _stdout_identity() -> tuple:
    """sys.stdout and the file behind it. rich meets a closed pipe by pointing stdout's descriptor at
    devnull, typer (as click) by wrapping sys.stdout; each then exits 1 without a word. A change of
    either during the run tells that exit from a command's own exit 1."""
    try:
        behind = os.fstat(sys.stdout.fileno())
        return sys.stdout, behind.st_dev, behind.st_ino
    except (AttributeError, OSError, ValueError):  # no descriptor (a test's buffer, no console at all)
        return sys.stdout, None, None


def _stdout_reader_gone() -> bool:
    """True when stdout is a pipe whose reading end is closed (poll reports an error on it)."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no descriptor, or no poll on this platform
        return False


def _flushed() -> bool:
    """Writes what stdout still holds, here rather than in the interpreter's exit; False when its reader went away."""
    try:
        sys.stdout.flush()
        return True
    except BrokenPipeError:
        _stdout_to_devnull()
        return False
    except (AttributeError, ValueError):  # no stdout, or a closed one
        return True


def _stdout_to_devnull() -> None:
    """Whoever read stdout went away (`| head`, `| true`): as Python's docs advise (note on SIGPIPE),
    stdout now points at devnull, so what it still holds has somewhere to go when the interpreter exits."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # no descriptor behind stdout: nothing is written to a pipe
        pass


def _thread_failed(console: Console, failure) -> None:
    """A helper thread's exception: the same one line (the main thread goes on and decides the exit code)."""
    if failure.exc_type is SystemExit or failure.exc_value is None:
        return
    if os.environ.get(TRACEBACK_VAR):
        sys.__excepthook__(failure.exc_type, failure.exc_value, failure.exc_traceback)
    else:
        _say(console, _one_line(failure.exc_value)[0])


def _as_called(main: Callable):
    """A typer app runs without click's own error printing, so its usage errors come here too."""
    typer = sys.modules.get("typer")
    if typer is not None and isinstance(main, typer.Typer):
        return lambda: main(standalone_mode=False)
    return main


def _say(console: Console, line: str) -> None:
    one_line = " ".join(part.strip() for part in line.splitlines())  # a library's message may hold newlines
    console.print(f"[red]error:[/red] {escape(one_line)}", highlight=False)


def _help_shown(exc: Exception) -> bool:
    """`streamlab topics` with no subcommand: typer printed the group's help already (exit 2, as click does)."""
    return type(exc).__name__ == "NoArgsIsHelpError"


def _one_line(exc: Exception) -> tuple[str, int]:
    """A CLI usage error as click words it, a client's failure, else the exception named as the bug it is."""
    click = sys.modules.get("typer._click.exceptions")  # typer's own copy of click, loaded with the app
    if click is not None and isinstance(exc, click.ClickException):
        ctx = getattr(exc, "ctx", None)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        return exc.format_message() + hint, exc.exit_code
    if type(exc).__name__ == "Abort":
        return "aborted", EXIT_UNEXPECTED
    if (failed := _client_failure(exc)) is not None:
        return failed, EXIT_UNEXPECTED
    return (f"unexpected {type(exc).__name__}: {exc} (a bug in the lab: {TRACEBACK_VAR}=1 shows where; "
            "please report it)", EXIT_UNEXPECTED)


# (module, exception class, what failed): looked up among the loaded modules, so a script pays no import.
CLIENT_ERRORS = (
    ("kafka.errors", "KafkaError", "Kafka"),
    ("confluent_kafka", "KafkaException", "Kafka"),
    ("requests", "RequestException", "an HTTP request"),
    ("botocore.exceptions", "BotoCoreError", "S3"),
    ("botocore.exceptions", "ClientError", "S3"),
)


def _client_failure(exc: Exception) -> str | None:
    """A service that went away or did not answer mid-run, or a file that cannot be written: what failed."""
    for module_name, class_name, what in CLIENT_ERRORS:
        error_class = getattr(sys.modules.get(module_name), class_name, None)
        if error_class is not None and isinstance(exc, error_class):
            return f"{what} failed: {exc or type(exc).__name__} (is the lab up? `streamlab status`)"
    if isinstance(exc, OSError):
        return str(exc)
    return None

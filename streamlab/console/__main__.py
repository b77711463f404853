"""`python -m streamlab.console [--port N] [--runtime R]`: the console without the CLI's other commands.

This is how `start_console` (service.py) runs it as a lab service.
"""

from __future__ import annotations

from ..lab import Lab
from ..scripting.args import ScriptParser
from ..scripting.run import run_main
from .server import serve


def serve_console(argv: list[str] | None = None) -> None:
    parser = ScriptParser(prog="python -m streamlab.console", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=None, help="default: lab.yaml's console port (8090)")
    parser.add_argument("--runtime", default=None, help="docker|native|auto (overrides RUNTIME in .env)")
    args = parser.parse_args(argv)
    lab = Lab(runtime_name=args.runtime)
    serve(lab, args.port, lab.console)


def main() -> None:
    run_main(serve_console)


if __name__ == "__main__":
    main()

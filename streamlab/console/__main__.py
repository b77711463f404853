"""`python -m streamlab.console [--port N] [--runtime R]`: the console without the CLI's other commands.

This is how `start_console` (service.py) runs it as a lab service.
"""

from __future__ import annotations

import argparse

from ..lab import Lab
from ..scripting.run import run_main
from .server import serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m streamlab.console", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=None, help="default: lab.yaml's console port (8090)")
    parser.add_argument("--runtime", default=None, help="docker|native|auto (overrides RUNTIME in .env)")
    args = parser.parse_args()
    lab = Lab(runtime_name=args.runtime)
    run_main(lambda: serve(lab, args.port, lab.console), lab.console)


if __name__ == "__main__":
    main()

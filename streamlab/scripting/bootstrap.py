"""Let `python producers/x.py` work with any Python: hop into the lab's .venv when needed.

Imports nothing outside the standard library, so it runs before the dependencies are known to exist.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NEEDED = ("kafka", "faker", "rich", "yaml")


def ensure_lab_python() -> None:
    """Re-run this script with .venv/bin/python when this interpreter lacks the lab's packages."""
    if all(importlib.util.find_spec(name) for name in NEEDED):
        return
    venv = REPO / ".venv"
    venv_python = venv / "bin" / "python"
    if venv_python.exists() and Path(sys.prefix).resolve() != venv.resolve():  # not already inside it
        os.execv(str(venv_python), [str(venv_python), *sys.argv])
    sys.stderr.write("error: the lab's Python packages are not installed (run `make up` or `make venv` first, then `source .venv/bin/activate`)\n")
    sys.exit(2)

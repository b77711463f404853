"""bundle/wheels/: a wheel for every pinned Python package, every extra of pyproject.toml included.

`pip wheel` rather than `pip download`: a package published only as source (an sdist) is built
into a wheel here, so an offline install never needs a compiler or a build backend from the
network. Wheels fit this Python and platform (the manifest records which); bundle/README.md says
how to get the binary ones for another, from requirements.txt.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rich.console import Console

from ..errors import LabError
from ..runtime.streamed import run_with_progress
from .pins import REPO_ROOT

PYPROJECT = REPO_ROOT / "pyproject.toml"
# pip is upgraded by the Makefile before the lab is installed: offline, from the bundle too.
INSTALLER = ["pip"]
BUILT_HERE = re.compile(r"Created wheel for (\S+?):")
WORKING_ON = re.compile(r"^\s*(?:Collecting|Building wheel for) (\S+)")


def read_pyproject(path: Path = PYPROJECT) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: pip, always in the venv, vendors the same parser
        from pip._vendor import tomli as tomllib
    return tomllib.loads(path.read_text())


def extras(pyproject: dict) -> list[str]:
    """Every optional-dependency group, as pyproject.toml has them now (test, spark, ...)."""
    return sorted(pyproject.get("project", {}).get("optional-dependencies", {}))


def requirements(pyproject: dict, project: Path = REPO_ROOT) -> list[str]:
    """What pip wheel resolves: the project with every extra, its build backend, and pip."""
    names = extras(pyproject)
    project_spec = f"{project}[{','.join(names)}]" if names else str(project)
    return [project_spec, *pyproject.get("build-system", {}).get("requires", []), *INSTALLER]


def wheel_name(path: Path) -> tuple[str, str]:
    """('pyyaml', '6.0.3') of pyyaml-6.0.3-cp311-....whl (PEP 427: name-version-...)."""
    name, version = path.name.split("-")[:2]
    return name.lower().replace("_", "-"), version


def make_wheels(folder: Path, log_path: Path, console: Console) -> list[str]:
    """Fill `folder`; returns the packages built here from source (pure Python, any platform)."""
    pyproject = read_pyproject()
    cmd = [sys.executable, "-m", "pip", "wheel", "--progress-bar", "off", "-w", str(folder), *requirements(pyproject)]
    code, saved = run_with_progress(cmd, "Python wheels (pip wheel)", log_path, "Saved ", "saved", console,
                                    cwd=REPO_ROOT, current=WORKING_ON)
    if code != 0:
        raise LabError(f"pip could not fetch or build every wheel (exit {code})", f"see {log_path}")
    for own in folder.glob("streamlab-*.whl"):  # the lab installs itself from its source, editable
        own.unlink()
    built = sorted({m.group(1).lower() for m in BUILT_HERE.finditer(log_path.read_text())} - {"streamlab"})
    write_requirements(folder, built)
    console.print(f"wheels/: {len(list(folder.glob('*.whl')))} wheels ({saved} saved by pip)")
    return built


def write_requirements(folder: Path, built_here: list[str]) -> Path:
    """requirements.txt: name==version of each wheel pip can fetch as a binary (for another platform)."""
    pins = sorted(wheel_name(p) for p in folder.glob("*.whl"))
    lines = [f"{name}=={version}" for name, version in pins if name not in built_here]
    path = folder.parent / "requirements.txt"
    path.write_text("# Every wheel in wheels/ but those built here from source (" + (", ".join(built_here) or "none")
                    + "). bundle/README.md: how to fetch them for another platform.\n" + "\n".join(lines) + "\n")
    return path

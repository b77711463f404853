"""Helpers for the compose and pipeline-config tests (no Docker engine needed).

docker-compose.yaml is loaded by tools/composecheck, a small Go program built on compose-go, the
loader inside Docker Compose v2: the same schema validation, interpolation and normalization as
`docker compose config`. It is built once per test session with `go build`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO / "docker-compose.yaml"
TOOL_DIR = REPO / "tools" / "composecheck"
LAB_YAML = REPO / "lab.yaml"
POM = REPO / "native" / "pom.xml"

_built: dict[str, Path] = {}


def _go() -> str:
    go = shutil.which("go") or next((p for p in ("/usr/local/go/bin/go", "/usr/lib/go/bin/go") if Path(p).exists()), None)
    if go is None:
        pytest.fail(
            "`go` was not found: the compose tests build tools/composecheck (the Docker Compose v2 loader) "
            "with Go 1.24 or newer. Install Go (the Debian package golang-go, or go.dev/dl) and run again.",
            pytrace=False,
        )
    return go


def composecheck_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build tools/composecheck once per session (the test modules share the result)."""
    if "bin" not in _built:
        out = tmp_path_factory.mktemp("composecheck") / "composecheck"
        result = subprocess.run(
            [_go(), "build", "-o", str(out), "."],
            cwd=TOOL_DIR, capture_output=True, text=True, timeout=900,
        )
        if result.returncode != 0:
            pytest.fail(f"`go build` of tools/composecheck failed:\n{result.stdout}{result.stderr}", pytrace=False)
        _built["bin"] = out
    return _built["bin"]


def run_composecheck(
    binary: Path,
    compose_file: Path = COMPOSE_FILE,
    env_file: Path | None = None,
    environ: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Load a compose file as `docker compose` would, from its own folder.

    Interpolation sees only `env_file` (never the developer's .env: /dev/null when none is given)
    and, when `environ` is given, those variables as the process environment (which, as in Compose,
    win over the env file). The test process's own environment never leaks in.
    """
    args = [
        str(binary), "-f", str(compose_file), "--project-directory", str(compose_file.parent),
        "--env-file", str(env_file or os.devnull),
    ]
    if environ is None:
        args.append("--no-os-env")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **(environ or {})}
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)


def load_project(binary: Path, **kwargs) -> dict:
    result = run_composecheck(binary, **kwargs)
    assert result.returncode == 0, f"compose-go rejected the file:\n{result.stderr}"
    return json.loads(result.stdout)


def raw_compose() -> dict:
    """The file as written (before interpolation), for checks on the literal text."""
    return yaml.safe_load(COMPOSE_FILE.read_text())


def lab() -> dict:
    return yaml.safe_load(LAB_YAML.read_text())


def pom_property(name: str) -> str:
    match = re.search(rf"<{re.escape(name)}>([^<]+)</{re.escape(name)}>", POM.read_text())
    assert match, f"native/pom.xml has no <{name}> property"
    return match.group(1).strip()


def settings_names() -> set[str]:
    """The variable names streamlab/config.py defines (its Settings fields)."""
    from streamlab.config import Settings

    return {f.name for f in fields(Settings)}


def settings_defaults() -> dict[str, str]:
    """config.py's defaults: no .env, no environment."""
    from streamlab.config import load_settings

    return load_settings(env_file=Path(os.devnull), environ={}).as_env()


def dockerfile_froms(path: Path) -> list[str]:
    """The image of every FROM line of a Dockerfile, in order."""
    images = []
    for line in path.read_text().splitlines():
        match = re.match(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)", line, re.IGNORECASE)
        if match:
            images.append(match.group(1))
    return images


def is_pinned(image: str) -> bool:
    """A tag (or digest) is present and is not `latest`."""
    if "@sha256:" in image:
        return True
    name, _, tag = image.rpartition(":")
    return bool(name) and "/" not in tag and tag not in ("", "latest")


def env_refs(text: str) -> list[tuple[str, str | None]]:
    """Every ${NAME} or ${NAME:default} reference (Logstash and Fluent Bit syntax) as (name, default)."""
    return [(m.group(1), m.group(3)) for m in re.finditer(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:([^}]*))?\}", text)]


def resolve(text: str, env: dict[str, str]) -> str:
    """Substitute ${NAME} / ${NAME:default} the way Logstash and Fluent Bit do."""

    def sub(m: re.Match) -> str:
        name, default = m.group(1), m.group(3)
        if name in env:
            return env[name]
        assert default is not None, f"${{{name}}} has no value and no default"
        return default

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:([^}]*))?\}", sub, text)

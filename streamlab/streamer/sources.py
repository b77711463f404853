"""The streamer's source list: `{path, type}` entries (seed 000's LOG_CONFIG) from YAML or JSON text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import LabError
from ..labs.logparse import canonical_type


@dataclass(frozen=True)
class Source:
    name: str  # the record key and the prefix of every record id; the absolute path unless given
    path: Path
    log_type: str  # apache | nginx | application


def config_error(where: str, problem: str) -> LabError:
    return LabError(f"{where}: {problem}", "see producers/streamer.example.yaml", exit_code=2)


def load_config_file(path: Path) -> list[Source]:
    try:
        text = path.read_text()
    except OSError as exc:
        raise config_error(str(path), f"cannot read it ({exc.strerror})") from None
    return parse_sources(text, where=str(path), base=path.parent)


def parse_sources(text: str, where: str = "--log-files", base: Path | None = None) -> list[Source]:
    """A YAML/JSON list of {path, type[, name]}, or a mapping with such a list under `sources`."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise config_error(where, f"not valid YAML{at}") from None
    if isinstance(data, dict):
        data = data.get("sources")
    if not isinstance(data, list) or not data:
        raise config_error(where, "expected a non-empty list of {path, type} entries")
    sources = [_source(entry, f"{where} entry {number}", base) for number, entry in enumerate(data, start=1)]
    _reject_duplicates(sources, where)
    return sources


def _source(entry: Any, where: str, base: Path | None) -> Source:
    if not isinstance(entry, dict) or not entry.get("path") or not entry.get("type"):
        raise config_error(where, "needs both 'path' and 'type'")
    try:
        log_type = canonical_type(str(entry["type"]))
    except ValueError as exc:
        raise config_error(where, str(exc)) from None
    path = Path(str(entry["path"])).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    path = path.absolute()
    return Source(name=str(entry.get("name") or path), path=path, log_type=log_type)


def _reject_duplicates(sources: list[Source], where: str) -> None:
    seen: set = set()
    for source in sources:
        for identity in (("name", source.name), ("path", source.path)):
            if identity in seen:
                raise config_error(where, f"{identity[0]} {identity[1]} is listed twice")
            seen.add(identity)


def require_files(sources: list[Source]) -> None:
    """Every file must exist at start (a typo would otherwise wait forever in silence)."""
    for source in sources:
        if not source.path.is_file():
            raise LabError(
                f"log file {source.path} does not exist",
                "check the path, or pass --generate-test-logs to create and fill it",
                exit_code=2,
            )

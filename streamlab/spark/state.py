"""What a Spark job left on disk, read without Spark: the checkpoint's offsets and the file sink's log.

`streamlab check spark` and the console use these; they never start a JVM.
- `<checkpoint>/offsets/<batch>`: "v1", the batch's metadata, then one JSON line per source,
  `{"topic": {"partition": next_offset}}`; `<checkpoint>/commits/<batch>` exists once the batch is done.
- `<output>/_spark_metadata/<batch>` (and `<batch>.compact` every 10 batches): "v1", then one JSON
  line per file the batch committed, `{"path": ..., "size": ..., "action": "add"}`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ParquetOutput:
    batches: int           # committed micro-batches
    files: list[str]       # committed Parquet files (paths as Spark logged them)
    bytes: int

    @property
    def dates(self) -> list[str]:
        return sorted({part.split("=", 1)[1] for path in self.files for part in path.split("/") if part.startswith("date=")})


def _batch_number(path: Path) -> int | None:
    stem = path.name.removesuffix(".compact")
    return int(stem) if stem.isdigit() else None


def _json_lines(path: Path) -> list[dict]:
    lines = path.read_text().splitlines()[1:]  # the first line is the log's version, "v1"
    return [json.loads(line) for line in lines if line.strip()]


def sink_log(folder: Path) -> dict[int, Path]:
    """The file sink's log under `folder`: each committed batch's entry, oldest first ({} when none)."""
    log = folder / "_spark_metadata"
    entries = {n: p for p in log.iterdir() if (n := _batch_number(p)) is not None} if log.is_dir() else {}
    return dict(sorted(entries.items()))


def _added(entry: Path) -> list[dict]:
    return [item for item in _json_lines(entry) if item.get("action") == "add"]


def parquet_output(folder: Path) -> ParquetOutput:
    """The files the sink committed under `folder` (none when the job never committed a batch)."""
    entries = sink_log(folder)
    files = {item["path"]: int(item.get("size", 0)) for entry in entries.values() for item in _added(entry)}
    return ParquetOutput(len(entries), sorted(files), sum(files.values()))


def committed_files(folder: Path) -> dict[str, int]:
    """Each file the sink committed under `folder` -> the batch that committed it.

    That is the first batch to log the file: a `.compact` entry logs every earlier batch's files again.
    """
    files: dict[str, int] = {}
    for batch, entry in sink_log(folder).items():
        for item in _added(entry):
            files.setdefault(item["path"], batch)
    return files


def checkpoint_offsets(checkpoint: Path) -> dict[str, dict[int, int]]:
    """The next offset per topic and partition after the newest committed batch ({} when none)."""
    commits = [n for p in (checkpoint / "commits").glob("*") if (n := _batch_number(p)) is not None]
    if not commits:
        return {}
    offsets: dict[str, dict[int, int]] = {}
    for source in _json_lines(checkpoint / "offsets" / str(max(commits)))[1:]:  # [0] is the batch's metadata
        for topic, partitions in source.items():
            offsets[topic] = {int(partition): int(offset) for partition, offset in partitions.items()}
    return offsets

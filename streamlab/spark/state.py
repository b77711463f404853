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


def parquet_output(folder: Path) -> ParquetOutput:
    """The files the sink committed under `folder` (none when the job never committed a batch)."""
    log = folder / "_spark_metadata"
    entries = [p for p in log.iterdir() if _batch_number(p) is not None] if log.is_dir() else []
    files: dict[str, int] = {}
    for entry in entries:
        for item in _json_lines(entry):
            if item.get("action") == "add":
                files[item["path"]] = int(item.get("size", 0))
    batches = {_batch_number(p) for p in entries}
    return ParquetOutput(len(batches), sorted(files), sum(files.values()))


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

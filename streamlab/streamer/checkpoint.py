"""The streamer's checkpoint: per-source file positions and per-partition Kafka offsets, saved atomically.

Saved only after Kafka acknowledged every line the positions cover, so after `kill -9` nothing
behind a position is missing. The Kafka offsets say where records sent after this checkpoint can
start; on resume the streamer reads the topics from there to learn what already arrived.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, one streamer per checkpoint is up to the user
    fcntl = None

from ..errors import LabError
from .tail import Position

FORMAT_VERSION = 1


@dataclass
class Checkpoint:
    positions: dict[str, Position] = field(default_factory=dict)  # source name -> position
    topic_offsets: dict[tuple[str, int], int] = field(default_factory=dict)  # (topic, partition) -> next offset

    def to_json(self) -> dict:
        return {
            "version": FORMAT_VERSION,
            "positions": {name: position.to_json() for name, position in sorted(self.positions.items())},
            "topic_offsets": {f"{topic}:{partition}": offset
                              for (topic, partition), offset in sorted(self.topic_offsets.items())},
        }

    def where(self) -> str:
        """Where each source resumes, for the restart message: `web at line 1,201 (byte 245,331)`."""
        return ", ".join(f"{name} at line {position.line_no + 1:,} (byte {position.offset:,})"
                         for name, position in sorted(self.positions.items())) or "no file read yet"

    @classmethod
    def from_json(cls, data: dict) -> "Checkpoint":
        offsets = {}
        for name, offset in data.get("topic_offsets", {}).items():
            topic, _, partition = name.rpartition(":")
            offsets[(topic, int(partition))] = int(offset)
        positions = {name: Position.from_json(value) for name, value in data.get("positions", {}).items()}
        return cls(positions=positions, topic_offsets=offsets)


class CheckpointStore:
    """One JSON file, replaced atomically (write a temporary file, fsync, rename, fsync the directory)."""

    def __init__(self, path: Path):
        self.path = path

    def load(self) -> Checkpoint | None:
        try:
            text = self.path.read_text()
        except FileNotFoundError:
            return None
        try:
            return Checkpoint.from_json(json.loads(text))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise LabError(
                f"checkpoint {self.path} is unreadable ({exc})",
                "delete it, or pass --fresh to stream every file again from the start",
                exit_code=2,
            ) from None

    def save(self, checkpoint: Checkpoint) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(temporary, "w") as handle:
            json.dump(checkpoint.to_json(), handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
        self._sync_directory()

    def _sync_directory(self) -> None:
        # The rename is only durable once the directory entry is on disk too.
        try:
            descriptor = os.open(self.path.parent, os.O_RDONLY)
        except OSError:  # Windows cannot open a directory; its rename is durable on its own
            return
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold a lock beside the checkpoint: two streamers on one checkpoint would send lines twice."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "w") as handle:
            if fcntl is not None:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise LabError(f"another streamer is already using {self.path}",
                                   "stop it first, or pass --checkpoint to run a separate one", exit_code=2) from None
            yield

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)

"""Follow one log file like `tail -F`: complete lines with their byte offsets, across rotation and truncation.

A file "epoch" is one continuous byte stream: it changes when the file is rotated (the path now
names another inode) or truncated (copytruncate). Offsets restart at 0 in a new epoch, so a line
is named by (epoch, byte offset), which stays the same however often the streamer restarts.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

READ_CHUNK = 256 * 1024
FINGERPRINT_BYTES = 256


@dataclass(frozen=True)
class Position:
    """Where reading resumes: the start of the first line not yet acknowledged by Kafka."""

    device: int
    inode: int
    epoch: int
    offset: int
    line_no: int  # lines already consumed in this epoch (the next line is line_no + 1)
    # Hash of the first bytes already read: an inode reused by a new file after a deletion has
    # the same (device, inode) but not the same first bytes.
    fingerprint: str = ""

    def to_json(self) -> dict:
        return self.__dict__.copy()

    @classmethod
    def from_json(cls, data: dict) -> "Position":
        numbers = {name: int(data[name]) for name in ("device", "inode", "epoch", "offset", "line_no")}
        return cls(**numbers, fingerprint=str(data.get("fingerprint", "")))


@dataclass(slots=True)  # made for every line: not frozen, which costs 4x to build
class Line:
    text: str
    epoch: int
    offset: int  # byte offset of the line's first byte
    line_no: int  # 1-based within the epoch


def file_identity(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_dev, stat.st_ino


def find_by_identity(directory: Path, device: int, inode: int) -> Path | None:
    """The file in `directory` with this (device, inode): where logrotate renamed it (`access.log.1`)."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return None
    for entry in entries:
        try:
            stat = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if entry.is_file(follow_symlinks=False) and file_identity(stat) == (device, inode):
            return Path(entry.path)
    return None


def count_lines(handle, limit: int) -> int:
    """Newlines in the first `limit` bytes, so line numbers stay true when starting at the end."""
    handle.seek(0)
    count = 0
    while limit > 0:
        chunk = handle.read(min(READ_CHUNK, limit))
        if not chunk:
            break
        count += chunk.count(b"\n")
        limit -= len(chunk)
    return count


def fingerprint(handle, offset: int) -> str:
    """Hash of the first min(offset, FINGERPRINT_BYTES) bytes; '' when the file is shorter now.

    Leaves the handle where it was, so it can be the handle being tailed.
    """
    length = min(offset, FINGERPRINT_BYTES)
    where = handle.tell()
    handle.seek(0)
    head = handle.read(length)
    handle.seek(where)
    return hashlib.sha1(head).hexdigest()[:16] if len(head) == length else ""


def same_file(path: Path, position: Position) -> bool:
    """Does `path` still start with the bytes this position was read from?"""
    if not position.fingerprint:  # a checkpoint written before fingerprints: trust the inode
        return True
    try:
        with open(path, "rb") as handle:
            return fingerprint(handle, position.offset) == position.fingerprint
    except OSError:
        return False


def decode(raw: bytes) -> str:
    # Keep undecodable bytes visible (\xNN) instead of failing the line; the parser may still match.
    return raw.rstrip(b"\r").decode("utf-8", errors="backslashreplace")


class FileTail:
    """Reads complete lines from `path`, detecting rotation and truncation at end of file.

    After `poll` sets `switch_pending`, the caller acknowledges everything read so far and then
    calls `switch()`: the order that keeps at most one unrecorded epoch change between checkpoints.
    """

    def __init__(
        self,
        path: Path,
        position: Position | None = None,
        from_end: bool = False,
        rotate_grace_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.path = path
        self.position = position
        self.rotate_grace_s = rotate_grace_s
        self.switch_pending = False
        self._clock = clock
        self._rotated_at: float | None = None
        self._fingerprint_key: tuple[int, int] | None = None
        self._fingerprint = ""
        self.warnings: list[str] = []
        self._file = None
        self._partial = b""
        self._open_initial(from_end)

    # -- opening -----------------------------------------------------------------------------
    def _open_initial(self, from_end: bool) -> None:
        if self.position is None:
            self._open_path(epoch=0, at_end=from_end)
            return
        if self.position.inode == 0:  # checkpointed before the file ever existed
            self._open_path(epoch=self.position.epoch)
            return
        stat = self._stat_path()
        if stat is not None and file_identity(stat) == (self.position.device, self.position.inode):
            if stat.st_size >= self.position.offset and same_file(self.path, self.position):
                self._open_at(self.path, self.position)
            else:
                self._warn(f"{self.path} was truncated or replaced while the streamer was stopped: reading it from the start")
                self._open_path(epoch=self.position.epoch + 1)
            return
        # The checkpointed file was rotated away: finish it under its new name first.
        rotated = find_by_identity(self.path.parent, self.position.device, self.position.inode)
        if rotated is not None and same_file(rotated, self.position):
            self._warn(f"{self.path} was rotated while the streamer was stopped: finishing {rotated.name} first")
            self._open_at(rotated, self.position)
            return
        self._warn(f"the file {self.path} was reading (inode {self.position.inode}) is gone: its unread tail is lost")
        self._open_path(epoch=self.position.epoch + 1)

    def _open_at(self, path: Path, position: Position) -> None:
        self._file = open(path, "rb")
        self._file.seek(position.offset)

    def _open_path(self, epoch: int, at_end: bool = False) -> None:
        """Open whatever `path` names now as a new epoch; stay closed if it does not exist yet."""
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            self._file = None
            self.position = Position(0, 0, epoch, 0, 0)
            return
        stat = os.fstat(handle.fileno())
        offset, line_no = (stat.st_size, count_lines(handle, stat.st_size)) if at_end else (0, 0)
        handle.seek(offset)
        self._file = handle
        self.position = Position(stat.st_dev, stat.st_ino, epoch, offset, line_no)

    def _stat_path(self) -> os.stat_result | None:
        try:
            return os.stat(self.path)
        except FileNotFoundError:
            return None

    def _warn(self, message: str) -> None:
        self.warnings.append(message)

    # -- reading -----------------------------------------------------------------------------
    def poll(self, max_lines: int) -> list[Line]:
        """Up to `max_lines` new complete lines; at end of file, look for rotation or truncation."""
        if self.switch_pending or not self._ensure_open():
            return []
        lines = self._read_lines(max_lines)
        if lines and self._rotated_at is not None:
            self._rotated_at = self._clock()  # the renamed file is still being written: not quiet yet
        if not lines:
            self._check_switch()
            if self.switch_pending:
                lines = self._final_partial_line()
        return lines

    def _ensure_open(self) -> bool:
        """Open the path once it exists (it may be missing between a rename and the writer's re-create)."""
        if self._file is None and self._stat_path() is not None:
            self._open_path(epoch=self.position.epoch + (1 if self.position.inode else 0))
        return self._file is not None

    def _read_lines(self, max_lines: int) -> list[Line]:
        lines: list[Line] = []
        while len(lines) < max_lines:
            last_newline = self._partial.rfind(b"\n")
            if last_newline < 0:
                chunk = self._file.read(READ_CHUNK)
                if not chunk:
                    break
                self._partial += chunk
                continue
            # The lines wanted in one split, the rest of the buffer left whole (an unfinished line, or
            # lines for the next poll): slicing it line by line would copy it per line, and splitting
            # all of it would split a whole 256 KiB chunk per poll.
            parts = self._partial.split(b"\n", max_lines - len(lines))
            self._partial = parts.pop()
            lines += self._consume_all(parts)
        return lines

    def _consume_all(self, raws: list[bytes]) -> list[Line]:
        """Lines for `raws` (each followed by a newline), and the position after the last one."""
        position = self.position
        epoch, offset, line_no = position.epoch, position.offset, position.line_no
        lines = []
        append = lines.append
        for raw in raws:  # runs for every line: local names only
            line_no += 1
            append(Line(decode(raw), epoch, offset, line_no))
            offset += len(raw) + 1
        self.position = replace(position, offset=offset, line_no=line_no)
        return lines

    def _consume(self, raw: bytes, length: int) -> Line:
        position = self.position
        line = Line(decode(raw), position.epoch, position.offset, position.line_no + 1)
        self.position = replace(position, offset=position.offset + length, line_no=position.line_no + 1)
        return line

    def _final_partial_line(self) -> list[Line]:
        # The writer moved on to the new file, so an unterminated last line will never be completed.
        raw, self._partial = self._partial, b""
        return [self._consume(raw, len(raw))] if raw.strip() else []

    def _check_switch(self) -> None:
        """At end of file: truncated now, or rotated and quiet for `rotate_grace_s`, means switch."""
        size = os.fstat(self._file.fileno()).st_size
        if size < self.position.offset + len(self._partial):
            self._warn(f"{self.path} was truncated: reading it again from the start")
            self._partial = b""
            self.switch_pending = True
            return
        stat = self._stat_path()
        if stat is None or file_identity(stat) == (self.position.device, self.position.inode):
            return
        # Rotated: writers such as nginx keep appending to the renamed file until they reopen
        # their logs, so switch only once it has stayed quiet for a grace period.
        now = self._clock()
        if self._rotated_at is None:
            self._rotated_at = now
        if now - self._rotated_at >= self.rotate_grace_s:
            self._warn(f"{self.path} was rotated: the renamed file is finished, reading the new one from its start")
            self.switch_pending = True

    def switch(self) -> None:
        """Start the next epoch on whatever `path` names now (call after the old lines are acknowledged)."""
        self.close()
        self.switch_pending = False
        self._rotated_at = None
        self._partial = b""
        self._open_path(epoch=self.position.epoch + 1)

    def checkpoint_position(self) -> Position:
        """The position with the fingerprint of the file being read, for the checkpoint."""
        if self._file is None:
            return self.position
        length = min(self.position.offset, FINGERPRINT_BYTES)
        key = (self.position.epoch, length)
        if self._fingerprint_key != key:  # once 256 bytes are read it never changes within an epoch
            self._fingerprint_key, self._fingerprint = key, fingerprint(self._file, length)
        return replace(self.position, fingerprint=self._fingerprint)

    def take_warnings(self) -> list[str]:
        warnings, self.warnings = self.warnings, []
        return warnings

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

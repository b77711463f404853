"""Where the native OpenSearch keeps its install, config, data and logs (issue 11, item 8).

OpenSearch refuses to run as root, so a lab run as root starts it as `nobody`. Normally its folder
is LAB_HOME/opensearch. When `nobody` cannot enter LAB_HOME (a clone under /root, which is 0700),
the folder moves to /var/tmp/streamlab-opensearch-<hash of LAB_HOME>, 0700 and owned by nobody, and
LAB_HOME/opensearch becomes a link to it, so a student still finds it beside the rest of the lab
and `make clean` deletes what the link points to.

Why move rather than grant access: the other way, setfacl -m u:nobody:x on every parent folder,
needs the acl tools (often not installed), a file system that keeps ACLs, and changes permissions
of folders outside the clone (/root itself), which a lab must not do behind the user's back.
/var/tmp rather than /tmp: /tmp is often a RAM disk emptied at boot, and indices belong on disk
and last as long as the lab home does (systemd empties /var/tmp entries unused for 30 days: such a
lab starts OpenSearch empty, as after `make clean`).
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import stat
import subprocess
from pathlib import Path

from ..errors import LabError

MOVED_PARENT = Path("/var/tmp")  # world-writable and sticky, on disk: tests point it elsewhere
MOVED_PREFIX = "streamlab-opensearch-"
FOLDER = "opensearch"


def nobody_ids() -> tuple[int, int]:
    """(uid, gid) of `nobody`, numeric: its group is `nogroup` on Debian but `nobody` on Fedora."""
    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


def as_nobody() -> list[str]:
    """The command prefix that runs what follows as `nobody`, with no supplementary groups."""
    uid, gid = nobody_ids()
    return ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]


def nobody_can_enter(path: Path) -> bool:
    """Whether `nobody` can reach `path` (search permission on it and every parent): asked of the kernel
    as nobody, since mode bits alone miss ACLs, and os.access answers for the caller, not for nobody."""
    return subprocess.run([*as_nobody(), "test", "-x", str(path)], capture_output=True).returncode == 0


def moved_folder(lab_home: Path) -> Path:
    """The per-lab folder under MOVED_PARENT: named from a hash of the lab home, so two clones never share it."""
    digest = hashlib.sha256(str(lab_home).encode()).hexdigest()[:12]
    return MOVED_PARENT / f"{MOVED_PREFIX}{digest}"


def opensearch_place(lab_home: Path, euid: int, nobody_enters_home: bool) -> Path:
    """Where OpenSearch lives for a lab home, a user id and whether `nobody` can enter the lab home.

    Not root: OpenSearch runs as the user, who owns the lab home. Root: it runs as nobody, so it stays
    in the lab home only when nobody can enter it.
    """
    if euid != 0 or nobody_enters_home:
        return lab_home / FOLDER
    return moved_folder(lab_home)


def place_opensearch(lab_home: Path) -> Path:
    """Make OpenSearch's folder where it belongs for this lab home and user, and return it.

    A link left by an earlier start is kept (the indices are behind it). A moved folder with no link
    to it belongs to a lab home that was deleted (`rm -rf .lab`, a test session's fresh start): it is
    emptied, as its lab home was.
    """
    link = lab_home / FOLDER
    if link.is_symlink():
        if os.geteuid() != 0:
            raise LabError(f"OpenSearch's folder {os.readlink(link)} belongs to nobody: the lab ran as root before",
                           "run it as root again, or `sudo make clean` to start OpenSearch afresh as yourself")
        return _own_moved_folder(Path(os.readlink(link)), fresh=False)
    lab_home.mkdir(parents=True, exist_ok=True)
    place = opensearch_place(lab_home, os.geteuid(), os.geteuid() != 0 or nobody_can_enter(lab_home))
    if place == link:
        link.mkdir(exist_ok=True)
        return link
    _own_moved_folder(place, fresh=True)
    _move_contents(link, place)
    link.symlink_to(place, target_is_directory=True)
    return place


def _own_moved_folder(folder: Path, fresh: bool) -> Path:
    """Create (or check) a moved folder: a real directory of root's or nobody's, 0700, owned by nobody.

    /var/tmp is writable by everyone: a folder or link someone else put at that name is refused,
    never used or deleted.
    """
    if folder.parent != MOVED_PARENT or not folder.name.startswith(MOVED_PREFIX):
        raise LabError(f"{folder} is not a folder the lab made for OpenSearch", "remove the link LAB_HOME/opensearch")
    uid, gid = nobody_ids()
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        folder.mkdir(mode=0o700)
    else:
        if not stat.S_ISDIR(info.st_mode) or info.st_uid not in (0, uid):
            raise LabError(f"{folder} exists but was not made by the lab", f"remove it (`sudo rm -rf {folder}`), then start again")
        if fresh:
            shutil.rmtree(folder)
            folder.mkdir(mode=0o700)
    os.chown(folder, uid, gid)
    folder.chmod(0o700)
    return folder


def _move_contents(old: Path, new: Path) -> None:
    """A real LAB_HOME/opensearch from before (a run as another user) moves over, its indices kept."""
    if not old.is_dir():
        return
    for child in old.iterdir():
        shutil.move(str(child), str(new / child.name))
    old.rmdir()


def opensearch_folder(lab_home: Path) -> Path:
    """Where OpenSearch's folder is now: LAB_HOME/opensearch or the moved folder it links to.

    Its paths go to OpenSearch resolved, since nobody cannot follow a link that starts inside a
    lab home it cannot enter.
    """
    return (lab_home / FOLDER).resolve()

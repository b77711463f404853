"""Where the native OpenSearch lives when the lab runs as root under a folder only root may enter
(issue 11, item 8). Pure, or real folders and the kernel's own answer for `nobody`; no service runs.

As root these check the real thing (nobody is refused a 0700 folder, the moved folder is nobody's);
as another user OpenSearch runs as that user, and they check that nothing moves.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from streamlab.errors import LabError
from streamlab.runtime import opensearch_home
from streamlab.runtime.opensearch_home import (
    moved_folder,
    nobody_can_enter,
    nobody_ids,
    opensearch_folder,
    opensearch_place,
    place_opensearch,
)

AS_ROOT = os.geteuid() == 0


def test_opensearch_stays_in_the_lab_home_unless_root_and_nobody_is_locked_out():
    home = Path("/root/streamlab/.lab")
    assert opensearch_place(home, euid=1000, nobody_enters_home=False) == home / "opensearch"
    assert opensearch_place(home, euid=0, nobody_enters_home=True) == home / "opensearch"
    moved = opensearch_place(home, euid=0, nobody_enters_home=False)
    assert moved.parent == Path("/var/tmp") and moved.name.startswith("streamlab-opensearch-")


def test_the_moved_folder_is_one_per_lab_home():
    first, second = Path("/root/a/.lab"), Path("/root/b/.lab")
    assert moved_folder(first) == moved_folder(first)
    assert moved_folder(first) != moved_folder(second)


@pytest.fixture
def private_lab(monkeypatch):
    """outer/ (0755, where moved folders go here) holding private/ (0700) with the lab home inside it."""
    outer = Path(tempfile.mkdtemp(prefix="streamlab-os-home-", dir="/var/tmp"))
    outer.chmod(0o755)
    private = outer / "private"
    private.mkdir(mode=0o700)
    monkeypatch.setattr(opensearch_home, "MOVED_PARENT", outer)
    yield outer, private / "streamlab" / ".lab"
    shutil.rmtree(outer)


def test_nobody_is_refused_a_root_only_folder_and_let_into_an_open_one(private_lab):
    outer, home = private_lab
    home.mkdir(parents=True)
    if not AS_ROOT:  # only root can ask the kernel as nobody; as a user the lab never needs to
        assert opensearch_place(home, os.geteuid(), nobody_enters_home=False) == home / "opensearch"
        return
    assert nobody_can_enter(outer)
    assert not nobody_can_enter(home)  # private/ is 0700: nobody cannot pass through it
    (outer / "private").chmod(0o755)
    assert nobody_can_enter(home)


def test_as_root_a_locked_out_lab_home_links_to_a_folder_only_nobody_owns(private_lab):
    outer, home = private_lab
    folder = place_opensearch(home)
    if not AS_ROOT:
        assert folder == home / "opensearch" and folder.is_dir() and not folder.is_symlink()
        return
    assert folder == moved_folder(home) and folder.parent == outer
    info = folder.stat()
    assert (info.st_uid, info.st_gid) == nobody_ids() and stat.S_IMODE(info.st_mode) == 0o700
    assert nobody_can_enter(folder)
    assert (home / "opensearch").is_symlink() and opensearch_folder(home) == folder
    # A second start keeps what is behind the link (the indices).
    (folder / "data").mkdir()
    assert place_opensearch(home) == folder and (folder / "data").is_dir()


def test_as_root_a_deleted_lab_home_leaves_no_old_indices_behind(private_lab):
    """rm -rf of the lab home (a test session's fresh start) drops the link: the next start is empty."""
    _, home = private_lab
    folder = place_opensearch(home)
    (folder / "data").mkdir()
    shutil.rmtree(home)
    assert place_opensearch(home) == folder
    assert not (folder / "data").exists()


def test_as_root_a_folder_someone_else_made_at_that_name_is_refused(private_lab):
    """/var/tmp is writable by everyone: a folder another user put there first is never used."""
    _, home = private_lab
    if not AS_ROOT:
        assert place_opensearch(home) == home / "opensearch"
        return
    squatted = moved_folder(home)
    squatted.mkdir()
    os.chown(squatted, 4242, 4242)
    with pytest.raises(LabError, match="not made by the lab"):
        place_opensearch(home)
    assert squatted.is_dir()  # refused, never deleted


def test_as_root_a_folder_a_user_ran_opensearch_in_before_moves_with_its_indices(private_lab):
    _, home = private_lab
    (home / "opensearch" / "data").mkdir(parents=True)
    (home / "opensearch" / "data" / "index").write_text("kept")
    folder = place_opensearch(home)
    assert (folder / "data" / "index").read_text() == "kept"


def test_a_user_after_a_root_lab_is_told_in_one_line_whose_folder_it_is(private_lab, monkeypatch):
    _, home = private_lab
    if AS_ROOT:
        place_opensearch(home)  # the link a root lab leaves
    else:
        home.mkdir(parents=True)
        (home / "opensearch").symlink_to(moved_folder(home))
    monkeypatch.setattr(opensearch_home.os, "geteuid", lambda: 1000)
    with pytest.raises(LabError, match="belongs to nobody"):
        place_opensearch(home)

"""Class-data sharing archives (runtime/cds.py) with the real `java`: recorded, checked, adopted or dropped."""

import subprocess

import pytest

from streamlab.runtime.cds import archive_for, cds_flags
from streamlab.runtime.java import find_java


@pytest.fixture(scope="module")
def java() -> str:
    return find_java()


def record(java: str, partial) -> None:
    """What a service's JVM does when it exits: write the classes it loaded."""
    subprocess.run([java, f"-XX:ArchiveClassesAtExit={partial}", "-version"], check=True, capture_output=True)


def test_a_start_without_an_archive_records_one(tmp_path, java):
    archive = archive_for(tmp_path / "cds", "kafka", "java-17", "jars-1")
    (flag,) = cds_flags(archive, [java])
    assert flag.startswith(f"-XX:ArchiveClassesAtExit={archive}.") and flag.endswith(".partial")
    assert archive.parent.is_dir()


def test_a_recorded_archive_that_maps_is_kept_and_mapped(tmp_path, java):
    archive = tmp_path / "kafka.jsa"
    record(java, f"{archive}.1234.partial")
    assert cds_flags(archive, [java]) == [f"-XX:SharedArchiveFile={archive}"]
    assert archive.is_file() and not list(tmp_path.glob("*.partial"))
    # A JVM with it starts (and says it shares classes).
    out = subprocess.run([java, f"-XX:SharedArchiveFile={archive}", "-Xshare:on", "-version"], capture_output=True, text=True)
    assert out.returncode == 0 and "sharing" in out.stderr


def test_a_truncated_archive_is_deleted_not_mapped(tmp_path, java):
    """A JVM killed while writing its archive leaves a cut one: mapped, it would abort every start."""
    good = tmp_path / "good.jsa.1.partial"
    record(java, good)
    archive = tmp_path / "kafka.jsa"
    (tmp_path / "kafka.jsa.2.partial").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    (flag,) = cds_flags(archive, [java])
    assert flag.startswith("-XX:ArchiveClassesAtExit=")  # recorded again on this start
    assert not archive.exists() and not (tmp_path / "kafka.jsa.2.partial").exists()


def test_lab_cds_0_turns_it_off(tmp_path, java, monkeypatch):
    monkeypatch.setenv("LAB_CDS", "0")
    assert cds_flags(tmp_path / "kafka.jsa", [java]) == []


def test_the_archive_name_changes_with_the_java_and_the_jars(tmp_path):
    names = {archive_for(tmp_path, "kafka", java, jars).name for java in ("17", "21") for jars in ("a", "b")}
    assert len(names) == 4


def test_make_down_adopts_the_archive_of_the_jvm_it_stopped(tmp_path, java):
    """`make down` checks a recording JVM's archive right after it exited: the next start only maps it."""
    from streamlab.runtime.cds import RECORD, adopt_after_exit

    archive = tmp_path / "kafka.jsa"
    partial = tmp_path / "kafka.jsa.5678.partial"
    record(java, partial)
    adopt_after_exit(["nice", java, f"{RECORD}{partial}", "-cp", str(tmp_path), "kafka.Kafka", "server.properties"], tmp_path)
    assert archive.is_file() and not partial.exists()

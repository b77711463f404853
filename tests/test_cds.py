"""Class-data sharing archives (runtime/cds.py) with the real `java`: recorded, checked at `make down`,
kept or deleted."""

import os
import subprocess
import time

import pytest

from streamlab.config import load_settings
from streamlab.runtime.cds import RECORD, STALE_S, adopt_after_exit, archive_for, cds_flags
from streamlab.runtime.java import find_java
from streamlab.runtime.native_services import Context
from streamlab.topology import load_topology


@pytest.fixture(scope="module")
def java() -> str:
    return find_java()


def record(java: str, partial) -> None:
    """What a service's JVM does when it exits: write the classes it loaded."""
    subprocess.run([java, f"{RECORD}{partial}", "-version"], check=True, capture_output=True)


def stopped(java: str, partial, classpath) -> list[str]:
    """The command line of a recording service JVM, as `make down` read it before stopping it."""
    return ["setpriv", "--reuid=65534", java, "-Xmx64m", f"{RECORD}{partial}", "-cp", str(classpath), "kafka.Kafka", "server.properties"]


def test_a_start_without_an_archive_records_one(tmp_path):
    archive = archive_for(tmp_path / "cds", "kafka", "java-17", "jars-1")
    (flag,) = cds_flags(archive)
    assert flag.startswith(f"{RECORD}{archive}.") and flag.endswith(".partial")
    assert archive.parent.is_dir()


def test_make_down_keeps_an_archive_a_jvm_maps_and_later_starts_map_it(tmp_path, java):
    archive, partial = tmp_path / "kafka.jsa", tmp_path / "kafka.jsa.5678.partial"
    record(java, partial)
    adopt_after_exit(stopped(java, partial, tmp_path))
    assert archive.is_file() and not partial.exists()
    assert cds_flags(archive) == [f"-XX:SharedArchiveFile={archive}"]
    out = subprocess.run([java, f"-XX:SharedArchiveFile={archive}", "-Xshare:on", "-version"], capture_output=True, text=True)
    assert out.returncode == 0 and "sharing" in out.stderr


def test_make_down_deletes_a_truncated_archive_and_leaves_no_crash_report(tmp_path, java, monkeypatch):
    """A JVM killed while writing its archive leaves a cut one: mapped, it would abort every start."""
    good = tmp_path / "good.jsa.1.partial"
    record(java, good)
    archive, partial = tmp_path / "kafka.jsa", tmp_path / "kafka.jsa.2.partial"
    partial.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    monkeypatch.chdir(tmp_path)
    adopt_after_exit(stopped(java, partial, tmp_path))
    assert not archive.exists() and not partial.exists()
    assert not list(tmp_path.glob("hs_err*")) and not list(tmp_path.glob("core*"))
    assert cds_flags(archive)[0].startswith(RECORD)  # the next start records again


def test_a_start_never_maps_a_partial_no_make_down_checked_and_drops_old_ones(tmp_path, java):
    """A JVM that failed during its start also writes an archive (of a few classes): never kept."""
    archive = tmp_path / "kafka.jsa"
    fresh, old = tmp_path / "kafka.jsa.1.partial", tmp_path / "kafka.jsa.2.partial"
    record(java, fresh)
    record(java, old)
    os.utime(old, (time.time() - STALE_S - 1,) * 2)
    assert cds_flags(archive)[0].startswith(RECORD)
    assert fresh.exists() and not old.exists() and not archive.exists()


def kafka_command(tmp_path, java: str, env_lines: str) -> list[str]:
    """The Kafka JVM's command line for a lab with this `.env`."""
    env_file = tmp_path / ".env"
    env_file.write_text(env_lines)
    ctx = Context(settings=load_settings(env_file=env_file, environ={}), topology=load_topology(), java=java, jars=tmp_path / "jars")
    return ctx.java_cmd("64m", "kafka.Kafka", "server.properties", share_classes=True)


def test_lab_cds_0_turns_it_off(tmp_path, java):
    assert any(part.startswith(RECORD) for part in kafka_command(tmp_path, java, ""))
    assert not any("Archive" in part for part in kafka_command(tmp_path, java, "LAB_CDS=0\n"))
    assert cds_flags(tmp_path / "kafka.jsa", enabled=False) == []


def test_the_archive_name_changes_with_the_java_and_the_jars(tmp_path):
    names = {archive_for(tmp_path, "kafka", java, jars).name for java in ("17", "21") for jars in ("a", "b")}
    assert len(names) == 4

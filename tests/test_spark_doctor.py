"""`make doctor`'s Spark row: pyspark at the pinned version and the Kafka connector jars in the jar cache,
each missing piece named with its fix. Pure: pyspark's presence is stood in for, the jars are files."""

from __future__ import annotations

from pathlib import Path

import pytest

from streamlab.config import load_settings
from streamlab.runtime import doctor
from streamlab.spark.session import JAR_PREFIXES, pinned_pyspark
from streamlab.topology import load_topology

PIN = pinned_pyspark()


@pytest.fixture
def jars(tmp_path: Path) -> Path:
    """A jar cache holding the four connector jars, as `make up` leaves it."""
    folder = tmp_path / "jars" / "spark"
    folder.mkdir(parents=True)
    for prefix in JAR_PREFIXES:
        (folder / f"{prefix}-1.0.jar").write_bytes(b"jar")
    return folder.parent


@pytest.fixture
def settings(tmp_path: Path, jars: Path):
    return load_settings(env_file=tmp_path / "no.env", environ={"LAB_HOME": str(tmp_path / "lab"), "LAB_JARS": str(jars)})


@pytest.fixture
def pyspark(monkeypatch):
    """Which pyspark the doctor finds: pyspark("4.2.0"), or pyspark(None) for none at all."""
    def install(version: str | None) -> None:
        monkeypatch.setattr(doctor, "pyspark_ready", lambda: version is not None)
        monkeypatch.setattr(doctor, "pyspark_version", lambda: version)
    return install


def test_ready(settings, jars, pyspark):
    pyspark(PIN)
    check = doctor._spark(settings)
    assert check.result == doctor.OK
    assert f"pyspark {PIN}" in check.detail and str(jars / "spark") in check.detail


def test_no_pyspark_names_the_target_that_installs_it(settings, pyspark):
    pyspark(None)
    check = doctor._spark(settings)
    assert check.result == doctor.WARN
    assert "pyspark is not installed" in check.detail and "`make spark-stream` installs it" in check.detail


def test_a_pyspark_other_than_the_pin_is_named(settings, pyspark):
    pyspark("3.5.1")
    check = doctor._spark(settings)
    assert check.result == doctor.WARN
    assert f"pyspark 3.5.1 is not the pinned {PIN}" in check.detail


def test_missing_connector_jars_name_the_folder_and_the_fix(settings, jars, pyspark):
    pyspark(PIN)
    (jars / "spark" / f"{JAR_PREFIXES[0]}-1.0.jar").unlink()
    check = doctor._spark(settings)
    assert check.result == doctor.WARN
    assert f"not in {jars / 'spark'}" in check.detail and "`make up` resolves them" in check.detail


def test_doctor_runs_it(settings, monkeypatch):
    monkeypatch.setattr(doctor, "_spark", lambda settings: doctor.Check("spark lab", doctor.OK, "stand-in"))
    assert "spark lab" in [c.name for c in doctor.run_checks(settings, load_topology(offset=0))]

"""The offline bundle's pure parts (issue 17): pins, the manifest, where installs read from, doctor's
verdicts, the wheel list, and `docker load` of absent images (a stand-in docker CLI; no engine here).
Nothing is downloaded: `make bundle` and `make test-offline` do the real thing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from streamlab.bundle import manifest as mf
from streamlab.bundle.images import image_file, load_absent
from streamlab.bundle.maven_repo import drop_origin_notes
from streamlab.bundle.pins import fingerprint, maven_poms, pin_digests, pinned_images
from streamlab.bundle.source import BundleError, Choice, bundle_choice, choose, offline_mode
from streamlab.bundle.verdict import ABSENT, INCOMPLETE, OK, STALE, bundle_verdict, judge
from streamlab.bundle.wheels import extras, requirements, write_requirements

REPO = Path(__file__).resolve().parent.parent
PLATFORM = {"python": "3.11", "os": "linux-x86_64"}
PINS = {"python": "p1", "maven": "m1", "images": "i1"}


# --- pins -------------------------------------------------------------------------------------

def small_repo(root: Path) -> Path:
    (root / "native").mkdir(parents=True)
    (root / "sinks").mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["a==1"]\n')
    (root / "native" / "pom.xml").write_text("<project><modules><module>../sinks</module></modules></project>")
    (root / "sinks" / "pom.xml").write_text("<project><version>1</version></project>")
    (root / "lab.yaml").write_text("services:\n  kafka:\n    image: apache/kafka:4.3.1\ncluster:\n  image: apache/kafka:4.3.1\n")
    (root / "docker-compose.yaml").write_text("services:\n  connect:\n    build: .\n    image: \"streamlab/connect:1\"  # built\n")
    return root


def test_pinned_images_are_every_image_line_once_sorted(tmp_path):
    assert pinned_images(small_repo(tmp_path)) == ["apache/kafka:4.3.1", "streamlab/connect:1"]


def test_the_lab_pins_its_images_and_the_ones_it_builds():
    images = pinned_images()
    assert "apache/kafka:4.3.1" in images and "streamlab/connect:4.3.1" in images
    assert not any(image.endswith(":latest") or ":" not in image for image in images)


def test_maven_poms_follow_the_modules(tmp_path):
    repo = small_repo(tmp_path)
    assert maven_poms(repo) == [(repo / "native/pom.xml").resolve(), (repo / "sinks/pom.xml").resolve()]
    assert (REPO / "connect/sinks/pom.xml").resolve() in maven_poms()


@pytest.mark.parametrize("edit, part", [
    ("pyproject.toml", "python"), ("sinks/pom.xml", "maven"), ("docker-compose.yaml", "images"),
])
def test_a_pin_change_moves_its_part_and_the_fingerprint_only(tmp_path, edit, part):
    repo = small_repo(tmp_path)
    before = pin_digests(repo)
    path = repo / edit
    path.write_text(path.read_text().replace("1", "2"))
    after = pin_digests(repo)
    assert {p for p in before if before[p] != after[p]} == {part}
    assert fingerprint(before) != fingerprint(after)


def test_a_comment_in_the_compose_file_does_not_move_the_images_pin(tmp_path):
    repo = small_repo(tmp_path)
    before = pin_digests(repo)["images"]
    (repo / "docker-compose.yaml").write_text((repo / "docker-compose.yaml").read_text() + "# a comment\n")
    assert pin_digests(repo)["images"] == before


# --- the manifest -----------------------------------------------------------------------------

def make_bundle(root: Path, pins: dict | None = None, images: dict | None = None, platform: dict | None = None) -> dict:
    """A small bundle with a manifest, made for `pins` (default: this checkout's)."""
    (root / "wheels").mkdir(parents=True)
    (root / "m2" / "org" / "x").mkdir(parents=True)
    (root / "logs").mkdir()
    (root / "wheels" / "a-1.0-py3-none-any.whl").write_bytes(b"wheel a")
    (root / "m2" / "org" / "x" / "x-1.jar").write_bytes(b"jar x" * 100)
    (root / "logs" / "pip-wheel.log").write_text("not content")
    pins = pins or pin_digests()
    images = images or {"saved": {}, "skipped": "no Docker engine answered when the bundle was made"}
    manifest = mf.build_manifest(mf.file_entries(root), pins, fingerprint(pins), ["test"], images,
                                 platform=platform or mf.this_platform())
    mf.write_manifest(root, manifest)
    return manifest


def test_the_manifest_lists_each_file_with_size_and_sha256_but_not_logs(tmp_path):
    manifest = make_bundle(tmp_path)
    assert sorted(manifest["files"]) == ["m2/org/x/x-1.jar", "wheels/a-1.0-py3-none-any.whl"]
    entry = manifest["files"]["wheels/a-1.0-py3-none-any.whl"]
    assert entry == {"size": 7, "sha256": mf.sha256_of(tmp_path / "wheels/a-1.0-py3-none-any.whl")}
    assert mf.read_manifest(tmp_path) == json.loads((tmp_path / "manifest.json").read_text())
    assert mf.check_files(tmp_path, manifest) == []


def test_check_finds_missing_resized_and_changed_files(tmp_path):
    manifest = make_bundle(tmp_path)
    jar = tmp_path / "m2/org/x/x-1.jar"
    jar.write_bytes(b"JAR X" * 100)  # same size, other bytes
    assert mf.check_files(tmp_path, manifest, checksums=False) == []  # the quick check misses it
    assert mf.check_files(tmp_path, manifest) == ["m2/org/x/x-1.jar: checksum differs from the manifest"]
    jar.write_bytes(b"short")
    (tmp_path / "wheels/a-1.0-py3-none-any.whl").unlink()
    problems = mf.check_files(tmp_path, manifest, checksums=False)
    assert problems == ["m2/org/x/x-1.jar: 5 bytes, the manifest says 500", "wheels/a-1.0-py3-none-any.whl: missing"]
    assert mf.check_files(tmp_path, manifest, parts=["wheels"]) == problems[1:]


def test_no_manifest_is_no_bundle_and_a_broken_one_is_one_error(tmp_path):
    assert mf.read_manifest(tmp_path) is None
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(mf.ManifestError, match="cannot be read"):
        mf.read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text('{"format": 99, "files": {}}')
    with pytest.raises(mf.ManifestError, match="not a format-1 bundle manifest"):
        mf.read_manifest(tmp_path)


# --- where installs read from -----------------------------------------------------------------

def manifest_for(pins=PINS, platform=PLATFORM, saved=None) -> dict:
    files = {"wheels/a.whl": {"size": 1, "sha256": "x"}, "m2/x.jar": {"size": 1, "sha256": "y"}}
    images = {"saved": saved or {}, "skipped": None if saved else "no Docker engine answered when the bundle was made"}
    return {"format": 1, "pins": pins, "platform": platform, "images": images, "files": files}


@pytest.mark.parametrize("value, mode", [("", None), ("auto", None), ("1", True), ("yes", True), ("0", False), ("off", False)])
def test_offline_values(value, mode):
    assert offline_mode({"OFFLINE": value}) is mode


def test_a_bad_offline_value_is_one_error():
    with pytest.raises(BundleError, match=r"OFFLINE='maybe' is not 1, 0 or unset"):
        offline_mode({"OFFLINE": "maybe"})


def test_a_fresh_bundle_is_used_and_offline_0_ignores_it():
    assert choose("python", None, manifest_for(), PINS, PLATFORM).use
    assert choose("maven", True, manifest_for(), PINS, PLATFORM).use
    assert choose("python", False, manifest_for(), PINS, PLATFORM) == Choice(False)


def test_no_bundle_means_the_network_unless_offline():
    assert choose("python", None, None, PINS, PLATFORM) == Choice(False)
    with pytest.raises(BundleError, match="OFFLINE=1 but there is no bundle in bundle/"):
        choose("python", True, None, PINS, PLATFORM)


def test_a_stale_part_goes_to_the_network_and_says_so_but_offline_uses_it():
    other = {**PINS, "maven": "m2"}
    choice = choose("maven", None, manifest_for(), other, PLATFORM)
    assert not choice.use and "other maven pins" in choice.note and "make bundle" in choice.note
    assert choose("python", None, manifest_for(), other, PLATFORM).use  # the python part still fits
    forced = choose("maven", True, manifest_for(), other, PLATFORM)
    assert forced.use and "OFFLINE=1" in forced.note


def test_wheels_for_another_python_are_passed_over():
    choice = choose("python", None, manifest_for(), PINS, {"python": "3.12", "os": "linux-x86_64"})
    assert not choice.use and "Python 3.11" in choice.note and "Python 3.12" in choice.note
    assert choose("maven", None, manifest_for(), PINS, {"python": "3.12", "os": "linux-x86_64"}).use


def test_images_skipped_without_an_engine():
    assert choose("images", None, manifest_for(), PINS, PLATFORM) == Choice(False)
    with pytest.raises(BundleError, match="holds no Docker images .no Docker engine answered"):
        choose("images", True, manifest_for(), PINS, PLATFORM)
    assert choose("images", None, manifest_for(saved={"a:1": "images/a_1.tar"}), PINS, PLATFORM).use


def test_bundle_choice_reads_the_manifest(tmp_path):
    assert bundle_choice("python", {}, tmp_path) == Choice(False)
    make_bundle(tmp_path)
    assert bundle_choice("python", {}, tmp_path).use
    (tmp_path / "manifest.json").write_text("{")
    assert "cannot be read" in bundle_choice("python", {}, tmp_path).note
    with pytest.raises(BundleError, match="OFFLINE=1 but"):
        bundle_choice("python", {"OFFLINE": "1"}, tmp_path)


def run_source(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The Makefile's call: the system python, no site-packages (-S), before .venv exists."""
    environ = {k: v for k, v in os.environ.items() if k != "OFFLINE"} | env
    return subprocess.run([sys.executable, "-S", "-m", "streamlab.bundle.source", *args], cwd=REPO, env=environ,
                          capture_output=True, text=True, timeout=60)


def test_the_makefile_helper_runs_on_the_standard_library_alone():
    result = run_source("pip", OFFLINE="0")
    assert (result.returncode, result.stdout, result.stderr) == (0, "\n", "")


def test_the_makefile_helper_fails_in_one_line():
    result = run_source("pip", OFFLINE="maybe")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: OFFLINE='maybe'") and result.stderr.count("\n") == 1
    assert run_source("wheels").returncode == 2


# --- doctor's verdicts ------------------------------------------------------------------------

def test_verdicts():
    assert judge(None, [], PINS, PLATFORM).state == ABSENT
    incomplete = judge(manifest_for(), ["wheels/a.whl: missing"] * 5, PINS, PLATFORM)
    assert incomplete.state == INCOMPLETE and "5 file(s)" in incomplete.detail and "+2 more" in incomplete.detail
    stale = judge(manifest_for(), [], {**PINS, "python": "p2"}, PLATFORM)
    assert stale.state == STALE and "other python pins" in stale.detail
    ok = judge(manifest_for(), [], PINS, PLATFORM)
    assert ok.state == OK and "images skipped" in ok.detail


def test_a_changed_image_pin_does_not_stale_a_bundle_without_images():
    assert judge(manifest_for(), [], {**PINS, "images": "i2"}, PLATFORM).state == OK


def test_bundle_verdict_on_disk(tmp_path):
    assert bundle_verdict(tmp_path).state == ABSENT
    make_bundle(tmp_path)
    assert bundle_verdict(tmp_path, checksums=True).state == OK
    (tmp_path / "wheels/a-1.0-py3-none-any.whl").write_bytes(b"WHEEL A")
    assert bundle_verdict(tmp_path).state == OK  # sizes only
    assert bundle_verdict(tmp_path, checksums=True).state == INCOMPLETE
    (tmp_path / "manifest.json").write_text("[]")
    assert bundle_verdict(tmp_path).state == INCOMPLETE


def test_doctor_fails_an_absent_bundle_only_when_offline(monkeypatch, tmp_path):
    from streamlab.runtime import doctor

    monkeypatch.setattr(doctor, "bundle_verdict", lambda checksums: judge(None, [], PINS, PLATFORM))
    monkeypatch.delenv("OFFLINE", raising=False)
    assert doctor._bundle(False).result == doctor.OK
    monkeypatch.setenv("OFFLINE", "1")
    assert doctor._bundle(False).result == doctor.FAIL


# --- what goes in ------------------------------------------------------------------------------

def test_every_extra_and_the_build_backend_are_fetched():
    pyproject = {"project": {"optional-dependencies": {"test": ["pytest"], "spark": ["pyspark"]}},
                 "build-system": {"requires": ["setuptools>=77"]}}
    assert extras(pyproject) == ["spark", "test"]
    assert requirements(pyproject, Path("/src")) == ["/src[spark,test]", "setuptools>=77", "pip"]
    assert requirements({}, Path("/src")) == ["/src", "pip"]


def test_the_real_pyproject_extras_are_read():
    from streamlab.bundle.wheels import read_pyproject

    assert "test" in extras(read_pyproject())


def test_requirements_list_the_wheels_but_those_built_here(tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for name in ("PyYAML-6.0.3-cp311-cp311-manylinux2014_x86_64.whl", "pyspark-4.2.0-py2.py3-none-any.whl"):
        (wheels / name).write_bytes(b"")
    lines = write_requirements(wheels, ["pyspark"]).read_text().splitlines()
    assert lines[1:] == ["pyyaml==6.0.3"] and "pyspark" in lines[0]


def test_maven_origin_notes_are_dropped(tmp_path):
    folder = tmp_path / "org" / "x" / "1"
    folder.mkdir(parents=True)
    for name in ("x-1.jar", "_remote.repositories", "x-1.pom.lastUpdated", "resolver-status.properties"):
        (folder / name).write_text("")
    assert drop_origin_notes(tmp_path) == 3
    assert [p.name for p in folder.iterdir()] == ["x-1.jar"]


# --- docker load --------------------------------------------------------------------------------

FAKE_DOCKER = """#!/bin/sh
echo "$*" >> "$DOCKER_CALLS"
case "$*" in
  "image inspect apache/kafka:4.3.1") exit 0 ;;
  "image inspect "*) exit 1 ;;
esac
exit 0
"""


@pytest.fixture
def docker_calls(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(FAKE_DOCKER)
    (bin_dir / "docker").chmod(0o755)
    calls = tmp_path / "calls"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DOCKER_CALLS", str(calls))
    return lambda: calls.read_text().splitlines() if calls.exists() else []


def test_image_files_are_one_tar_per_image():
    assert image_file("apache/kafka:4.3.1") == "images/apache_kafka_4.3.1.tar"
    assert image_file("docker.elastic.co/logstash/logstash-oss:8.19.7") == "images/docker.elastic.co_logstash_logstash-oss_8.19.7.tar"


def test_only_absent_images_are_loaded(tmp_path, docker_calls):
    from rich.console import Console

    saved = {image: image_file(image) for image in ("apache/kafka:4.3.1", "streamlab/connect:4.3.1")}
    assert load_absent(tmp_path, saved, Console(file=open(os.devnull, "w"))) == ["streamlab/connect:4.3.1"]
    assert docker_calls()[-1] == f"load -q -i {tmp_path / 'images/streamlab_connect_4.3.1.tar'}"


def test_compose_builds_without_a_bundle_and_loads_from_one(tmp_path, docker_calls, monkeypatch):
    from streamlab.config import load_settings
    from streamlab.runtime.docker import DockerRuntime
    from streamlab.topology import load_topology

    monkeypatch.delenv("OFFLINE", raising=False)
    runtime = DockerRuntime(load_settings(env_file=tmp_path / "none", environ={}), load_topology(offset=0))
    runtime.bundle = tmp_path / "bundle"
    assert runtime.build_option() == "--build"
    make_bundle(runtime.bundle, images={"saved": {"streamlab/connect:4.3.1": image_file("streamlab/connect:4.3.1")},
                                        "skipped": None})
    assert runtime.build_option() == "--no-build"
    assert any(call.startswith("load -q -i") for call in docker_calls())


def test_bundle_check_is_one_line_unless_ok(tmp_path):
    from rich.console import Console

    from streamlab.bundle.build import check_bundle
    from streamlab.errors import LabError

    quiet = Console(file=open(os.devnull, "w"))
    with pytest.raises(LabError, match="there is no bundle in"):
        check_bundle(tmp_path, quiet)
    make_bundle(tmp_path)
    assert check_bundle(tmp_path, quiet).state == OK
    (tmp_path / "m2/org/x/x-1.jar").unlink()
    with pytest.raises(LabError, match=r"bundle/ is incomplete: 1 file\(s\) differ .*x-1.jar: missing"):
        check_bundle(tmp_path, quiet, checksums=False)

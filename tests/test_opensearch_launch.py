"""OpenSearch's launch without bin/opensearch: the JVM options parser runs once, again only when its inputs change."""

from __future__ import annotations

import stat

import pytest

from streamlab.errors import LabError
from streamlab.runtime import opensearch_launch


@pytest.fixture
def dist(tmp_path):
    """A distribution folder whose `java` prints the options it was asked for and counts its runs."""
    dist = tmp_path / "opensearch" / "dist"
    (dist / "config" / "jvm.options.d").mkdir(parents=True)
    (dist / "config" / "jvm.options").write_text("-Xms1g\n")
    java = tmp_path / "java"
    java.write_text('#!/bin/sh\necho run >> "$(dirname "$0")/runs"\n'
                    'echo "-XX:+AlwaysPreTouch -Djava.io.tmpdir=$OPENSEARCH_TMPDIR $OPENSEARCH_JAVA_OPTS"\n')
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return dist


def runs(dist) -> int:
    runs_file = dist.parent.parent / "runs"
    return len(runs_file.read_text().splitlines()) if runs_file.exists() else 0


def test_options_are_parsed_once_and_again_when_an_input_changes(dist, tmp_path):
    java, tmpdir = str(tmp_path / "java"), dist.parent / "tmp"
    options = opensearch_launch.jvm_options(java, dist, "-Xmx384m -XX:+UseSerialGC", tmpdir)
    assert options == [f"-Djava.io.tmpdir={tmpdir}", "-Xmx384m", "-XX:+UseSerialGC"]  # AlwaysPreTouch dropped
    assert opensearch_launch.jvm_options(java, dist, "-Xmx384m -XX:+UseSerialGC", tmpdir) == options
    assert runs(dist) == 1
    opensearch_launch.jvm_options(java, dist, "-Xmx512m", tmpdir)  # another heap
    (dist / "config" / "jvm.options.d" / "extra.options").write_text("-Dx=1\n")  # a file added
    opensearch_launch.jvm_options(java, dist, "-Xmx512m", tmpdir)
    assert runs(dist) == 3


def test_the_command_is_the_scripts_final_exec(dist, tmp_path):
    command = opensearch_launch.command("/jdk/bin/java", dist, ["-Xmx384m"])
    assert command[:3] == ["/jdk/bin/java", "-Xshare:auto", "-Xmx384m"]
    assert f"-Dopensearch.path.conf={dist / 'config'}" in command
    assert command[-3:] == ["-cp", f"{dist / 'lib'}/*", "org.opensearch.bootstrap.OpenSearch"]


def test_a_failing_parser_is_one_line(dist, tmp_path):
    java = tmp_path / "java"
    java.write_text("#!/bin/sh\necho 'Error: could not find or load main class' >&2\nexit 1\n")
    with pytest.raises(LabError) as caught:
        opensearch_launch.jvm_options(str(java), dist, "", dist.parent / "tmp")
    assert "could not find or load main class" in str(caught.value) and "make clean" in caught.value.hint


def test_a_missing_java_is_one_line(dist, tmp_path):
    with pytest.raises(LabError) as caught:
        opensearch_launch.jvm_options(str(tmp_path / "no-such-java"), dist, "", dist.parent / "tmp")
    assert "no-such-java is missing or cannot be run" in str(caught.value) and "make doctor" in caught.value.hint

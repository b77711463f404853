"""The lab scripts as a student runs them (`python producers/x.py` from the repo root), without Kafka:
--help works, and bad input is one line on stderr with exit code 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = ["producers/bakery_producer.py", "consumers/bakery_consumer.py", "producers/unicorn_producer.py",
           "consumers/unicorn_consumer.py", "producers/fms_producer.py", "consumers/fms_consumer.py",
           "producers/message_producer.py", "processors/keyword_filter.py", "consumers/filtered_consumer.py",
           "producers/log_file_streamer.py", "processors/log_window_aggregator.py", "producers/web_log_producer.py"]


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("script", SCRIPTS)
def test_help(script):
    result = run(script, "--help")
    assert result.returncode == 0, result.stderr
    # The hints name these: `pass --bootstrap-servers` (Kafka down), `pass --create` (a missing topic).
    assert "--bootstrap-servers" in result.stdout and "--topic" in result.stdout and "--create" in result.stdout


def assert_one_line_error(result, *words):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    for word in words:
        assert word in lines[0]


def test_streamer_missing_config(tmp_path):
    assert_one_line_error(run("producers/log_file_streamer.py", "--config", str(tmp_path / "nope.yaml")), "cannot read")


def test_streamer_bad_yaml(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("sources: [path: x, type")
    assert_one_line_error(run("producers/log_file_streamer.py", "--config", str(config)), "not valid YAML")


def test_streamer_missing_log_file(tmp_path):
    sources = f'[{{"path": "{tmp_path}/missing.log", "type": "apache"}}]'
    assert_one_line_error(run("producers/log_file_streamer.py", "--log-files", sources), "does not exist")


def test_streamer_generate_only_needs_no_kafka(tmp_path):
    sources = f'[{{"path": "{tmp_path}/a/access.log", "type": "apache"}}, {{"path": "{tmp_path}/b/app.log", "type": "application"}}]'
    result = run("producers/log_file_streamer.py", "--log-files", sources, "--generate-only", "--test-log-count", "25")
    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "a" / "access.log").read_text().splitlines()) == 25
    assert len((tmp_path / "b" / "app.log").read_text().splitlines()) == 25


def test_fms_producer_bad_url():
    assert_one_line_error(run("producers/fms_producer.py", "test", "--api-url", "not-a-url"), "--api-url")


def test_keyword_filter_without_keywords():
    assert_one_line_error(run("processors/keyword_filter.py", "--keyword", " , "), "keyword")

"""The EFK fan-out as a native fluent-bit process (issue 11, item 12), without a lab: which binary,
the environment that adapts fluent-bit/fluent-bit.conf to the host, the one-line refusal without a
binary, and (when a binary is there) Fluent Bit's own check of the config as rendered.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from streamlab.config import load_settings
from streamlab.errors import LabError
from streamlab.fanout.pipelines import switch
from streamlab.lab import Lab
from streamlab.runtime import fluent_bit
from streamlab.runtime.fluent_bit import CONFIG, find_fluent_bit, fluent_bit_env, missing_reason
from streamlab.runtime.native import NativeRuntime
from streamlab.runtime.native_services import Context
from streamlab.runtime.process import spawn
from streamlab.topology import load_topology

TOPOLOGY = load_topology(offset=0)


def settings_with(**env: str):
    return load_settings(env_file=Path(os.devnull), environ=env)


def context(tmp_path: Path, **env: str) -> Context:
    return Context(settings=settings_with(LAB_HOME=str(tmp_path / "home"), **env), topology=TOPOLOGY, java="java",
                   jars=tmp_path / "jars")


def fake_binary(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    binary = folder / "fluent-bit"
    binary.write_text("#!/bin/sh\necho 'Fluent Bit v0.0.0'\n")
    binary.chmod(0o755)
    return binary


@pytest.fixture
def no_installed_fluent_bit(monkeypatch, tmp_path):
    """PATH without fluent-bit and no vendor package: what a machine that never installed it looks like."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setattr(fluent_bit, "VENDOR_PACKAGE_BIN", tmp_path / "opt" / "fluent-bit")


def test_fluent_bit_bin_wins_and_is_the_only_one_looked_at_when_set(tmp_path, no_installed_fluent_bit, monkeypatch):
    chosen = fake_binary(tmp_path / "chosen")
    monkeypatch.setenv("PATH", str(fake_binary(tmp_path / "on-path").parent))
    assert find_fluent_bit(settings_with(FLUENT_BIT_BIN=str(chosen))) == str(chosen)
    # A wrong FLUENT_BIT_BIN is said as such, never replaced by another binary behind the user's back.
    assert find_fluent_bit(settings_with(FLUENT_BIT_BIN=str(tmp_path / "nowhere"))) is None
    assert "is not an executable file" in missing_reason(settings_with(FLUENT_BIT_BIN=str(tmp_path / "nowhere")))


def test_path_then_the_vendor_package_location(tmp_path, no_installed_fluent_bit, monkeypatch):
    assert find_fluent_bit(settings_with()) is None
    vendor = fake_binary(tmp_path / "opt")
    monkeypatch.setattr(fluent_bit, "VENDOR_PACKAGE_BIN", vendor)
    assert find_fluent_bit(settings_with()) == str(vendor)
    on_path = fake_binary(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(on_path.parent))
    assert find_fluent_bit(settings_with()) == str(on_path)


def test_without_a_binary_the_reason_says_how_to_get_one(no_installed_fluent_bit):
    reason = missing_reason(settings_with())
    assert "brew install fluent-bit" in reason and "packages.fluentbit.io" in reason and "FLUENT_BIT_BIN" in reason


def test_native_switch_efk_without_a_binary_is_one_line_that_says_how_to_get_one(tmp_path, no_installed_fluent_bit):
    lab = Lab()
    settings = settings_with(LAB_HOME=str(tmp_path / "home"))
    lab.__dict__["settings"] = settings
    lab.__dict__["runtime"] = NativeRuntime(settings, TOPOLOGY)  # no engine asked, no service reached
    with pytest.raises(LabError) as refused:
        switch(lab, "efk")
    assert "the efk pipeline needs a fluent-bit binary in the native runtime" in refused.value.message
    assert "brew install fluent-bit" in refused.value.hint and "packages.fluentbit.io" in refused.value.hint
    with pytest.raises(LabError, match="the elk pipeline needs the docker runtime"):
        switch(lab, "elk")


def test_the_host_environment_names_the_lab_services_as_this_machine_reaches_them(tmp_path):
    ctx = context(tmp_path, KAFKA_BOOTSTRAP="localhost:9092", S3_ENDPOINT="http://localhost:9000",
                  OPENSEARCH_URL="http://localhost:9200")
    env = fluent_bit_env(ctx)
    assert env["KAFKA_BOOTSTRAP"] == "localhost:9092" and env["S3_ENDPOINT"] == "http://localhost:9000"
    assert (env["OPENSEARCH_HOST"], env["OPENSEARCH_PORT"], env["OPENSEARCH_TLS"]) == ("localhost", "9200", "Off")
    assert (env["FLUENT_BIT_HTTP_LISTEN"], env["FLUENT_BIT_HTTP_PORT"]) == ("127.0.0.1", "2020")
    assert env["FLUENT_BIT_STATE"] == str(tmp_path / "home" / "fluent-bit")
    # Credentials come from the environment: the AWS chain never goes looking for an instance role.
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"]


def test_the_host_environment_follows_an_aws_opensearch_domain(tmp_path):
    env = fluent_bit_env(context(tmp_path, OPENSEARCH_URL="https://search-lab.ap-northeast-2.es.amazonaws.com"))
    assert (env["OPENSEARCH_HOST"], env["OPENSEARCH_PORT"], env["OPENSEARCH_TLS"]) == (
        "search-lab.ap-northeast-2.es.amazonaws.com", "443", "On")


def test_every_name_the_config_uses_is_set_for_a_native_process(tmp_path):
    code = "\n".join(line for line in CONFIG.read_text().splitlines() if not line.strip().startswith("#"))
    used = set(re.findall(r"\$\{([A-Z0-9_]+)\}", code))
    assert used and used <= set(fluent_bit_env(context(tmp_path)))


def test_a_native_fan_out_not_switched_on_is_not_listed_by_status(tmp_path):
    runtime = NativeRuntime(settings_with(LAB_HOME=str(tmp_path / "home")), TOPOLOGY)
    names = [row.name for row in runtime.status()]
    assert "fluent-bit" not in names and "kafka" in names
    assert "fluent-bit" in [service.name for service in runtime.catalog()]  # so `down` stops it


def test_fluent_bit_accepts_the_config_as_rendered_for_the_host(tmp_path):
    """Fluent Bit's own --dry-run of fluent-bit.conf with the native environment (it starts nothing)."""
    ctx = context(tmp_path, FLUENT_BIT_BIN=os.environ.get("FLUENT_BIT_BIN", ""))
    binary = find_fluent_bit(ctx.settings)
    if binary is None:
        pytest.skip(f"no fluent-bit binary here ({missing_reason(ctx.settings)})")
    result = subprocess.run([binary, "-c", str(CONFIG), "--dry-run"], env={**os.environ, **fluent_bit_env(ctx)},
                            capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "configuration test is successful" in output, output
    # --dry-run passes a config whose parsers file is missing, saying so only as an [error] line.
    assert "[error]" not in output, output


def test_a_running_native_fan_out_is_listed_and_stopped_by_switch_and_by_down(tmp_path):
    """A stand-in process under fluent-bit's PID file (`sleep`: no lab service is started)."""
    runtime = NativeRuntime(settings_with(LAB_HOME=str(tmp_path / "home")), TOPOLOGY)

    def stand_in() -> int:
        pid = spawn(["sleep", "60"], runtime.log_path("fluent-bit"))
        runtime.pidfile("fluent-bit").write(pid)
        return pid

    pid = stand_in()
    (row,) = [row for row in runtime.status() if row.name == "fluent-bit"]
    assert row.pid == pid and row.state in ("starting", "healthy") and row.port == TOPOLOGY.port("fluent-bit")
    assert runtime.stop_on_demand("fluent-bit", "efk") and not runtime.running("fluent-bit")
    assert not runtime.stop_on_demand("fluent-bit", "efk")  # nothing left to stop
    stand_in()
    runtime.down()
    assert not runtime.running("fluent-bit")

"""The EFK fan-out as a native fluent-bit process against the real lab (issue 11, item 12).

Run it with `FLUENT_BIT_BIN=/path/to/fluent-bit .venv/bin/python -m pytest tests/test_native_efk.py`.

Fluent Bit comes from no registry the lab installs from (Homebrew, or the vendor's apt repository:
`make doctor` says how), so without a binary these tests skip and say why.
"""

from __future__ import annotations

import json
import os

import pytest
from conftest import run_cli
from test_fanout import verify_rows

from streamlab.runtime.fluent_bit import find_fluent_bit, missing_reason
from streamlab.runtime.native import NativeRuntime
from streamlab.topology import load_topology

pytestmark = pytest.mark.integration

WIDE = {**os.environ, "COLUMNS": "200"}  # verify's table on one line per sink


@pytest.fixture(scope="module")
def efk_lab(lab_controller):
    if find_fluent_bit(lab_controller.settings) is None:
        pytest.skip(f"native EFK needs a fluent-bit binary: {missing_reason(lab_controller.settings)}")
    lab_controller.ensure("kafka", "s3", "opensearch", "connect")
    yield NativeRuntime(lab_controller.settings, load_topology())
    run_cli("switch", "connect", timeout=180)  # the fan-out the other modules expect


def test_switch_efk_runs_fluent_bit_health_gated_and_verify_finds_every_event_once(efk_lab):
    switched = run_cli("switch", "efk", timeout=180)
    assert switched.returncode == 0, switched.stderr
    assert "fluent-bit" in switched.stderr and "efk pipeline active" in switched.stderr
    assert efk_lab.running("fluent-bit")
    status = run_cli("status", env=WIDE)
    assert any("fluent-bit" in line and "healthy" in line for line in status.stdout.splitlines()), status.stdout
    again = run_cli("switch", "efk", timeout=180)  # idempotent: the same process
    assert again.returncode == 0 and "already running" in again.stderr, again.stderr

    verified = run_cli("verify", "--count", "300", timeout=400, env=WIDE)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    rows = verify_rows(verified.stdout)
    assert set(rows) == {"s3", "opensearch"}, verified.stdout
    for sink, (received, missing, duplicated, *_) in rows.items():
        assert (received, missing, duplicated) == ("300", "0", "0"), f"{sink}: {verified.stdout}"

    graded = run_cli("check", "fanout-efk", "--json", timeout=120)
    (report,) = json.loads(graded.stdout)["labs"]
    assert report["done"] and graded.returncode == 0, report  # raw copies, documents, payload lifted


def test_switching_away_stops_fluent_bit(efk_lab):
    assert run_cli("switch", "efk", timeout=180).returncode == 0
    back = run_cli("switch", "connect", timeout=180)
    assert back.returncode == 0, back.stderr
    assert "stopped the efk pipeline" in back.stderr and not efk_lab.running("fluent-bit")
    assert "fluent-bit" not in run_cli("status", env=WIDE).stdout

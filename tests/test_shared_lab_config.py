"""Sharing the lab with the room (issue 11, item 9): the address clients are sent to, as rendered into
each runtime's config and printed. Pure: settings in, text out; no service runs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from streamlab.cluster.runtime import ClusterSpec, render_properties
from streamlab.config import advertised_host, load_settings
from streamlab.runtime.docker import advertised_env
from streamlab.runtime.doctor import OK, WARN, _advertised_address
from streamlab.runtime.native_services import Context, connect_env, render_server_properties
from streamlab.runtime.ports import local_address, where_to_open
from streamlab.topology import load_topology

TOPOLOGY = load_topology(offset=0)


def settings_with(**env: str):
    return load_settings(env_file=Path(os.devnull), environ=env)


def properties(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line.strip() and not line.startswith("#"))


@pytest.mark.parametrize(("bind", "configured", "expected"), [
    ("127.0.0.1", "", "localhost"),            # one machine: as before
    ("0.0.0.0", "", "localhost"),              # shared but unset: doctor warns
    ("0.0.0.0", "lab-host.local", "lab-host.local"),
    ("127.0.0.2", "", "127.0.0.2"),            # one interface: the only address that answers
    ("192.168.0.10", "", "192.168.0.10"),
    ("127.0.0.2", "lab-host.local", "lab-host.local"),
])
def test_clients_are_sent_to_the_configured_host_else_the_one_bound_address(bind, configured, expected):
    assert advertised_host(bind, configured) == expected


def test_native_kafka_listens_on_lab_bind_and_advertises_lab_advertised_host(tmp_path):
    settings = settings_with(LAB_BIND="0.0.0.0", LAB_ADVERTISED_HOST="127.0.0.2")
    props = properties(render_server_properties(settings, TOPOLOGY, tmp_path))
    assert props["listeners"] == "PLAINTEXT://0.0.0.0:9092,CONTROLLER://127.0.0.1:9093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.2:9092"


def test_native_kafka_on_one_machine_still_advertises_localhost(tmp_path):
    props = properties(render_server_properties(settings_with(), TOPOLOGY, tmp_path))
    assert props["listeners"].startswith("PLAINTEXT://127.0.0.1:9092,")
    assert props["advertised.listeners"] == "PLAINTEXT://localhost:9092"


def test_native_kafka_bound_to_one_address_advertises_that_address(tmp_path):
    props = properties(render_server_properties(settings_with(LAB_BIND="127.0.0.2"), TOPOLOGY, tmp_path))
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.2:9092"


def test_cluster_nodes_advertise_the_same_host():
    spec = ClusterSpec.from_topology(TOPOLOGY)
    node = spec.nodes[0]
    props = properties(render_properties(spec, node, "0.0.0.0", "/data", "lab-host.local"))
    assert props["advertised.listeners"] == f"PLAINTEXT://lab-host.local:{node.port}"
    assert properties(render_properties(spec, node, "127.0.0.1", "/data"))["advertised.listeners"] == f"PLAINTEXT://localhost:{node.port}"


def test_connect_worker_advertises_its_rest_address_where_it_listens():
    settings = settings_with(LAB_BIND="127.0.0.2")
    env = connect_env(Context(settings=settings, topology=TOPOLOGY, java="java", jars=Path("/jars")))
    assert env["CONNECT_LISTENERS"] == "http://127.0.0.2:8083" and env["CONNECT_ADVERTISED_HOST"] == "127.0.0.2"


def test_docker_compose_gets_the_same_advertised_host_as_native():
    assert advertised_env(settings_with(LAB_BIND="127.0.0.2")) == {"LAB_ADVERTISED_HOST": "127.0.0.2"}
    assert advertised_env(settings_with(LAB_BIND="0.0.0.0", LAB_ADVERTISED_HOST="lab-host.local")) == {"LAB_ADVERTISED_HOST": "lab-host.local"}
    assert advertised_env(settings_with()) == {"LAB_ADVERTISED_HOST": "localhost"}


def test_doctor_prints_the_address_and_warns_when_a_shared_lab_has_none():
    alone = _advertised_address(settings_with(), TOPOLOGY)
    assert alone.result == OK and "localhost:9092" in alone.detail
    shared = _advertised_address(settings_with(LAB_BIND="0.0.0.0", LAB_ADVERTISED_HOST="127.0.0.2"), TOPOLOGY)
    assert shared.result == OK and "127.0.0.2:9092" in shared.detail
    unset = _advertised_address(settings_with(LAB_BIND="0.0.0.0"), TOPOLOGY)
    assert unset.result == WARN and "LAB_ADVERTISED_HOST" in unset.detail and "localhost:9092" in unset.detail


def test_printed_urls_name_the_room_address_on_a_shared_lab():
    assert where_to_open("127.0.0.1", "", 8090) == "http://127.0.0.1:8090"
    assert where_to_open("0.0.0.0", "lab-host.local", 8090) == "http://127.0.0.1:8090 (the room: http://lab-host.local:8090)"
    assert where_to_open("127.0.0.2", "", 8088) == "http://127.0.0.2:8088"


def test_health_probes_reach_a_service_where_it_listens():
    assert local_address("0.0.0.0") == local_address("127.0.0.1") == local_address("localhost") == "127.0.0.1"
    assert local_address("127.0.0.2") == "127.0.0.2"

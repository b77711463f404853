"""A shared lab sends clients to an address they can reach (issue 11, item 9), with the native broker.

NOT YET RUN by its author (written while another engineer held the lab's ports); run it with
`.venv/bin/python -m pytest tests/test_shared_lab.py`.

127.0.0.2 stands in for the lab host's address in the room: another loopback address, which Linux
answers without any setup. The broker runs on lab.yaml's ports + 5000 with a lab home of its own,
so it collides neither with a student's lab (+0) nor with the suite's (+1000); it is stopped after
each case. A client bootstraps at 127.0.0.2, produces and consumes, and the cluster metadata it is
given names 127.0.0.2, not localhost (which on another machine would be that machine).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from conftest import REPO

from streamlab.clients.kafka_client import iter_json, make_admin, make_consumer, make_producer
from streamlab.clients.topics import create
from streamlab.runtime.ports import port_open

pytestmark = pytest.mark.integration

OFFSET = 5000
KAFKA_PORT = 9092 + OFFSET
ROOM_ADDRESS = "127.0.0.2"
EVENTS = 50


@pytest.fixture(params=["0.0.0.0", ROOM_ADDRESS], ids=["bind-all", "bind-one-address"])
def shared_broker(request, tmp_path):
    """The native broker with LAB_BIND=<param> and LAB_ADVERTISED_HOST=127.0.0.2; stopped afterwards."""
    env = {k: v for k, v in os.environ.items() if k not in ("LAB_PORT_OFFSET", "LAB_HOME", "S3_DATA_DIR")}
    env.update(
        LAB_PORT_OFFSET=str(OFFSET), LAB_HOME=str(tmp_path / "lab-home"), S3_DATA_DIR=str(tmp_path / "s3"),
        LAB_BIND=request.param, LAB_ADVERTISED_HOST=ROOM_ADDRESS,
        KAFKA_BOOTSTRAP=f"{ROOM_ADDRESS}:{KAFKA_PORT}",  # the lab's own health check and topic creation, as a room client
        RUNTIME="native", STREAMLAB_ENV_FILE=os.devnull,
    )

    def streamlab(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "streamlab", *args], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=240)

    up = streamlab("up", "kafka")
    try:
        assert up.returncode == 0, up.stderr[-3000:]
        yield request.param
    finally:
        down = streamlab("down")
        assert down.returncode == 0, down.stderr


def test_a_room_client_produces_consumes_and_is_sent_to_the_advertised_address(shared_broker):
    bootstrap = f"{ROOM_ADDRESS}:{KAFKA_PORT}"
    topic = f"shared-{uuid.uuid4().hex[:8]}"
    admin = make_admin(bootstrap)
    try:
        brokers = admin.describe_cluster()["brokers"]
        assert [(b["host"], b["port"]) for b in brokers] == [(ROOM_ADDRESS, KAFKA_PORT)]
        create(admin, topic, partitions=2)
    finally:
        admin.close()
    if shared_broker == ROOM_ADDRESS:
        assert not port_open(KAFKA_PORT, "127.0.0.1"), "LAB_BIND=127.0.0.2 must not listen on 127.0.0.1"

    producer = make_producer(bootstrap)
    try:
        for seq in range(EVENTS):
            producer.send(topic, {"seq": seq}, key=str(seq))
        producer.flush(30)
    finally:
        producer.close()

    consumer = make_consumer(bootstrap, topic)
    try:
        values = [value for _, value, _ in iter_json(consumer, max_messages=EVENTS, idle_s=15)]
    finally:
        consumer.close()
    assert sorted(v["seq"] for v in values) == list(range(EVENTS))

"""The console's settings: its port (lab.yaml), its address (LAB_BIND) and its token (CONSOLE_TOKEN)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


from ..topology import Topology

DEFAULT_PORT = 8090


@dataclass(frozen=True)
class ConsoleConfig:
    bind: str = "127.0.0.1"  # LAB_BIND: loopback unless the lab is shared with the room
    port: int = DEFAULT_PORT
    runtime: str = "native"  # shown in the header; the runtime itself is one of the sources
    topic: str = "web_logs"  # WEB_LOGS_TOPIC: the topic the overview draws when no pipeline is active
    bucket: str = "streamlab"  # S3_BUCKET
    tick_s: float = 1.5  # the sampler's fastest probe (end offsets)
    history_s: float = 600.0  # sparkline memory: the last ten minutes
    tail_limit: int = 8  # message-browser streams open at once; each holds a Kafka consumer


def console_port(topology: Topology) -> int:
    """lab.yaml's console port (`console: {port}`, shifted like every port in the test suite); 8090 when absent."""
    service = topology.services.get("console")
    if service is not None and service.port:
        return int(service.port)
    return int(topology.console.get("port") or DEFAULT_PORT)


def console_token(environ: Mapping[str, str] = os.environ, env_file: Mapping[str, str] | None = None) -> str:
    """CONSOLE_TOKEN from the environment, else from .env; empty when set nowhere."""
    return (environ.get("CONSOLE_TOKEN") or (env_file or {}).get("CONSOLE_TOKEN") or "").strip()


def console_config(settings, topology: Topology, runtime: str, port: int | None = None) -> ConsoleConfig:
    """The config from the lab's settings and lab.yaml; `port` overrides lab.yaml's."""
    return ConsoleConfig(bind=settings.LAB_BIND, port=port or console_port(topology), runtime=runtime,
                         topic=settings.WEB_LOGS_TOPIC, bucket=settings.S3_BUCKET)

"""The gateway's settings: API key and limits from .env (config.py), port and streams from lab.yaml."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Settings
from ..errors import LabError
from ..topology import Topology


@dataclass(frozen=True)
class GatewayConfig:
    api_key: str = ""  # empty: no authentication
    max_body_bytes: int = 1024 * 1024
    max_batch: int = 500
    port: int | None = None  # lab.yaml gateway.port; None only where nothing listens (spec export, tests)
    streams: tuple[str, ...] = ()  # the course's streams (lab.yaml); any existing topic is accepted


def _positive_int(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise LabError(f"{name}={value!r} is not a positive whole number", "fix it in .env", exit_code=2)
    return number


def gateway_config(settings: Settings, topology: Topology) -> GatewayConfig:
    """Build the config; a bad number in .env is a one-line error."""
    section = topology.gateway
    return GatewayConfig(
        api_key=settings.GATEWAY_API_KEY,
        max_body_bytes=_positive_int("GATEWAY_MAX_BODY_BYTES", settings.GATEWAY_MAX_BODY_BYTES),
        max_batch=_positive_int("GATEWAY_MAX_BATCH", settings.GATEWAY_MAX_BATCH),
        port=int(section["port"]),
        streams=tuple(section.get("streams", ())),
    )

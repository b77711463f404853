"""`streamlab gateway`: serve the app with uvicorn on LAB_BIND and lab.yaml's gateway port."""

from __future__ import annotations

import uvicorn
from rich.console import Console

from ..config import Settings
from ..errors import LabError
from ..runtime.ports import holder_of, local_address, port_open, where_to_open
from ..topology import Topology
from .app import create_app
from .config import GatewayConfig, gateway_config
from .errors import GatewayError
from .publisher import KafkaPublisher
from .streams import StreamCatalog, broker_topics


def build(settings: Settings, config: GatewayConfig, wait_s: float = 5.0):
    """The app wired to the real broker (also used by the benchmark and the integration tests)."""
    catalog = StreamCatalog(broker_topics(settings.KAFKA_BOOTSTRAP, wait_s))
    publisher = KafkaPublisher(settings.KAFKA_BOOTSTRAP, wait_s)
    return create_app(config, publisher, catalog, settings.KAFKA_BOOTSTRAP), catalog


def _check_port(host: str, port: int) -> None:
    if port_open(port, local_address(host)):
        raise LabError(f"port {port} for the gateway is already taken by {holder_of(port)}", "stop it, or pass --port")


def serve(settings: Settings, topology: Topology, port: int | None, console: Console) -> None:
    """Check the port and the broker (one line each when wrong), then serve until Ctrl+C."""
    config = gateway_config(settings, topology)
    host, port = settings.LAB_BIND, port or config.port
    _check_port(host, port)
    app, catalog = build(settings, config)
    try:
        catalog.refresh()  # a bounded wait: Kafka down is one line now, not a 503 on the first POST
    except GatewayError as exc:
        raise LabError(exc.detail) from None
    key = "required (x-api-key header)" if config.api_key else "off (set GATEWAY_API_KEY to require one)"
    console.print(f"gateway on {where_to_open(host, settings.LAB_ADVERTISED_HOST, port)} -> Kafka {settings.KAFKA_BOOTSTRAP}; "
                  f"POST /v2/{{stream}} (streams: {', '.join(config.streams) or 'any topic'}); "
                  f"spec at /docs and /openapi.json; API key {key}", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, server_header=False)

"""The docker runtime: `docker compose` on docker-compose.yaml, with the same ports as native."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from urllib.parse import urlsplit

from rich.console import Console

from ..config import Settings
from ..errors import LabError
from ..topology import REPO_ROOT, Topology
from .base import ServiceStatus

COMPOSE_FILE = REPO_ROOT / "docker-compose.yaml"
# The fan-out services that `make switch-*` starts on demand; `up` leaves them alone.
ON_DEMAND = {"logstash", "fluent-bit"}
# lab.yaml service -> its host name on the compose network (what containers use instead of localhost).
CONTAINER_HOSTS = {"kafka": "kafka", "s3": "s3proxy", "opensearch": "opensearch", "connect": "connect"}


def engine_answers(timeout_s: float = 3.0) -> bool:
    """True when a Docker engine responds (not just the docker CLI being installed)."""
    try:
        import docker

        client = docker.from_env(timeout=timeout_s)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # no socket, no permission, engine stopped: all mean "no engine"
        return False


def container_env(settings: Settings) -> dict[str, str]:
    """The *_DOCKER addresses docker-compose.yaml reads, derived from S3_ENDPOINT / OPENSEARCH_URL.

    Local services keep the compose defaults (s3proxy, opensearch on the lab network); a real AWS S3
    (empty S3_ENDPOINT) or a remote OpenSearch URL is passed on, so `.env` names each target once.
    """
    env: dict[str, str] = {}
    if not settings.S3_ENDPOINT:
        env["S3_ENDPOINT_DOCKER"] = f"https://s3.{settings.AWS_REGION}.amazonaws.com"
    url = urlsplit(settings.OPENSEARCH_URL)
    if url.hostname not in ("localhost", "127.0.0.1", None):
        tls = url.scheme == "https"
        env.update(
            OPENSEARCH_URL_DOCKER=settings.OPENSEARCH_URL,
            OPENSEARCH_HOST_DOCKER=url.hostname,
            OPENSEARCH_PORT_DOCKER=str(url.port or (443 if tls else 9200)),
            OPENSEARCH_TLS_DOCKER="On" if tls else "Off",
        )
    return env


class DockerRuntime:
    name = "docker"

    def __init__(self, settings: Settings, topology: Topology, console: Console | None = None):
        self.settings = settings
        self.topology = topology
        self.console = console or Console(stderr=True)

    def compose(self, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
        if not shutil.which("docker"):
            raise LabError("the docker CLI was not found", "install Docker, or set RUNTIME=native in .env")
        cmd = ["docker", "compose", "-f", str(COMPOSE_FILE), *args]
        env = {**container_env(self.settings), **os.environ}  # an explicit *_DOCKER in the environment wins
        result = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=capture, text=True)
        if result.returncode != 0:
            detail = (result.stderr or "").strip().splitlines()[-1:] if capture else []
            raise LabError(f"`docker compose {' '.join(args)}` failed", detail[0] if detail else "see the output above")
        return result

    def up(self, only: list[str] | None = None) -> None:
        self.compose("up", "-d", "--build", "--wait", *(only or []))

    def down(self) -> None:
        self.compose("--profile", "elk", "--profile", "efk", "--profile", "cluster", "down")

    def status(self) -> list[ServiceStatus]:
        out = self.compose("ps", "--all", "--format", "json", capture=True).stdout
        rows = []
        for line in out.splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            state = item.get("Health") or item.get("State", "")
            ports = [p.get("PublishedPort") for p in item.get("Publishers") or [] if p.get("PublishedPort")]
            rows.append(ServiceStatus(item.get("Service", "?"), state, ports[0] if ports else None, detail=item.get("Image", "")))
        return rows

    def log_tail(self, service: str, lines: int) -> str:
        return self.compose("logs", "--no-color", "--tail", str(lines), service, capture=True).stdout

    def address_for_containers(self, url: str, service: str) -> str:
        """`http://localhost:9000` as a container reaches it (`http://s3proxy:9000`); remote URLs unchanged."""
        for local in ("localhost", "127.0.0.1"):
            url = url.replace(f"//{local}:", f"//{CONTAINER_HOSTS[service]}:")
        return url

    def kill(self, service: str) -> int:
        """SIGKILL one service's container (crash drills); compose brings it back on `up`."""
        self.compose("kill", "-s", "SIGKILL", service)
        return 0

    def running(self, service: str) -> bool:
        out = self.compose("ps", "--status", "running", "--services", capture=True).stdout
        return service in out.split()

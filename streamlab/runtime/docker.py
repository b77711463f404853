"""The docker runtime: `docker compose` on docker-compose.yaml, with the same ports as native."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console

from ..bundle.source import BUNDLE_DIR, announced_choice
from ..config import Settings
from ..errors import LabError
from ..topology import REPO_ROOT, Topology
from .base import ServiceStatus

COMPOSE_FILE = REPO_ROOT / "docker-compose.yaml"
# The services of a profile, which `up` leaves alone: the fan-outs `make switch-*` starts, and the
# runner of the Spark jobs (`make spark-*`, streamlab/spark/launch.py).
ON_DEMAND = {"logstash", "fluent-bit", "spark"}
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


def host_user_env() -> dict[str, str]:
    """UID and GID for the s3 service's `user:` (bash sets UID but does not export it; GID not at all).

    s3proxy then writes ./data/s3 as the student, so `make clean` can delete what it wrote.
    """
    if not hasattr(os, "getuid"):  # Windows: Docker Desktop maps every container user to the host's
        return {}
    return {"UID": str(os.getuid()), "GID": str(os.getgid())}


def prepare_s3_folder(folder: Path) -> None:
    """The s3 service's bind mount, made here as the student (Docker would make it as root).

    The s3 service runs as the host user: a bucket folder an older lab's container wrote as root
    would make it fail to start, so that is said in one line first.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stuck = [p for p in (folder, *sorted(folder.iterdir())) if p.is_dir() and not os.access(p, os.W_OK | os.X_OK)]
    if stuck:
        owner = f"{os.getuid()}:{os.getgid()}" if hasattr(os, "getuid") else "$USER"
        raise LabError(f"{stuck[0]} is not writable by you (an older lab's s3 container wrote it as root)",
                       f"`sudo chown -R {owner} {folder}` once, or `sudo rm -rf {folder}` to start empty")


def parse_compose_ps(text: str) -> list[dict]:
    """`docker compose ps --format json`: JSON lines (Compose 2.21+) or one JSON array (older)."""
    text = text.strip()
    if not text:
        return []
    try:
        if text.startswith("["):
            items = json.loads(text)
        else:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        first = text.splitlines()[0][:80]
        raise LabError(f"`docker compose ps --format json` printed something that is not JSON ({exc.msg}): {first}",
                       "update Docker Compose to v2 (`docker compose version`)") from None
    if not all(isinstance(item, dict) for item in items):
        raise LabError("`docker compose ps --format json` printed an unexpected shape",
                       "update Docker Compose to v2 (`docker compose version`)")
    return items


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


def advertised_env(settings: Settings) -> dict[str, str]:
    """LAB_ADVERTISED_HOST as the native runtime decides it (config.advertised_host), so that Kafka
    advertises the same address in both runtimes, also when LAB_BIND names one interface."""
    return {"LAB_ADVERTISED_HOST": settings.advertised_host}


class DockerRuntime:
    name = "docker"
    bundle = BUNDLE_DIR  # where `docker load` finds saved images (tests point it elsewhere)

    def __init__(self, settings: Settings, topology: Topology, console: Console | None = None):
        self.settings = settings
        self.topology = topology
        self.console = console or Console(stderr=True)

    def compose(self, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
        if not shutil.which("docker"):
            raise LabError("the docker CLI was not found", "install Docker, or set RUNTIME=native in .env")
        cmd = ["docker", "compose", "-f", str(COMPOSE_FILE), *args]
        # An explicit *_DOCKER (or UID/GID) in the environment wins.
        env = {**host_user_env(), **container_env(self.settings), **advertised_env(self.settings), **os.environ}
        result = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=capture, text=True)
        if result.returncode != 0:
            detail = (result.stderr or "").strip().splitlines()[-1:] if capture else []
            raise LabError(f"`docker compose {' '.join(args)}` failed", detail[0] if detail else "see the output above")
        return result

    def up(self, only: list[str] | None = None) -> None:
        if only is None or "s3" in only:
            prepare_s3_folder(REPO_ROOT / "data" / "s3")
        self.compose("up", "-d", self.build_option(), "--wait", *(only or []))

    def build_option(self) -> str:
        """--build, or --no-build once bundle/ has loaded the images (a build would need the network)."""
        # Imported here: the bundle's image module uses this one (engine_answers, COMPOSE_FILE).
        from ..bundle.images import load_absent
        from ..bundle.manifest import read_manifest

        if not announced_choice("images", lambda note: self.console.print(f"[dim]{note}[/dim]"), self.bundle).use:
            return "--build"
        load_absent(self.bundle, read_manifest(self.bundle)["images"]["saved"], self.console)
        return "--no-build"

    def down(self) -> None:
        self.compose("--profile", "elk", "--profile", "efk", "--profile", "cluster", "--profile", "spark", "down")

    def status(self) -> list[ServiceStatus]:
        out = self.compose("ps", "--all", "--format", "json", capture=True).stdout
        rows = []
        for item in parse_compose_ps(out):
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

    # --- on-demand services: the fan-outs of `make switch-*`, each in its compose profile ----------
    def needs_for(self, service: str) -> str | None:
        return None  # every fan-out has an image

    def how_to_get(self, service: str) -> str:
        return ""

    def start_on_demand(self, service: str, profile: str) -> None:
        self.compose("--profile", profile, "up", "-d", self.build_option(), "--wait", service)

    def stop_on_demand(self, service: str, profile: str) -> bool:
        """Stop it if it runs; True when it did."""
        if not self.running(service):
            return False
        self.compose("--profile", profile, "stop", service)
        return True

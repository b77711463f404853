"""Lab settings: read once from the environment and `.env`, with defaults, so no `.env` is needed.

Precedence: process environment > `.env` > the defaults below (which follow lab.yaml's ports).
Secrets are kept as given but only ever shown through `masked()`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from dotenv import dotenv_values

from .errors import LabError
from .topology import REPO_ROOT, load_topology

SECRET_WORDS = ("SECRET", "PASS", "KEY", "TOKEN")
RUNTIMES = ("auto", "docker", "native")
PATH_KEYS = ("LAB_HOME", "LAB_JARS", "S3_DATA_DIR", "SPARK_DATA_DIR")


def _defaults() -> dict[str, str]:
    topo = load_topology()
    return {
        "RUNTIME": "auto",
        "LAB_BIND": "127.0.0.1",
        "LAB_ADVERTISED_HOST": "",
        "LAB_HOME": str(REPO_ROOT / ".lab"),
        "LAB_JARS": str(REPO_ROOT / ".lab" / "jars"),
        "KAFKA_BOOTSTRAP": f"localhost:{topo.port('kafka')}",
        "JVM_HEAP": "384m",
        "LAB_CDS": "1",
        "CONNECT_URL": f"http://localhost:{topo.port('connect')}",
        "CONNECT_FLUSH_INTERVAL_MS": "10000",
        "S3_ENDPOINT": f"http://localhost:{topo.port('s3')}",
        "S3_BUCKET": topo.buckets[0],
        "S3_DATA_DIR": str(REPO_ROOT / "data" / "s3"),
        "SPARK_DATA_DIR": str(REPO_ROOT / "data" / "spark"),  # the Spark jobs' Parquet (the course's HDFS)
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "streamlab",
        "AWS_SECRET_ACCESS_KEY": "streamlab-secret",
        "OPENSEARCH_URL": f"http://localhost:{topo.port('opensearch')}",
        "OPENSEARCH_USER": "",
        "OPENSEARCH_PASS": "",
        "WEB_LOGS_TOPIC": "web_logs",
        "GATEWAY_API_KEY": "",
        "GATEWAY_MAX_BODY_BYTES": str(1024 * 1024),
        "GATEWAY_MAX_BATCH": "500",
        "FLUENT_BIT_BIN": "",
    }


# LAB_BIND values that listen on every interface: the lab is shared with the room.
WILDCARD_BINDS = ("0.0.0.0", "::", "")
LOOPBACK_BINDS = ("127.0.0.1", "localhost", "::1")


def shares_the_lab(bind: str) -> bool:
    return bind in WILDCARD_BINDS


def advertised_host(bind: str, configured: str) -> str:
    """Where clients are sent: LAB_ADVERTISED_HOST when set; else the bind address when it names one
    interface other than loopback (a client reaches the lab only where it listens); else localhost."""
    if configured:
        return configured
    if shares_the_lab(bind) or bind in LOOPBACK_BINDS:
        return "localhost"
    return bind


def mask(name: str, value: str) -> str:
    """Show a secret as its first two characters and stars; other values unchanged."""
    if not value or not any(word in name.upper() for word in SECRET_WORDS):
        return value
    return value[:2] + "*" * 6


@dataclass(frozen=True)
class Settings:
    RUNTIME: str
    LAB_BIND: str
    LAB_ADVERTISED_HOST: str
    LAB_HOME: str
    LAB_JARS: str
    KAFKA_BOOTSTRAP: str
    JVM_HEAP: str
    LAB_CDS: str
    CONNECT_URL: str
    CONNECT_FLUSH_INTERVAL_MS: str
    S3_ENDPOINT: str
    S3_BUCKET: str
    S3_DATA_DIR: str
    SPARK_DATA_DIR: str
    AWS_REGION: str
    AWS_ACCESS_KEY_ID: str
    AWS_SECRET_ACCESS_KEY: str
    OPENSEARCH_URL: str
    OPENSEARCH_USER: str
    OPENSEARCH_PASS: str
    WEB_LOGS_TOPIC: str
    GATEWAY_API_KEY: str
    GATEWAY_MAX_BODY_BYTES: str
    GATEWAY_MAX_BATCH: str
    FLUENT_BIT_BIN: str

    @property
    def home(self) -> Path:
        return Path(self.LAB_HOME)

    @property
    def advertised_host(self) -> str:
        """The host name or address clients are told to use (Kafka's advertised listener, printed URLs)."""
        return advertised_host(self.LAB_BIND, self.LAB_ADVERTISED_HOST)

    @property
    def local_s3(self) -> bool:
        """True when the lab runs its own S3 store (S3_ENDPOINT points at this machine)."""
        return bool(self.S3_ENDPOINT) and any(h in self.S3_ENDPOINT for h in ("localhost", "127.0.0.1", "s3proxy"))

    def as_env(self) -> dict[str, str]:
        """All settings as environment variables (for docker compose and connector rendering)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def masked(self) -> dict[str, str]:
        return {name: mask(name, value) for name, value in self.as_env().items()}


def env_file_path() -> Path:
    """`.env` at the repo root, or STREAMLAB_ENV_FILE (tests point it at an empty file)."""
    return Path(os.environ.get("STREAMLAB_ENV_FILE") or REPO_ROOT / ".env")


def load_settings(env_file: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Merge defaults, `.env` and the environment into Settings; reject a bad RUNTIME."""
    env_file = env_file or env_file_path()
    environ = os.environ if environ is None else environ
    values = _defaults()
    if env_file.exists():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None and k in values})
    values.update({k: v for k, v in environ.items() if k in values})
    for path_key in PATH_KEYS:  # relative paths in .env mean "from the repository root"
        values[path_key] = str((REPO_ROOT / values[path_key]).resolve())
    if values["RUNTIME"] not in RUNTIMES:
        # Say where the value came from: fixing .env does nothing for a variable set in the shell.
        where = "set it right or unset it in the environment" if "RUNTIME" in environ else f"fix it in {env_file}"
        raise LabError(f"RUNTIME={values['RUNTIME']!r} is not one of {', '.join(RUNTIMES)}", where)
    return Settings(**values)


def file_env(env_file: Path | None = None) -> dict[str, str]:
    """Every variable in `.env` (also ones Settings does not know), for rendering connector files."""
    env_file = env_file or env_file_path()
    return {k: v for k, v in dotenv_values(env_file).items() if v is not None} if env_file.exists() else {}

"""Fluent Bit as a native process: the EFK fan-out without Docker (issue 11, item 12).

It runs the same fluent-bit/fluent-bit.conf and parsers.conf as the container. That config names
every address, port and folder through ${NAME} environment variables: compose sets the container's
(kafka:29092, s3proxy, opensearch, /fluent-bit/state), `fluent_bit_env` sets the host's (the lab's
settings, LAB_HOME/fluent-bit). No Maven Central jar or PyPI package carries Fluent Bit, so the lab
cannot install it: a binary is used when there is one (FLUENT_BIT_BIN, else PATH, else where the
vendor's Debian/Ubuntu package puts it) and `make switch-efk` says how to get one otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import requests

from ..config import Settings
from ..errors import LabError
from ..topology import REPO_ROOT
from .native_services import Context, NativeService
from .ports import local_address

NAME = "fluent-bit"
CONFIG = REPO_ROOT / "fluent-bit" / "fluent-bit.conf"
# The vendor's apt package installs here and does not add it to PATH.
VENDOR_PACKAGE_BIN = Path("/opt/fluent-bit/bin/fluent-bit")
HOW_TO_GET = ("get one with `brew install fluent-bit` (Homebrew) or from the vendor's apt repository "
              "(packages.fluentbit.io), or set FLUENT_BIT_BIN in .env to one")


def find_fluent_bit(settings: Settings) -> str | None:
    """The fluent-bit binary to run: FLUENT_BIT_BIN when set (and only it), else PATH, else the vendor's path."""
    if settings.FLUENT_BIT_BIN:
        return settings.FLUENT_BIT_BIN if _executable(Path(settings.FLUENT_BIT_BIN)) else None
    on_path = shutil.which(NAME)
    if on_path:
        return on_path
    return str(VENDOR_PACKAGE_BIN) if _executable(VENDOR_PACKAGE_BIN) else None


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def missing_reason(settings: Settings) -> str:
    """One line: which binary was looked for, and how to get one."""
    if settings.FLUENT_BIT_BIN:
        return f"FLUENT_BIT_BIN={settings.FLUENT_BIT_BIN} is not an executable file; {HOW_TO_GET}"
    return f"no fluent-bit binary on PATH or at {VENDOR_PACKAGE_BIN}; {HOW_TO_GET}"


def version(binary: str) -> str:
    """`Fluent Bit v4.2.2`, or what went wrong running it."""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"does not run ({exc})"
    return next((line.strip() for line in out.splitlines() if line.startswith("Fluent Bit")), "version unknown")


def opensearch_endpoint(url: str) -> tuple[str, str, str]:
    """(host, port, TLS On|Off) of an OpenSearch URL: Fluent Bit's output takes them apart, not a URL."""
    parts = urlsplit(url)
    tls = parts.scheme == "https"
    return parts.hostname or "localhost", str(parts.port or (443 if tls else 9200)), "On" if tls else "Off"


def state_dir(ctx: Context) -> Path:
    """Its filesystem buffer and S3 upload store: the container keeps them on a volume, natively here."""
    return ctx.state(NAME)


def fluent_bit_env(ctx: Context) -> dict[str, str]:
    """Every ${NAME} of fluent-bit/fluent-bit.conf, as the lab's host processes reach its services."""
    settings = ctx.settings
    host, port, tls = opensearch_endpoint(settings.OPENSEARCH_URL)
    return {
        "KAFKA_BOOTSTRAP": settings.KAFKA_BOOTSTRAP,
        "WEB_LOGS_TOPIC": settings.WEB_LOGS_TOPIC,
        "S3_ENDPOINT": settings.S3_ENDPOINT,  # empty: AWS's own endpoint for AWS_REGION
        "S3_BUCKET": settings.S3_BUCKET,
        "AWS_REGION": settings.AWS_REGION,
        # From the environment, so the AWS credential chain stops here and never asks an instance
        # metadata service.
        "AWS_ACCESS_KEY_ID": settings.AWS_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": settings.AWS_SECRET_ACCESS_KEY,
        "OPENSEARCH_HOST": host,
        "OPENSEARCH_PORT": port,
        "OPENSEARCH_TLS": tls,
        "OPENSEARCH_USER": settings.OPENSEARCH_USER,
        "OPENSEARCH_PASS": settings.OPENSEARCH_PASS,
        "FLUENT_BIT_HTTP_LISTEN": settings.LAB_BIND,
        "FLUENT_BIT_HTTP_PORT": str(ctx.topology.port(NAME)),
        "FLUENT_BIT_STATE": str(state_dir(ctx)),
    }


def command(ctx: Context) -> list[str]:
    binary = find_fluent_bit(ctx.settings)
    if binary is None:  # checked before a start; a binary removed since then still fails in one line
        raise LabError(missing_reason(ctx.settings))
    return [binary, "-c", str(CONFIG)]


def healthy(ctx: Context) -> bool:
    """Its HTTP server's health: 200 `ok` until outputs keep failing (Health_Check in the config)."""
    url = f"http://{local_address(ctx.settings.LAB_BIND)}:{ctx.topology.port(NAME)}/api/v1/health"
    return requests.get(url, timeout=2).status_code == 200


FLUENT_BIT = NativeService(
    name=NAME,
    timeout_s=30,
    prepare=lambda ctx: state_dir(ctx).mkdir(parents=True, exist_ok=True),
    command=command,
    env=fluent_bit_env,
    healthy=healthy,
)

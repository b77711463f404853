"""`streamlab doctor`: what an instructor checks on each machine before class."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psutil

from ..bundle.source import offline_mode
from ..bundle.verdict import ABSENT, INCOMPLETE, STALE, bundle_verdict
from ..bundle.verdict import OK as BUNDLE_OK
from ..config import Settings, env_file_path, file_env, shares_the_lab
from ..errors import LabError
from ..spark.session import connector_jars_present, pinned_pyspark, pyspark_ready, pyspark_version
from ..topology import Topology
from .docker import engine_answers
from .fluent_bit import find_fluent_bit, missing_reason, version
from .jars import inputs_digest
from .java import find_java, java_major
from .ports import holder_of, port_open
from .process import PidFile

OK, WARN, FAIL = "ok", "warn", "FAIL"


@dataclass(frozen=True)
class Check:
    name: str
    result: str  # ok | warn | FAIL
    detail: str


MIN_PYTHON = (3, 11)  # pyproject.toml's requires-python: the pinned typer needs 3.11


def _python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    return Check("python {}.{}+".format(*MIN_PYTHON), OK if sys.version_info >= MIN_PYTHON else FAIL, version)


def _java() -> Check:
    try:
        java = find_java()
        return Check("java 17+", OK, f"{java} (Java {java_major(java)})")
    except LabError as exc:
        return Check("java 17+", WARN, f"{exc} — needed only by the native runtime")


def _maven(settings: Settings) -> Check:
    mvn = shutil.which("mvn")
    cached = any(Path(settings.LAB_JARS).glob(f".resolved-{inputs_digest()}"))
    if cached:
        return Check("maven + jars", OK, f"jars cached in {settings.LAB_JARS}")
    if not mvn:
        return Check("maven + jars", WARN, "mvn not found and no jar cache — needed only by the native runtime")
    first = subprocess.run([mvn, "-B", "-v"], capture_output=True, text=True).stdout.splitlines()[:1]
    return Check("maven + jars", WARN, f"{first[0] if first else mvn}; jars not resolved yet (the first `make up` downloads ~200 MB)")


def _docker() -> Check:
    if engine_answers():
        return Check("docker engine", OK, "answers: RUNTIME=auto will use docker")
    cli = "docker CLI present but no engine" if shutil.which("docker") else "no docker CLI"
    return Check("docker engine", WARN, f"{cli}: RUNTIME=auto will use the native runtime")


# Ports of what only some labs start (the gateway, a native fluent-bit): taken is a warning, not a failure.
OPTIONAL_PORTS = ("gateway", "fluent-bit")


def _ports(settings: Settings, topology: Topology) -> list[Check]:
    ports = {name: service.port for name, service in topology.services.items() if service.port}
    if topology.gateway.get("port"):
        ports["gateway"] = topology.gateway["port"]
    checks = []
    for name, port in ports.items():
        ours = PidFile(settings.home / "run" / f"{name}.pid").process()
        if ours:
            checks.append(Check(f"port {port}", OK, f"{name}: the lab's own (pid {ours.pid})"))
        elif port_open(port):
            checks.append(Check(f"port {port}", FAIL if name not in OPTIONAL_PORTS else WARN, f"{name}: taken by {holder_of(port)}"))
        else:
            checks.append(Check(f"port {port}", OK, f"{name}: free"))
    return checks


def _env_file(settings: Settings) -> Check:
    path = env_file_path()
    if not path.exists():
        return Check(".env", OK, "absent: defaults apply (copy .env.example to change them)")
    unknown = sorted(set(file_env()) - set(settings.as_env()) - {"OPENSEARCH_HOST"})
    detail = f"{path}: S3 at {settings.S3_ENDPOINT or 'AWS ' + settings.AWS_REGION}, key {settings.masked()['AWS_SECRET_ACCESS_KEY']}"
    return Check(".env", WARN if unknown else OK, detail + (f"; unknown keys: {', '.join(unknown)}" if unknown else ""))


def _resources(settings: Settings) -> list[Check]:
    home = settings.home if settings.home.exists() else settings.home.parent
    free_gb = shutil.disk_usage(home).free / 1e9
    mem_gb = psutil.virtual_memory().available / 1e9
    return [
        Check("disk", OK if free_gb > 3 else FAIL, f"{free_gb:.1f} GB free at {home}"),
        Check("memory", OK if mem_gb > 4 else WARN, f"{mem_gb:.1f} GB available (the full lab uses ~2.5 GB)"),
    ]


def _max_map_count() -> Check | None:
    path = Path("/proc/sys/vm/max_map_count")
    if not path.exists():
        return None
    value = int(path.read_text())
    if value >= 262144:
        return Check("vm.max_map_count", OK, str(value))
    return Check("vm.max_map_count", WARN, f"{value}: OpenSearch in Docker may need `sudo sysctl -w vm.max_map_count=262144`")


def _advertised_address(settings: Settings, topology: Topology) -> Check:
    """The address clients are sent to (Kafka's advertised listener): said always, warned when a shared
    lab would send the room to localhost or to a name this machine cannot resolve."""
    host, kafka = settings.advertised_host, topology.port("kafka")
    where = f"clients use {host}:{kafka} (Kafka advertises it)"
    if shares_the_lab(settings.LAB_BIND) and not settings.LAB_ADVERTISED_HOST:
        return Check("advertised address", WARN, f"LAB_BIND={settings.LAB_BIND or '(empty)'} shares the lab, but {where}: "
                     "another machine would reach its own localhost; set LAB_ADVERTISED_HOST in .env to this machine's "
                     "name or address in the room")
    try:
        socket.getaddrinfo(host, kafka)
    except OSError:
        return Check("advertised address", WARN, f"{where}, but {host!r} does not resolve on this machine")
    return Check("advertised address", OK, where)


def _spark(settings: Settings) -> Check:
    """pyspark at the pinned version and the Kafka connector jars: what a native Spark job needs (the
    docker runtime runs the jobs in the spark image, which has both)."""
    pinned, jars = pinned_pyspark(), Path(settings.LAB_JARS) / "spark"
    missing = []
    if not pyspark_ready():
        missing.append("pyspark is not installed (`make spark-stream` installs it)")
    elif (version := pyspark_version()) != pinned:
        missing.append(f"pyspark {version or 'of unknown version'} is not the pinned {pinned} "
                       "(`.venv/bin/pip install -e '.[spark]'` puts the pin back)")
    if not connector_jars_present(Path(settings.LAB_JARS)):
        missing.append(f"the Kafka connector jars are not in {jars} (`make up` resolves them)")
    if missing:
        return Check("spark lab", WARN, "; ".join(missing) + " — needed only to run the Spark jobs natively")
    return Check("spark lab", OK, f"pyspark {pinned} as pinned, the Kafka connector jars in {jars}")


def _fluent_bit(settings: Settings) -> Check:
    """The native runtime's EFK fan-out needs a fluent-bit binary, which no registry the lab uses has."""
    binary = find_fluent_bit(settings)
    if binary:
        return Check("fluent-bit", OK, f"{binary} ({version(binary)}): `make switch-efk` runs it natively")
    return Check("fluent-bit", WARN, f"needed only by `make switch-efk` in the native runtime: {missing_reason(settings)}")


# A bundle that is absent is fine (installs use the network) unless OFFLINE=1 needs it.
BUNDLE_RESULTS = {ABSENT: OK, INCOMPLETE: FAIL, STALE: WARN, BUNDLE_OK: OK}


def _bundle(checksums: bool) -> Check:
    verdict = bundle_verdict(checksums=checksums)
    try:
        needed = offline_mode(os.environ) is True
    except LabError as exc:
        return Check("offline bundle", FAIL, str(exc))
    result = FAIL if needed and verdict.state == ABSENT else BUNDLE_RESULTS[verdict.state]
    return Check("offline bundle", result, f"{verdict.state}: {verdict.detail}")


def run_checks(settings: Settings, topology: Topology, bundle_checksums: bool = False) -> list[Check]:
    checks = [_python(), _java(), _maven(settings), _docker(), *_ports(settings, topology), _env_file(settings),
              *_resources(settings), _bundle(bundle_checksums), _advertised_address(settings, topology),
              _fluent_bit(settings)]
    return [c for c in [*checks, _spark(settings), _max_map_count()] if c is not None]


def failed_checks(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.result == FAIL]

"""How each service of the lab runs as a native process: its one-time setup, command and health check.

The same ports as the compose file (lab.yaml), the same config files where the software allows it
(connect/worker.properties is shared; Kafka's broker gets kafka/server.properties because the
apache/kafka image is configured by environment instead).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import socket
import subprocess
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Callable

import requests

from ..clients.kafka_client import make_admin
from ..config import Settings
from ..errors import LabError
from ..topology import REPO_ROOT, Topology
from . import opensearch_launch
from .cds import sharing_classes
from .java import java_home
from .opensearch_home import as_nobody, nobody_can_enter, nobody_ids, opensearch_folder, place_opensearch
from .ports import local_address, port_open

LOG4J = REPO_ROOT / "native" / "log4j2.properties"
# A lab's JVMs start often and run light: C1 only (TieredStopAtLevel=1) compiles far less at start,
# the serial collector has no GC threads to feed, and small stacks and code cache shrink the RSS.
# Bytecode verification is off for the pinned jars (the JDK's own are never verified): class loading
# is most of a start, and four JVMs share 2 cores (bench/native_up.py: 15.2 -> 13.7 s on average).
# In production you would keep C2, G1 and verification; bench/ measures what the lab gives up.
LAB_JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote",
                 "-XX:+UseSerialGC", "-Xss512k", "-XX:ReservedCodeCacheSize=64m")


@dataclass(frozen=True)
class Context:
    settings: Settings
    topology: Topology
    java: str
    jars: Path

    @property
    def home(self) -> Path:
        return self.settings.home

    def state(self, *parts: str) -> Path:
        return self.home.joinpath(*parts)

    def java_cmd(self, heap: str, main: str, *args: str, share_classes: bool = False) -> list[str]:
        """A JVM on the Kafka classpath with the lab's log4j2 file, a small heap and LAB_JVM_FLAGS;
        a service's (`share_classes`) maps its class-data sharing archive (runtime/cds.py)."""
        jvm = [
            self.java, "-Xms64m", f"-Xmx{heap}", *LAB_JVM_FLAGS, "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={LOG4J}",
            "-cp", str(self.jars / "kafka" / "*"),
        ]
        if share_classes:
            jvm = self.sharing_classes(jvm, self.jars / "cds", main.rsplit(".", 1)[-1])
        return [*jvm, main, *args]

    def sharing_classes(self, jvm: list[str], folder: Path, name: str, *fingerprints: str) -> list[str]:
        """`jvm` mapping (or recording) its class-data archive for this Java and these jars, unless LAB_CDS=0."""
        return sharing_classes(jvm, folder, name, self.jvm_fingerprint(), *fingerprints, enabled=self.settings.LAB_CDS != "0")

    def jvm_fingerprint(self) -> str:
        """The Java and the resolved jars: what a class-data sharing archive is made for."""
        java = os.path.realpath(self.java)  # and its time: a JDK updated in place is another Java
        return "|".join([java, str(os.stat(java).st_mtime_ns), *sorted(p.name for p in self.jars.glob(".resolved-*"))])


@dataclass(frozen=True)
class NativeService:
    """One service: `prepare` runs before every start (idempotent), `healthy` is polled until true."""

    name: str  # as in lab.yaml, which gives its port
    timeout_s: float
    command: Callable[[Context], list[str]]
    healthy: Callable[[Context], bool]
    prepare: Callable[[Context], None] = lambda ctx: None
    env: Callable[[Context], dict[str, str | None]] = lambda ctx: {}  # None unsets a variable
    cwd: Callable[[Context], Path | None] = lambda ctx: None
    needs: tuple[str, ...] = ()  # services that must be healthy before this one starts


def _http_ok(url: str, **kwargs) -> bool:
    return requests.get(url, timeout=2, **kwargs).status_code < 500


# --- Kafka -------------------------------------------------------------------------------------

def _kafka_properties(ctx: Context) -> Path:
    return ctx.state("kafka", "server.properties")


def render_server_properties(settings: Settings, topology: Topology, log_dirs: Path) -> str:
    """kafka/server.properties filled in: listening on LAB_BIND, advertising the address clients use."""
    kafka = topology.services["kafka"]
    return Template((REPO_ROOT / "kafka" / "server.properties").read_text()).substitute(
        bind=settings.LAB_BIND,
        advertised_host=settings.advertised_host,
        kafka_port=kafka.port,
        controller_port=kafka.extra["controller_port"],
        log_dirs=log_dirs,
    )


def _kafka_prepare(ctx: Context) -> None:
    """Render server.properties; format KRaft storage the first time only."""
    log_dirs = ctx.state("kafka", "data")
    props = _kafka_properties(ctx)
    props.parent.mkdir(parents=True, exist_ok=True)
    props.write_text(render_server_properties(ctx.settings, ctx.topology, log_dirs))
    if not (log_dirs / "meta.properties").exists():
        format_storage(ctx, props, new_cluster_id(), "--standalone")


def new_cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (what `random-uuid` prints)."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


def format_storage(ctx: Context, props: Path, cluster_id: str, *options: str) -> None:
    """`kafka-storage format` for the log dirs of `props`; an unformatted dir will not start."""
    # `--cluster-id=ID`, not `-t ID`: one id in 64 starts with "-", which the tool would take for an option.
    cmd = ctx.java_cmd("256m", "kafka.tools.StorageTool", "format", *options, f"--cluster-id={cluster_id}", "-c", str(props))
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise LabError("Kafka storage could not be formatted", (result.stdout + result.stderr).strip().splitlines()[-1])


def _kafka_healthy(ctx: Context) -> bool:
    # The broker listens only once it serves. Until then a refused connection answers at once, where
    # an admin client would retry for its 2 s and hold up the other services' probes (and its own).
    if not port_open(ctx.topology.port("kafka"), local_address(ctx.settings.LAB_BIND), timeout_s=0.2):
        return False
    admin = make_admin(ctx.settings.KAFKA_BOOTSTRAP, wait_s=2)
    try:
        admin.list_topics()
        return True
    finally:
        admin.close()


KAFKA = NativeService(
    name="kafka",
    timeout_s=90,
    prepare=_kafka_prepare,
    command=lambda ctx: ctx.java_cmd(ctx.settings.JVM_HEAP, "kafka.Kafka", str(_kafka_properties(ctx)), share_classes=True),
    healthy=_kafka_healthy,
)


# --- S3 (s3proxy) ------------------------------------------------------------------------------

def _s3proxy_prepare(ctx: Context) -> None:
    data = Path(ctx.settings.S3_DATA_DIR)
    data.mkdir(parents=True, exist_ok=True)
    port = ctx.topology.port("s3")
    props = ctx.state("s3proxy", "s3proxy.properties")
    props.parent.mkdir(parents=True, exist_ok=True)
    props.write_text(
        "\n".join(
            [
                f"s3proxy.endpoint=http://{ctx.settings.LAB_BIND}:{port}",
                "s3proxy.authorization=aws-v2-or-v4",
                f"s3proxy.identity={ctx.settings.AWS_ACCESS_KEY_ID}",
                f"s3proxy.credential={ctx.settings.AWS_SECRET_ACCESS_KEY}",
                "jclouds.provider=filesystem",
                f"jclouds.filesystem.basedir={data}",
                "",
            ]
        )
    )
    props.chmod(0o600)  # it holds the local S3 secret


S3PROXY = NativeService(
    name="s3",
    timeout_s=60,
    prepare=_s3proxy_prepare,
    # Niced: S3 is healthy seconds before the others, and its start's CPU is better spent on theirs.
    command=lambda ctx: [
        "nice", "-n", "10",
        ctx.java, "-Xms32m", "-Xmx128m", *LAB_JVM_FLAGS, f"-Dlog4j2.configurationFile={LOG4J}",
        "-jar", str(ctx.jars / "s3proxy" / "s3proxy.jar"),
        "--properties", str(ctx.state("s3proxy", "s3proxy.properties")),
    ],
    healthy=lambda ctx: _http_ok(f"http://{local_address(ctx.settings.LAB_BIND)}:{ctx.topology.port('s3')}/"),
)


# --- Kafka Connect -----------------------------------------------------------------------------

def connect_env(ctx: Context) -> dict[str, str]:
    """The env placeholders of connect/worker.properties (shared with the docker runtime)."""
    return {
        "CONNECT_BOOTSTRAP_SERVERS": ctx.settings.KAFKA_BOOTSTRAP,
        "CONNECT_LISTENERS": f"http://{ctx.settings.LAB_BIND}:{ctx.topology.port('connect')}",
        # The REST address the worker gives the others of its group (forwarded requests): reachable as Kafka's is.
        "CONNECT_ADVERTISED_HOST": ctx.settings.advertised_host,
        "CONNECT_PLUGIN_PATH": str(ctx.jars / "plugins"),
        "CONNECT_FLUSH_INTERVAL_MS": ctx.settings.CONNECT_FLUSH_INTERVAL_MS,
    }


ENV_PLACEHOLDER = re.compile(r"\$\{env:([A-Z0-9_]+)\}")


def _connect_properties(ctx: Context) -> Path:
    return ctx.state("connect", "worker.properties")


def _connect_prepare(ctx: Context) -> None:
    """Fill connect/worker.properties' ${env:NAME} fields (the worker itself does not resolve them)."""
    values = connect_env(ctx)
    lines = [line for line in (REPO_ROOT / "connect" / "worker.properties").read_text().splitlines() if line.strip() and not line.startswith("#")]
    template = "\n".join(lines) + "\n"
    unknown = sorted(set(ENV_PLACEHOLDER.findall(template)) - set(values))
    if unknown:
        raise LabError(f"connect/worker.properties uses {', '.join(unknown)}, which the native runtime does not set")
    path = _connect_properties(ctx)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ENV_PLACEHOLDER.sub(lambda m: values[m.group(1)], template))


CONNECT = NativeService(
    name="connect",
    timeout_s=120,
    prepare=_connect_prepare,
    command=lambda ctx: ctx.java_cmd(
        ctx.settings.JVM_HEAP, "org.apache.kafka.connect.cli.ConnectDistributed", str(_connect_properties(ctx)), share_classes=True
    ),
    healthy=lambda ctx: requests.get(f"{ctx.settings.CONNECT_URL}/connectors", timeout=2).status_code == 200,
    # No `needs`: the worker waits for Kafka by itself (up to a minute), so its JVM start overlaps Kafka's.
)


# --- OpenSearch --------------------------------------------------------------------------------

def _opensearch_state(ctx: Context, sub: str) -> Path:
    """dist, data or logs in OpenSearch's folder (streamlab/runtime/opensearch_home.py says where that is)."""
    return opensearch_folder(ctx.home) / sub


def _run_as_nobody_if_root() -> list[str]:
    """OpenSearch refuses to run as root; as root (CI, containers) it runs as `nobody` instead."""
    return as_nobody() if os.geteuid() == 0 else []


def _opensearch_prepare(ctx: Context) -> None:
    """Unpack the distribution (again when the pinned zip changed); data and logs live beside it."""
    folder = place_opensearch(ctx.home)
    dist, archive_path = folder / "dist", ctx.jars / "opensearch" / "opensearch.zip"
    stamp = f"{archive_path.stat().st_size}-{archive_path.stat().st_mtime_ns}"
    if (dist / ".unpacked-from").exists() and (dist / ".unpacked-from").read_text() != stamp:
        shutil.rmtree(dist)
    if not (dist / "bin" / "opensearch").exists():
        with zipfile.ZipFile(archive_path) as archive:
            archive.extractall(folder / "unpack")
        (top,) = (folder / "unpack").iterdir()
        top.rename(dist)
        (folder / "unpack").rmdir()
        for script in (dist / "bin").iterdir():
            script.chmod(0o755)
        (dist / ".unpacked-from").write_text(stamp)
    _lab_jvm_options(dist / "config" / "jvm.options")
    for sub in ("data", "logs", "tmp", "cds"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        _hand_to_nobody(ctx, folder, dist)


def _hand_to_nobody(ctx: Context, folder: Path, dist: Path) -> None:
    """As root: OpenSearch's folder becomes nobody's, and nobody must be able to run it and its Java."""
    subprocess.run(["chown", "-R", "{}:{}".format(*nobody_ids()), str(folder)], check=True)
    for needed in (dist / "bin" / "opensearch", Path(java_home(ctx.java)) / "bin" / "java"):
        if not nobody_can_enter(needed):
            raise LabError(
                f"OpenSearch refuses to run as root, and user 'nobody' cannot reach {needed}",
                "install Java where every user may run it (e.g. /usr/lib/jvm), or run the lab as a normal user",
            )


def _lab_jvm_options(path: Path) -> None:
    """Drop the distribution's G1 lines: the lab's JVMs use the serial collector (LAB_JVM_FLAGS), and
    the JVM refuses two collectors at once."""
    lines = path.read_text().splitlines()
    kept = [line for line in lines if not re.search(r"UseG1GC|G1ReservePercent|InitiatingHeapOccupancyPercent", line)]
    if kept != lines:
        path.write_text("\n".join(kept) + "\n")


def _opensearch_command(ctx: Context) -> list[str]:
    """bin/opensearch's final exec without the helper JVMs it starts first (runtime/opensearch_launch.py)."""
    java = str(Path(java_home(ctx.java)) / "bin" / "java")
    dist = _opensearch_state(ctx, "dist")
    options = opensearch_launch.jvm_options(java, dist, _opensearch_env(ctx)["OPENSEARCH_JAVA_OPTS"],
                                            _opensearch_state(ctx, "tmp"))
    # The archive lives in OpenSearch's folder, which `nobody` may write to when the lab runs as root.
    jvm = ctx.sharing_classes(opensearch_launch.command(java, dist, options), _opensearch_state(ctx, "cds"), "opensearch",
                              (dist / ".unpacked-from").read_text())
    return [*_run_as_nobody_if_root(), *jvm, *_opensearch_settings(ctx)]


def _opensearch_settings(ctx: Context) -> list[str]:
    return [
        "-Ecluster.name=streamlab",
        "-Ediscovery.type=single-node",
        f"-Enetwork.host={ctx.settings.LAB_BIND}",
        f"-Ehttp.port={ctx.topology.port('opensearch')}",
        f"-Etransport.port={ctx.topology.services['opensearch'].extra['transport_port']}",
        f"-Epath.data={_opensearch_state(ctx, 'data')}",
        f"-Epath.logs={_opensearch_state(ctx, 'logs')}",
        # A laptop disk that is 90 % full must not turn the lab's indices read-only.
        "-Ecluster.routing.allocation.disk.threshold_enabled=false",
    ]


def _opensearch_env(ctx: Context) -> dict[str, str | None]:
    return {
        "HOSTNAME": socket.gethostname(),  # the node's name, which bin/opensearch exported for it
        "JAVA_TOOL_OPTIONS": None,  # unset, as bin/opensearch did: an IDE's agent or -Xmx is not for the node
        "OPENSEARCH_JAVA_HOME": java_home(ctx.java),
        "OPENSEARCH_JAVA_OPTS": " ".join([f"-Xms{ctx.settings.JVM_HEAP}", f"-Xmx{ctx.settings.JVM_HEAP}", *LAB_JVM_FLAGS]),
    }


def _opensearch_healthy(ctx: Context) -> bool:
    url = f"http://{local_address(ctx.settings.LAB_BIND)}:{ctx.topology.port('opensearch')}/_cluster/health"
    health = requests.get(url, timeout=2).json()
    return health.get("status") in ("green", "yellow")


OPENSEARCH = NativeService(
    name="opensearch",
    timeout_s=180,
    prepare=_opensearch_prepare,
    command=_opensearch_command,
    env=_opensearch_env,
    healthy=_opensearch_healthy,
    cwd=lambda ctx: _opensearch_state(ctx, "dist"),  # jvm.options' gc.log and heap dumps are relative to it
)

# Every service starts at once (a service may list others it `needs` healthy first). `down` stops in reverse.
ALL = [KAFKA, S3PROXY, OPENSEARCH, CONNECT]

"""The three-broker KRaft cluster of seed 003, as native processes beside the single-node lab.

Each node is a NativeService (PID file run/cluster-N.pid, log logs/cluster-N.log, data under
<LAB_HOME>/cluster/node-N/), supervised by the native runtime's own machinery; only the start
differs: a static quorum elects no leader until two voters run, so all nodes are spawned first and
then awaited, instead of one healthy before the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from string import Template

from rich.console import Console

from ..clients.kafka_client import make_admin
from ..config import Settings
from ..errors import LabError
from ..runtime.native import NativeRuntime
from ..runtime.native_services import (
    Context,
    NativeService,
    format_storage,
    new_cluster_id,
)
from ..runtime.ports import holder_of, port_open
from ..runtime.process import stop_all
from ..topology import REPO_ROOT, Topology

TEMPLATE = REPO_ROOT / "kafka" / "cluster.properties"
# One node after another, the last ones wait for a quorum that is already leaving (31 s in all);
# stopped together they shut down in seconds, and a node still up after this is killed.
STOP_GRACE_S = 15.0


@dataclass(frozen=True)
class Node:
    id: int
    port: int
    controller_port: int

    @property
    def name(self) -> str:
        return f"cluster-{self.id}"


@dataclass(frozen=True)
class ClusterSpec:
    """lab.yaml `cluster:`: the nodes, their heap and the durability settings."""

    nodes: tuple[Node, ...]
    replication: int
    min_isr: int
    heap: str

    @classmethod
    def from_topology(cls, topology: Topology) -> "ClusterSpec":
        raw = topology.cluster
        if not raw.get("nodes"):
            raise LabError("lab.yaml has no `cluster:` section with nodes")
        nodes = tuple(Node(int(n["id"]), int(n["port"]), int(n["controller_port"])) for n in raw["nodes"])
        return cls(nodes, int(raw.get("replication", 3)), int(raw.get("min_insync_replicas", 2)), str(raw.get("heap", "384m")))

    @property
    def bootstrap(self) -> str:
        return ",".join(f"localhost:{n.port}" for n in self.nodes)

    @property
    def voters(self) -> str:
        """controller.quorum.voters: every node's id and controller address."""
        return ",".join(f"{n.id}@localhost:{n.controller_port}" for n in self.nodes)

    def node(self, name: str) -> Node:
        for node in self.nodes:
            if node.name == name or str(node.id) == str(name):
                return node
        raise LabError(f"no cluster node {name!r}", f"choose from {', '.join(n.name for n in self.nodes)}", exit_code=2)


def render_properties(spec: ClusterSpec, node: Node, bind: str, log_dirs: str, advertised: str = "localhost") -> str:
    """kafka/cluster.properties filled in for one node."""
    return Template(TEMPLATE.read_text()).substitute(
        node_id=node.id, voters=spec.voters, bind=bind, advertised_host=advertised, port=node.port,
        controller_port=node.controller_port, log_dirs=log_dirs, replication=spec.replication, min_isr=spec.min_isr,
    )


# --- one node as a NativeService ------------------------------------------------------------------

def _node_dir(ctx: Context, node: Node):
    return ctx.state("cluster", f"node-{node.id}")


def _shared_cluster_id(ctx: Context) -> str:
    """One id for all nodes, written once: nodes formatted with different ids refuse each other."""
    path = ctx.state("cluster", "cluster.id")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_cluster_id())
    return path.read_text().strip()


def _prepare(spec: ClusterSpec, node: Node, ctx: Context) -> None:
    """Render the node's properties; format its storage (no --standalone: the voters are static) once."""
    home = _node_dir(ctx, node)
    props = home / "server.properties"
    props.parent.mkdir(parents=True, exist_ok=True)
    props.write_text(render_properties(spec, node, ctx.settings.LAB_BIND, str(home / "data"), ctx.settings.advertised_host))
    if not (home / "data" / "meta.properties").exists():
        format_storage(ctx, props, _shared_cluster_id(ctx))


def broker_ids(bootstrap: str, wait_s: float = 2) -> set[int]:
    """The brokers the cluster's metadata lists (registered and unfenced)."""
    admin = make_admin(bootstrap, wait_s=wait_s)
    try:
        return {b["broker_id"] for b in admin.describe_cluster()["brokers"] if not b.get("is_fenced")}
    finally:
        admin.close()


def node_service(spec: ClusterSpec, node: Node) -> NativeService:
    """Healthy = the node answers on its own port and the metadata lists it as a broker."""
    return NativeService(
        name=node.name,
        timeout_s=120,
        prepare=partial(_prepare, spec, node),
        command=lambda ctx: ctx.java_cmd(spec.heap, "kafka.Kafka", str(_node_dir(ctx, node) / "server.properties")),
        healthy=lambda ctx: node.id in broker_ids(f"localhost:{node.port}"),
    )


class ClusterRuntime(NativeRuntime):
    name = "native cluster"
    down_hint = "stop that process, or run `streamlab cluster down` if it is an earlier cluster"

    def __init__(self, settings: Settings, topology: Topology, console: Console | None = None):
        super().__init__(settings, topology, console)
        self.spec = ClusterSpec.from_topology(topology)
        self.nodes = [node_service(self.spec, n) for n in self.spec.nodes]

    def catalog(self) -> list[NativeService]:
        return self.nodes

    def services(self, only: list[str] | None = None) -> list[NativeService]:
        return [n for n in self.nodes if only is None or n.name in only]

    def port_of(self, service: str) -> int:
        return self.spec.node(service).port

    def up(self, only: list[str] | None = None) -> None:
        """Spawn every node that is not running, then wait for each (a lone voter elects no leader)."""
        chosen = self.services(only)
        self._check_ports(chosen)
        ctx = self.context()
        launched = [(node, *self._launch(ctx, node)) for node in chosen]
        for node, proc, fresh in launched:
            self._await_health(ctx, node, proc)
            self._report_started(node, proc, fresh)

    def _check_ports(self, chosen: list[NativeService]) -> None:
        """Fail before spawning anything when a client or controller port of a stopped node is taken."""
        for service in chosen:
            if self.pidfile(service.name).process():
                continue
            node = self.spec.node(service.name)
            for port in (node.port, node.controller_port):
                if port_open(port):
                    raise LabError(f"port {port} for {node.name} is already taken by {holder_of(port)}", self.down_hint)

    def running(self) -> list[Node]:
        return [n for n in self.spec.nodes if self.pidfile(n.name).process()]

    def down(self) -> None:
        """Stop every node at once (only the PIDs it started), each within STOP_GRACE_S."""
        procs = {node.name: proc for node in self.nodes if (proc := self.pidfile(node.name).process())}
        if not procs:
            self.console.print(f"nothing to stop: no {self.name} process is running")
            return
        with self.console.status(f"stopping {', '.join(procs)}"):
            stop_all(list(procs.values()), STOP_GRACE_S)
        for name, proc in procs.items():
            self.pidfile(name).path.unlink(missing_ok=True)
            self.console.print(f"{name:<11} stopped (pid {proc.pid})")

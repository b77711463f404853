"""docker-compose.yaml, proven without a Docker engine.

The file is loaded by compose-go (tools/composecheck), the loader of Docker Compose v2, so a file
these tests accept is one `docker compose up` accepts; then its content is checked against the
lab's pinned sources: lab.yaml (ports, images, buckets), native/pom.xml (Kafka and OpenSearch
versions), kafka/server.properties (the native broker) and streamlab/config.py (defaults).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

try:  # tests/ as a plain folder (pytest's default) or as a package
    from . import compose_tools as ct
except ImportError:
    import compose_tools as ct

# The services that run a JVM and so must pass JAVA_TOOL_OPTIONS through (Apple Silicon: -XX:UseSVE=0).
# OpenSearch is not among them: its launcher unsets JAVA_TOOL_OPTIONS; OPENSEARCH_JAVA_OPTS carries it.
JVM_SERVICES = {"kafka", "kafka-ui", "connect", "s3", "logstash", "spark", "kafka-1", "kafka-2", "kafka-3"}
# Built from a Dockerfile in the repo: service -> (Dockerfile, the lab.yaml service whose image is its base).
BUILT = {
    "connect": ("connect/Dockerfile", "kafka"),
    "logstash": ("logstash/Dockerfile", "logstash"),
    "fluent-bit": ("fluent-bit/Dockerfile", "fluent-bit"),
    "spark": ("spark/Dockerfile", "spark"),
}
# The only bind mounts that may be written: the S3 store and the Spark jobs' Parquet, so students
# see objects and files, and the Spark checkpoints, which must live as long as that Parquet.
SPARK_ROOT = "/opt/streamlab"  # where the spark service runs the jobs
WRITABLE_BINDS = {("data/s3", "/data"), ("data/spark", f"{SPARK_ROOT}/data/spark"), (".lab/spark", "/var/lib/streamlab/spark")}
# The three-broker cluster of seed 003: its services are lab.yaml `cluster:` nodes, not lab services.
CLUSTER_PROFILE = "cluster"


def cluster_nodes(lab: dict) -> dict[str, dict]:
    """lab.yaml `cluster:` as the compose services it must equal: kafka-N -> {port, image}."""
    return {f"kafka-{n['id']}": {"port": n["port"], "image": lab["cluster"]["image"]} for n in lab["cluster"]["nodes"]}


def lab_entry(lab: dict, name: str) -> dict:
    """What lab.yaml pins for a compose service: a lab service, or a node of the cluster."""
    return lab["services"].get(name) or cluster_nodes(lab)[name]


def in_cluster_profile(service: dict) -> bool:
    return CLUSTER_PROFILE in (service.get("profiles") or [])


@pytest.fixture(scope="session")
def composecheck(tmp_path_factory) -> Path:
    return ct.composecheck_binary(tmp_path_factory)


@pytest.fixture(scope="session")
def project(composecheck) -> dict:
    """The normalized project with no .env: the lab exactly as a fresh clone starts it."""
    return ct.load_project(composecheck)


@pytest.fixture(scope="session")
def lab() -> dict:
    return ct.lab()


# --- the loader: valid files load, broken ones fail with the loader's message ---------------------


def test_loads_without_env_file(project, lab):
    assert project["name"] == "streamlab"
    # All profiles are enabled by composecheck, so this is every service of the file.
    cluster = {name for name, service in project["services"].items() if in_cluster_profile(service)}
    assert set(project["services"]) - cluster == set(lab["services"]), "compose services must be lab.yaml's services"
    assert cluster == set(cluster_nodes(lab)), "profile cluster must hold exactly lab.yaml's cluster nodes"


AWS_ENV = """\
LAB_BIND=0.0.0.0
LAB_ADVERTISED_HOST=lab-host.example
AWS_REGION=ap-northeast-2
AWS_ACCESS_KEY_ID=AKIAEXAMPLEKEY
AWS_SECRET_ACCESS_KEY=example/secret+key
S3_BUCKET=class-bucket
S3_ENDPOINT_DOCKER=https://s3.ap-northeast-2.amazonaws.com
OPENSEARCH_URL_DOCKER=https://search-lab.ap-northeast-2.es.amazonaws.com:443
OPENSEARCH_HOST_DOCKER=search-lab.ap-northeast-2.es.amazonaws.com
OPENSEARCH_PORT_DOCKER=443
OPENSEARCH_TLS_DOCKER=On
OPENSEARCH_USER=master
OPENSEARCH_PASS=p@ss word#1
JAVA_TOOL_OPTIONS=-XX:UseSVE=0
CONNECT_FLUSH_INTERVAL_MS=5000
"""


def test_env_file_pointing_at_aws_is_interpolated(composecheck, tmp_path):
    env_file = tmp_path / "aws.env"
    env_file.write_text(AWS_ENV)
    services = ct.load_project(composecheck, env_file=env_file)["services"]

    for fan_out in ("logstash", "fluent-bit"):
        env = services[fan_out]["environment"]
        assert env["S3_ENDPOINT"] == "https://s3.ap-northeast-2.amazonaws.com"
        assert env["S3_BUCKET"] == "class-bucket"
        assert env["AWS_REGION"] == "ap-northeast-2"
        assert env["AWS_ACCESS_KEY_ID"] == "AKIAEXAMPLEKEY"
        assert env["AWS_SECRET_ACCESS_KEY"] == "example/secret+key"
        assert env["OPENSEARCH_USER"] == "master"
        assert env["OPENSEARCH_PASS"] == "p@ss word#1"
    assert services["logstash"]["environment"]["OPENSEARCH_URL"] == "https://search-lab.ap-northeast-2.es.amazonaws.com:443"
    fb = services["fluent-bit"]["environment"]
    assert (fb["OPENSEARCH_HOST"], fb["OPENSEARCH_PORT"], fb["OPENSEARCH_TLS"]) == (
        "search-lab.ap-northeast-2.es.amazonaws.com", "443", "On")

    assert services["connect"]["environment"]["CONNECT_FLUSH_INTERVAL_MS"] == "5000"
    assert "PLAINTEXT://lab-host.example:9092" in services["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    for name in JVM_SERVICES:
        assert services[name]["environment"]["JAVA_TOOL_OPTIONS"] == "-XX:UseSVE=0", name
    assert services["opensearch"]["environment"]["OPENSEARCH_JAVA_OPTS"].split()[-1] == "-XX:UseSVE=0"
    for name, service in services.items():
        for port in service.get("ports", []):
            assert port["host_ip"] == "0.0.0.0", f"{name}: LAB_BIND was not applied"


def test_process_environment_wins_over_env_file(composecheck, tmp_path):
    """As in Docker Compose: a variable exported in the shell overrides the same one in .env."""
    env_file = tmp_path / "lab.env"
    env_file.write_text("LAB_BIND=0.0.0.0\n")
    services = ct.load_project(composecheck, env_file=env_file, environ={"LAB_BIND": "192.0.2.10"})["services"]
    assert {p["host_ip"] for p in services["kafka"]["ports"]} == {"192.0.2.10"}


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = ct.COMPOSE_FILE.read_text()
    assert old in text, f"fixture text {old!r} is no longer in docker-compose.yaml"
    broken = tmp_path / "docker-compose.yaml"
    broken.write_text(text.replace(old, new, 1))
    return broken


def test_missing_required_variable_fails_with_its_message(composecheck, tmp_path):
    broken = _broken_copy(
        tmp_path,
        "CLUSTER_ID: c3RyZWFtbGFiLWthZmthMQ",
        "CLUSTER_ID: ${STREAMLAB_TEST_CLUSTER_ID:?set STREAMLAB_TEST_CLUSTER_ID in .env}",
    )
    result = ct.run_composecheck(composecheck, compose_file=broken)
    assert result.returncode != 0
    assert "set STREAMLAB_TEST_CLUSTER_ID in .env" in result.stderr


def test_yaml_syntax_error_fails(composecheck, tmp_path):
    broken = _broken_copy(tmp_path, "    mem_limit: 1g\n", "    mem_limit: [1g\n")
    result = ct.run_composecheck(composecheck, compose_file=broken)
    assert result.returncode != 0 and result.stderr.strip()


def test_unknown_service_key_fails_schema_validation(composecheck, tmp_path):
    broken = _broken_copy(tmp_path, "    mem_limit: 512m\n", "    memory_limit: 512m\n")
    result = ct.run_composecheck(composecheck, compose_file=broken)
    assert result.returncode != 0
    assert "memory_limit" in result.stderr


def test_dependency_on_unknown_service_fails(composecheck, tmp_path):
    broken = _broken_copy(tmp_path, "      opensearch:\n        condition: service_healthy\n    mem_limit: 1g",
                          "      search:\n        condition: service_healthy\n    mem_limit: 1g")
    result = ct.run_composecheck(composecheck, compose_file=broken)
    assert result.returncode != 0
    assert 'undefined service "search"' in result.stderr


# --- images: pinned, equal to lab.yaml and native/pom.xml ----------------------------------------


def test_images_are_pinned_and_equal_lab_yaml(project, lab):
    for name, service in project["services"].items():
        if name in BUILT:
            dockerfile, base_of = BUILT[name]
            froms = ct.dockerfile_froms(ct.REPO / dockerfile)
            assert froms, f"{dockerfile} has no FROM"
            for image in froms:
                if ct.is_pinned(image):
                    continue
                # A FROM may name an earlier build stage; anything else must be pinned.
                assert image in _stage_names(ct.REPO / dockerfile), f"{dockerfile}: {image} is not pinned"
            assert froms[-1] == lab["services"][base_of]["image"], f"{dockerfile}: final stage != lab.yaml"
            # The local image tag carries the base version, so a version bump rebuilds under a new tag.
            assert service["image"].startswith(f"streamlab/{name}:"), name
            assert service["image"].rsplit(":", 1)[1] == froms[-1].rsplit(":", 1)[1], name
        else:
            assert ct.is_pinned(service["image"]), f"{name}: {service['image']} is not pinned"
            assert service["image"] == lab_entry(lab, name)["image"], f"{name}: image differs from lab.yaml"
    for name, spec in lab["services"].items():
        if spec.get("image"):
            assert ct.is_pinned(spec["image"]), f"lab.yaml {name}: {spec['image']} is not pinned"


def _stage_names(dockerfile: Path) -> set[str]:
    return set(re.findall(r"^\s*FROM\s+\S+\s+AS\s+(\S+)", dockerfile.read_text(), re.IGNORECASE | re.MULTILINE))


def test_kafka_version_equals_pom(project):
    kafka_version = ct.pom_property("kafka.version")
    assert project["services"]["kafka"]["image"] == f"apache/kafka:{kafka_version}"
    assert ct.dockerfile_froms(ct.REPO / "connect/Dockerfile")[-1] == f"apache/kafka:{kafka_version}"


def test_opensearch_versions_equal_pom(project):
    version = ct.pom_property("opensearch.version")
    assert project["services"]["opensearch"]["image"] == f"opensearchproject/opensearch:{version}"
    assert project["services"]["dashboards"]["image"] == f"opensearchproject/opensearch-dashboards:{version}"


def test_s3proxy_version_equals_pom(project):
    assert project["services"]["s3"]["image"] == f"andrewgaul/s3proxy:{ct.pom_property('s3proxy.version')}"


def test_connect_image_builds_plugins_from_the_pom():
    text = (ct.REPO / "connect/Dockerfile").read_text()
    maven = ct.dockerfile_froms(ct.REPO / "connect/Dockerfile")[0]
    assert re.fullmatch(r"maven:3\.9\.\d+-eclipse-temurin-17", maven), maven
    assert re.search(r"mvn -B -f native/pom\.xml -Dlab\.jars=/jars\b.* package", text)
    assert re.search(r"COPY --from=\S+ .*/jars/plugins/? /opt/kafka/plugins/?", text)
    assert_copy_sources_reach_the_build(text)


def assert_copy_sources_reach_the_build(dockerfile_text: str) -> None:
    """The build context is the repo root, trimmed by .dockerignore to what the stages copy: every
    COPY source must exist and be let through, or the build fails on a student's machine."""
    text = dockerfile_text
    allowed = [line[1:].rstrip("/") for line in (ct.REPO / ".dockerignore").read_text().splitlines() if line.startswith("!")]
    sources = [m.group(1) for m in re.finditer(r"^COPY\s+(?!--from)(\S+)\s+\S+", text, re.MULTILINE)]
    assert sources
    for source in sources:
        assert (ct.REPO / source).exists(), source
        assert any(source.rstrip("/") == a or source.startswith(a + "/") for a in allowed), f"{source} is excluded by .dockerignore"


# --- every service: healthcheck, memory limit, ports, dependencies, mounts ------------------------


def test_every_service_has_a_healthcheck_and_a_memory_limit(project):
    for name, service in project["services"].items():
        health = service.get("healthcheck") or {}
        assert health.get("test") and not health.get("disable"), f"{name}: no healthcheck"
        limit = service.get("mem_limit") or (((service.get("deploy") or {}).get("resources") or {}).get("limits") or {}).get("memory")
        assert limit, f"{name}: no memory limit"


def _seconds(duration: str) -> float:
    """A normalized Compose duration ("5s", "1m30s") in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(h|ms|m|s)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    return sum(float(n) * units[u] for n, u in parts)


def test_healthchecks_load_on_docker_engines_older_than_25(project):
    """start_interval makes Compose refuse the file on Engine < 25; the interval alone keeps starts fast."""
    assert "start_interval" not in ct.raw_compose()["x-healthcheck"]
    for name, service in project["services"].items():
        health = service["healthcheck"]
        assert "start_interval" not in health, name
        interval = _seconds(health["interval"])
        # `up --wait` sees a service healthy at most one interval after it is ...
        assert interval <= 10, f"{name}: interval {health['interval']}"
        # ... and a service is declared unhealthy only after a minute or more of failures.
        assert interval * health["retries"] >= 60, name


def _bytes(size: str) -> int:
    """A Compose size ("640m", "1g", or the loader's plain byte count) in bytes."""
    number, unit = re.fullmatch(r"(\d+)([kmg]?)b?", str(size).lower()).groups()
    return int(number) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[unit]


def _memory_limit(service: dict) -> int:
    limit = service.get("mem_limit") or service["deploy"]["resources"]["limits"]["memory"]
    return _bytes(limit)


# Where each service's heap is set; the largest -Xmx (or Node's old space) of these variables counts.
HEAP_VARIABLES = ("KAFKA_HEAP_OPTS", "JAVA_OPTS", "S3PROXY_JAVA_OPTS", "OPENSEARCH_JAVA_OPTS", "LS_JAVA_OPTS", "NODE_OPTIONS")


def _heap(service: dict) -> int | None:
    sizes = []
    for name in HEAP_VARIABLES:
        value = (service.get("environment") or {}).get(name) or ""
        sizes += [_bytes(m) for m in re.findall(r"-Xmx(\d+[kmg])", value, re.IGNORECASE)]
        sizes += [int(m) * 2**20 for m in re.findall(r"--max-old-space-size=(\d+)", value)]
    if driver := (service.get("environment") or {}).get("SPARK_DRIVER_MEMORY"):  # Spark's own size, no -Xmx
        sizes.append(_bytes(driver))
    return max(sizes) if sizes else None


def test_default_services_fit_a_4_gb_docker_desktop(project):
    """What `make up` starts (no profile) stays within 3.5 GiB of limits: a 4 GiB Docker Desktop keeps
    the rest for its own VM. Each heap leaves room in its limit for the runtime's own memory."""
    default = {name: s for name, s in project["services"].items() if not s.get("profiles")}
    assert set(default) == {"kafka", "kafka-ui", "connect", "s3", "opensearch", "dashboards"}
    total = sum(_memory_limit(s) for s in default.values())
    assert total <= 3.5 * 2**30, f"default services' limits add up to {total / 2**30:.2f} GiB"
    for name, service in project["services"].items():
        heap, limit = _heap(service), _memory_limit(service)
        if name == "fluent-bit":  # C, no heap to set
            assert heap is None
            continue
        assert heap, f"{name}: no explicit heap"
        assert heap <= limit * 5 / 8, f"{name}: heap {heap >> 20} MB in a {limit >> 20} MB limit"
    # The Kafka healthcheck's own JVM runs inside the broker's limit: its heap is small.
    assert "KAFKA_HEAP_OPTS=-Xmx64m" in " ".join(project["services"]["kafka"]["healthcheck"]["test"])


def test_published_ports_equal_lab_yaml_and_bind_lab_bind(project, lab):
    for name, service in project["services"].items():
        expected = lab_entry(lab, name).get("port")
        published = {(int(p["published"]), p["target"]) for p in service.get("ports", [])}
        assert published == ({(expected, expected)} if expected else set()), f"{name}: ports {published}"
        for port in service.get("ports", []):
            assert port["host_ip"] == "127.0.0.1", f"{name}: must default to loopback"
    for name, service in ct.raw_compose()["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("${LAB_BIND:-127.0.0.1}:"), f"{name}: {port} does not bind through LAB_BIND"


def test_depends_on_waits_for_healthy_services(project):
    for name, service in project["services"].items():
        for dependency, spec in (service.get("depends_on") or {}).items():
            assert spec["condition"] == "service_healthy", f"{name} -> {dependency}"
            assert project["services"][dependency].get("healthcheck"), f"{dependency} has no healthcheck"


def test_mounts_are_named_volumes_or_read_only_config(project):
    declared = set(project.get("volumes") or {})
    for name, service in project["services"].items():
        for mount in service.get("volumes", []):
            if mount["type"] == "volume":
                assert mount["source"] in declared, f"{name}: volume {mount['source']} is not declared"
            elif mount["type"] == "bind":
                source = Path(mount["source"])
                assert source.is_relative_to(ct.REPO), f"{name}: bind mount outside the repo: {source}"
                relative = source.relative_to(ct.REPO).as_posix()
                if (relative, mount["target"]) in WRITABLE_BINDS:
                    continue
                assert mount.get("read_only"), f"{name}: config mount {relative} must be read-only"
                assert source.exists(), f"{name}: {relative} does not exist"
            else:
                pytest.fail(f"{name}: unexpected mount type {mount['type']}")


def test_profiles_keep_fan_outs_on_demand(project):
    from streamlab.runtime.docker import ON_DEMAND

    cluster = {name: s["profiles"] for name, s in project["services"].items() if in_cluster_profile(s)}
    assert all(profiles == [CLUSTER_PROFILE] for profiles in cluster.values()), cluster
    profiled = {name: s.get("profiles") for name, s in project["services"].items() if s.get("profiles") and name not in cluster}
    assert profiled == {"logstash": ["elk"], "fluent-bit": ["efk"], "spark": ["spark"]}
    assert set(profiled) == set(ON_DEMAND), "streamlab/runtime/docker.py ON_DEMAND must name the profiled services"


def test_jvm_services_pass_java_tool_options(project):
    for name in JVM_SERVICES:
        assert project["services"][name]["environment"].get("JAVA_TOOL_OPTIONS") == "", name


# --- Kafka: listeners for host and containers, same settings as the native broker -----------------


def test_kafka_listeners_work_from_host_and_containers(project):
    env = project["services"]["kafka"]["environment"]
    listeners = dict(item.split("://") for item in env["KAFKA_LISTENERS"].split(","))
    advertised = dict(item.split("://") for item in env["KAFKA_ADVERTISED_LISTENERS"].split(","))
    assert advertised["PLAINTEXT"] == "localhost:9092"          # host clients (published port)
    assert advertised["INTERNAL"] == "kafka:29092"              # other containers
    assert listeners["CONTROLLER"].endswith(":9093") and "CONTROLLER" not in advertised
    assert env["KAFKA_INTER_BROKER_LISTENER_NAME"] == "INTERNAL"
    protocols = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(protocols) == set(listeners)
    # Every container that talks to Kafka uses the in-network listener.
    services = project["services"]
    assert services["kafka-ui"]["environment"]["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"] == "kafka:29092"
    assert services["connect"]["environment"]["CONNECT_BOOTSTRAP_SERVERS"] == "kafka:29092"
    for fan_out in ("logstash", "fluent-bit", "spark"):
        assert services[fan_out]["environment"]["KAFKA_BOOTSTRAP"] == "kafka:29092"


def test_kafka_settings_mirror_native_server_properties(project):
    """kafka/server.properties (native) and the KAFKA_* environment (docker) configure one broker."""
    env = project["services"]["kafka"]["environment"]
    # Listener layout and storage necessarily differ between a process and a container.
    differs = {"listeners", "advertised.listeners", "listener.security.protocol.map", "inter.broker.listener.name",
               "log.dirs", "controller.quorum.bootstrap.servers"}
    compared = 0
    for line in (ct.REPO / "kafka/server.properties").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        if key in differs or "${" in value:
            continue
        env_name = "KAFKA_" + key.upper().replace(".", "_")
        assert env.get(env_name) == value, f"{key}: native {value!r}, docker {env.get(env_name)!r}"
        compared += 1
    assert compared >= 10
    assert env["KAFKA_NODE_ID"] == "1" and env["KAFKA_PROCESS_ROLES"] == "broker,controller"


def test_kafka_healthcheck_and_heap(project):
    kafka = project["services"]["kafka"]
    env = kafka["environment"]
    listeners = dict(item.split("://") for item in env["KAFKA_LISTENERS"].split(","))
    internal_port = listeners["INTERNAL"].rsplit(":", 1)[1]
    # The probe's tool reconnects to the advertised address of the listener it bootstraps from:
    # INTERNAL advertises kafka:29092 (resolvable in the container); PLAINTEXT advertises
    # LAB_ADVERTISED_HOST, which a shared lab sets to a name only the room resolves.
    test = " ".join(kafka["healthcheck"]["test"])
    assert f"kafka-broker-api-versions.sh --bootstrap-server localhost:{internal_port}" in test
    assert "localhost:9092" not in test
    assert re.search(r"-Xmx\d+m", env["KAFKA_HEAP_OPTS"])
    assert any(m["type"] == "volume" and m["target"] == env["KAFKA_LOG_DIRS"] for m in kafka["volumes"])


def test_kafka_healthcheck_passes_when_the_lab_is_shared(composecheck, tmp_path):
    """With LAB_ADVERTISED_HOST set, the probe still goes through the in-network listener."""
    env_file = tmp_path / "shared.env"
    env_file.write_text("LAB_BIND=0.0.0.0\nLAB_ADVERTISED_HOST=lab-host.example\n")
    kafka = ct.load_project(composecheck, env_file=env_file)["services"]["kafka"]
    assert "PLAINTEXT://lab-host.example:9092" in kafka["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    assert "INTERNAL://kafka:29092" in kafka["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    assert "--bootstrap-server localhost:29092" in " ".join(kafka["healthcheck"]["test"])


# --- S3 and OpenSearch -------------------------------------------------------------------------------


def test_s3_store_uses_lab_credentials_bucket_and_files(project, lab):
    s3 = project["services"]["s3"]
    env = s3["environment"]
    defaults = ct.settings_defaults()
    assert env["S3PROXY_IDENTITY"] == defaults["AWS_ACCESS_KEY_ID"]
    assert env["S3PROXY_CREDENTIAL"] == defaults["AWS_SECRET_ACCESS_KEY"]
    assert env["JCLOUDS_PROVIDER"] == "filesystem"
    assert env["S3PROXY_ENDPOINT"].endswith(f":{lab['services']['s3']['port']}")
    assert env["S3_BUCKET"] == lab["buckets"][0] == defaults["S3_BUCKET"]
    assert "s3proxy" in s3["networks"]["default"]["aliases"]
    assert any(m["type"] == "bind" and m["target"] == env["JCLOUDS_FILESYSTEM_BASEDIR"]
               and Path(m["source"]) == ct.REPO / "data" / "s3" for m in s3["volumes"])
    assert 'mkdir -p "$JCLOUDS_FILESYSTEM_BASEDIR/$S3_BUCKET"' in s3["command"][-1]


def test_s3_store_writes_its_files_as_the_host_user(project, composecheck, tmp_path):
    """Objects under ./data/s3 belong to the student (root-owned files made `make clean` fail)."""
    assert ct.raw_compose()["services"]["s3"]["user"] == "${UID:-1000}:${GID:-1000}"
    assert project["services"]["s3"]["user"] == "1000:1000"  # no UID/GID exported: the usual first user
    env_file = tmp_path / "user.env"
    env_file.write_text("")
    services = ct.load_project(composecheck, env_file=env_file, environ={"UID": "501", "GID": "20"})["services"]
    assert services["s3"]["user"] == "501:20"
    # The writable bind mounts are the host user's (s3's and spark's); no other service runs as someone else.
    assert [name for name, s in project["services"].items() if s.get("user")] == ["s3", "spark"]
    assert services["spark"]["user"] == "501:20"


def test_opensearch_settings_equal_the_native_node(project, tmp_path):
    """Every -E setting of the native node that is not a path or an address is set the same in compose
    (disk watermarks included: a 90 % full laptop disk must not make the lab's indices read-only)."""
    from streamlab.config import load_settings
    from streamlab.runtime.native_services import Context, _opensearch_settings
    from streamlab.topology import load_topology

    settings = load_settings(env_file=Path("/dev/null"), environ={"LAB_HOME": str(tmp_path)})
    ctx = Context(settings=settings, topology=load_topology(offset=0), java="java", jars=Path("/nonexistent/jars"))
    native = dict(arg[2:].split("=", 1) for arg in _opensearch_settings(ctx))
    differs = {"network.host", "http.port", "transport.port", "path.data", "path.logs"}
    compared = {key: value for key, value in native.items() if key not in differs}
    assert any(key.startswith("cluster.routing.allocation.disk.") for key in compared)
    env = project["services"]["opensearch"]["environment"]
    assert {key: env.get(key) for key in compared} == compared
    # And nothing about disks that the native node does not set.
    assert {k for k in env if k.startswith("cluster.routing.allocation.disk.")} <= set(compared)


def test_opensearch_runs_without_security_on_one_node(project):
    os_env = project["services"]["opensearch"]["environment"]
    assert os_env["discovery.type"] == "single-node"
    assert os_env["DISABLE_SECURITY_PLUGIN"] == "true" and os_env["DISABLE_INSTALL_DEMO_CONFIG"] == "true"
    assert "-Xmx512m" in os_env["OPENSEARCH_JAVA_OPTS"]
    assert "_cluster/health" in " ".join(project["services"]["opensearch"]["healthcheck"]["test"])
    dashboards = project["services"]["dashboards"]["environment"]
    assert dashboards["DISABLE_SECURITY_DASHBOARDS_PLUGIN"] == "true"
    assert "http://opensearch:9200" in dashboards["OPENSEARCH_HOSTS"]


def test_container_defaults_match_config_py(project):
    """Without a .env the containers use config.py's defaults (as the native runtime does)."""
    defaults = ct.settings_defaults()
    for fan_out in ("logstash", "fluent-bit"):
        env = project["services"][fan_out]["environment"]
        for name in ("WEB_LOGS_TOPIC", "S3_BUCKET", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                     "OPENSEARCH_USER", "OPENSEARCH_PASS"):
            assert env[name] == defaults[name], f"{fan_out}: {name}"
    connect = project["services"]["connect"]["environment"]
    assert connect["CONNECT_FLUSH_INTERVAL_MS"] == defaults["CONNECT_FLUSH_INTERVAL_MS"]


# --- the Spark jobs' runner (profile "spark"): the official image, the pom's jars, the host's folders -


def test_spark_runs_only_on_demand_within_a_memory_limit(project):
    spark = project["services"]["spark"]
    assert spark["profiles"] == ["spark"]  # `make up` never starts it; `make spark-*` runs one job in it
    assert spark["depends_on"]["kafka"]["condition"] == "service_healthy"
    heap, limit = _heap(spark), _memory_limit(spark)
    assert heap and limit and heap <= limit * 5 / 8, "the driver's heap leaves Spark's off-heap memory and Python room"


def test_spark_mounts_the_jobs_read_only_and_writes_only_its_two_folders(project):
    spark = project["services"]["spark"]
    mounts = {Path(m["source"]).relative_to(ct.REPO).as_posix(): m for m in spark["volumes"]}
    for code in ("processors", "streamlab", "lab.yaml", "spark/log4j2.properties"):
        assert mounts[code].get("read_only") and mounts[code]["target"] == f"{SPARK_ROOT}/{code}", code
    writable = {(source, m["target"]) for source, m in mounts.items() if not m.get("read_only")}
    assert writable == {("data/spark", f"{SPARK_ROOT}/data/spark"), (".lab/spark", "/var/lib/streamlab/spark")}
    # The jobs find their folders where the mounts put them: Parquet in SPARK_DATA_DIR, checkpoints
    # under <LAB_HOME>/spark/checkpoints/.
    env = spark["environment"]
    assert env["SPARK_DATA_DIR"] == mounts["data/spark"]["target"]
    assert f"{env['LAB_HOME']}/spark" == mounts[".lab/spark"]["target"]
    assert spark["working_dir"] == SPARK_ROOT


def test_a_launched_spark_job_writes_the_hosts_own_paths(composecheck):
    """launch.py passes the host's folders: Parquet lands at the same absolute path inside as outside,
    so the paths the file sink logs in _spark_metadata hold on the host too."""
    from streamlab.config import load_settings
    from streamlab.spark.launch import host_paths

    settings = load_settings(env_file=Path(os.devnull), environ={
        "SPARK_DATA_DIR": "/home/student/lab/data/spark", "LAB_HOME": "/home/student/lab/.lab"})
    spark = ct.load_project(composecheck, environ=host_paths(settings))["services"]["spark"]
    writable = {m["source"]: m["target"] for m in spark["volumes"] if not m.get("read_only")}
    assert writable == {"/home/student/lab/data/spark": "/home/student/lab/data/spark",
                        "/home/student/lab/.lab/spark": "/var/lib/streamlab/spark"}
    assert spark["environment"]["SPARK_DATA_DIR"] == "/home/student/lab/data/spark"


SPARK_DOCKERFILE = ct.REPO / "spark/Dockerfile"


def test_spark_image_is_the_official_one_at_the_connectors_version(lab):
    from streamlab.spark.session import pinned_pyspark

    version = ct.pom_property("spark.version")
    # Scala 2.13 (the connector's _2.13), Java 17 (as the lab), Python 3: the image's Spark runs the jobs.
    assert lab["services"]["spark"]["image"] == f"spark:{version}-scala2.13-java17-python3-ubuntu"
    assert pinned_pyspark() == version, "pyspark (native jobs) and the image (docker jobs) must be one Spark"
    froms = ct.dockerfile_froms(SPARK_DOCKERFILE)
    assert froms[-1] == lab["services"]["spark"]["image"]
    assert froms[0] == ct.dockerfile_froms(ct.REPO / "connect/Dockerfile")[0], "one Maven image: one ~/.m2 cache"


def test_spark_image_takes_its_jars_from_the_pom():
    text = SPARK_DOCKERFILE.read_text()
    assert re.search(r"mvn -B -N -f native/pom\.xml -Dlab\.jars=/jars dependency:copy@spark", text)
    assert "<id>spark</id>" in ct.POM.read_text()
    jars = re.search(r"LAB_JARS=(\S+)", text).group(1)
    assert re.search(rf"COPY --from=\S+ /jars/spark/ {re.escape(jars)}/spark/", text), "<LAB_JARS>/spark/ as native"
    assert_copy_sources_reach_the_build(text)


# Imports the two jobs as `python processors/<job>.py` does, and prints the top-level modules that came in.
JOB_IMPORTS = """
import importlib.util, json, sys
before = set(sys.modules)
for script in ("processors/spark_streaming.py", "processors/spark_aggregate.py"):
    spec = importlib.util.spec_from_file_location(script.split("/")[1][:-3], script)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
from streamlab.scripting.bootstrap import NEEDED
print(json.dumps(sorted({name.split(".")[0] for name in set(sys.modules) - before} | set(NEEDED))))
"""


def test_spark_image_installs_every_package_the_jobs_import():
    """The image installs some of pyproject's pins (its Python is 3.10): all the jobs import."""
    from importlib.metadata import packages_distributions

    from streamlab.bundle.wheels import read_pyproject

    def name(requirement: str) -> str:
        return re.split(r"[=<>!~\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")

    installed = {name(p) for p in re.search(r'ARG JOB_PACKAGES="([^"]+)"', SPARK_DOCKERFILE.read_text()).group(1).split()}
    project = read_pyproject()["project"]
    lab_pins = {name(p) for p in project["dependencies"]}
    assert installed <= lab_pins | {name(p) for p in project["optional-dependencies"]["spark"]}, "each one is a pin"
    result = subprocess.run([sys.executable, "-c", JOB_IMPORTS], cwd=ct.REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    distributions = packages_distributions()
    imported = {name(d) for module in json.loads(result.stdout) for d in distributions.get(module, [])}
    assert imported & lab_pins <= installed, f"add to JOB_PACKAGES: {sorted(imported & lab_pins - installed)}"


# --- the three-broker cluster (profile "cluster"): same settings as the native cluster ------------


def test_cluster_nodes_mirror_native_cluster_properties(project, lab):
    """kafka-1..3 and kafka/cluster.properties (rendered per node) configure the same cluster."""
    from streamlab.cluster.runtime import ClusterSpec, render_properties
    from streamlab.topology import load_topology

    spec = ClusterSpec.from_topology(load_topology(offset=0))  # the compose file holds lab.yaml's own ports
    # Listener layout, storage and voter addresses necessarily differ between processes and containers.
    differs = {"listeners", "advertised.listeners", "listener.security.protocol.map", "inter.broker.listener.name",
               "log.dirs", "controller.quorum.voters"}
    for node in spec.nodes:
        env = project["services"][node.name.replace("cluster", "kafka")]["environment"]
        props = render_properties(spec, node, "127.0.0.1", "/data")
        compared = 0
        for line in props.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            key, _, value = line.partition("=")
            if key in differs:
                continue
            env_name = "KAFKA_" + key.upper().replace(".", "_")
            assert env.get(env_name) == value, f"kafka-{node.id} {key}: native {value!r}, docker {env.get(env_name)!r}"
            compared += 1
        assert compared >= 15
        voters = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")
        assert [v.split("@")[0] for v in voters] == [str(n.id) for n in spec.nodes]
        assert f"PLAINTEXT://localhost:{node.port}" in env["KAFKA_ADVERTISED_LISTENERS"]
        assert f"-Xmx{spec.heap}" in env["KAFKA_HEAP_OPTS"]
    ids = {project["services"][name]["environment"]["CLUSTER_ID"] for name in cluster_nodes(lab)}
    assert len(ids) == 1, "all nodes must share one cluster id"

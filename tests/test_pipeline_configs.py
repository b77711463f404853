"""The service config files agree with the lab: topics, bucket, index names, env variable names.

connect/worker.properties, logstash/ and fluent-bit/ are read as text and every ${...} reference is
resolved with the environment docker-compose.yaml gives that container (loaded by compose-go), so
these tests see the values the services will see. No engine, no JVM.
"""

from __future__ import annotations

import fnmatch
import json
import re
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

import pytest

try:  # tests/ as a plain folder (pytest's default) or as a package
    from . import compose_tools as ct
except ImportError:
    import compose_tools as ct

# Every ${env:NAME} placeholder of connect/worker.properties. Both runtimes must set each one:
# docker-compose.yaml (service connect) and the native runtime (native_services.connect_env).
WORKER_ENV_PLACEHOLDERS = (
    "CONNECT_BOOTSTRAP_SERVERS",
    "CONNECT_LISTENERS",
    "CONNECT_ADVERTISED_HOST",
    "CONNECT_PLUGIN_PATH",
    "CONNECT_FLUSH_INTERVAL_MS",
)
# Fluent Bit's OpenSearch output wants host, port and TLS apart; config.py has only OPENSEARCH_URL.
# Fluent Bit's own names: the OpenSearch output's parts, and where its HTTP server and buffers are.
FLUENT_BIT_EXTRA_ENV = {"OPENSEARCH_HOST", "OPENSEARCH_PORT", "OPENSEARCH_TLS", "FLUENT_BIT_HTTP_LISTEN",
                        "FLUENT_BIT_HTTP_PORT", "FLUENT_BIT_STATE"}
TEMPLATE = ct.REPO / "opensearch" / "web-logs-template.json"
SAMPLE_DAY = {"%{+YYYY.MM.dd}": "2026.01.21", "%{+YYYY}": "2026", "%{+MM}": "01", "%{+dd}": "21", "%{+HH}": "10",
              "%Y": "2026", "%m": "01", "%d": "21", "%H": "10", "%M": "06", "%S": "00"}


@pytest.fixture(scope="session")
def services(tmp_path_factory) -> dict:
    return ct.load_project(ct.composecheck_binary(tmp_path_factory))["services"]


@pytest.fixture(scope="session")
def lab() -> dict:
    return ct.lab()


@pytest.fixture(scope="session")
def template_patterns() -> list[str]:
    return json.loads(TEMPLATE.read_text())["index_patterns"]


def _sample_dates(text: str) -> str:
    for placeholder, value in SAMPLE_DAY.items():
        text = text.replace(placeholder, value)
    return text


def _mount_source(service: dict, target: str) -> Path:
    for mount in service.get("volumes", []):
        if mount["target"] == target:
            return Path(mount["source"])
    raise AssertionError(f"nothing is mounted at {target}")


# --- connect/worker.properties ---------------------------------------------------------------------


def _properties(path: Path) -> dict[str, str]:
    props = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "!")):
            key, _, value = line.partition("=")
            props[key.strip()] = value.strip()
    return props


WORKER = _properties(ct.REPO / "connect" / "worker.properties")


def test_worker_reads_hosts_and_paths_only_from_known_env_placeholders():
    refs = [(m.group(1), m.group(2)) for v in WORKER.values() for m in re.finditer(r"\$\{([^}:]+):([^}]*)\}", v)]
    assert {provider for provider, _ in refs} == {"env"}
    assert sorted({name for _, name in refs}) == sorted(WORKER_ENV_PLACEHOLDERS)
    for key in ("bootstrap.servers", "listeners", "plugin.path", "offset.flush.interval.ms", "rest.advertised.host.name"):
        assert WORKER[key].startswith("${env:"), f"{key} must come from the environment"
    for key, value in WORKER.items():
        assert not re.search(r"localhost|127\.0\.0\.1|kafka:|/opt/|/work/|\.lab", value), f"{key}={value} is runtime-specific"


def test_both_runtimes_render_the_worker_file_identically(services, tmp_path):
    """docker (connect/start-worker.sh, bash) and native (Python) fill ${env:...} the same way."""
    import subprocess

    from streamlab.config import load_settings
    from streamlab.runtime.native_services import Context, _connect_prepare, connect_env
    from streamlab.topology import load_topology

    settings = load_settings(env_file=Path("/dev/null"), environ={"LAB_HOME": str(tmp_path)})
    ctx = Context(settings=settings, topology=load_topology(), java="java", jars=Path("/nonexistent/jars"))
    _connect_prepare(ctx)
    native = (tmp_path / "connect" / "worker.properties").read_text()
    script = ["bash", str(ct.REPO / "connect" / "start-worker.sh"), "--render-only", str(ct.REPO / "connect" / "worker.properties")]
    docker = subprocess.run(script, env=connect_env(ctx), capture_output=True, text=True, check=True).stdout
    assert docker == native and "${env:" not in native
    assert f"bootstrap.servers={settings.KAFKA_BOOTSTRAP}" in native.splitlines()
    unset = subprocess.run(script, env={}, capture_output=True, text=True)
    assert unset.returncode == 1 and "needs $CONNECT_BOOTSTRAP_SERVERS, which is not set" in unset.stderr
    assert "start-worker.sh" in (ct.REPO / "connect" / "Dockerfile").read_text()


def test_worker_distributed_settings_for_one_broker():
    assert WORKER["group.id"]
    for kind in ("config", "offset", "status"):
        assert WORKER[f"{kind}.storage.topic"], kind
        assert WORKER[f"{kind}.storage.replication.factor"] == "1", kind
    assert len({WORKER[f"{k}.storage.topic"] for k in ("config", "offset", "status")}) == 3
    assert WORKER["key.converter"] == "org.apache.kafka.connect.storage.StringConverter"
    assert WORKER["value.converter"] == "org.apache.kafka.connect.json.JsonConverter"
    assert WORKER["value.converter.schemas.enable"] == "false"
    assert WORKER["connector.client.config.override.policy"] == "All"


def test_compose_sets_every_worker_placeholder(services):
    connect = services["connect"]
    env = connect["environment"]
    assert set(WORKER_ENV_PLACEHOLDERS) <= set(env)
    assert env["CONNECT_LISTENERS"] == "http://0.0.0.0:8083"
    assert env["CONNECT_PLUGIN_PATH"] == "/opt/kafka/plugins"
    assert "/opt/kafka/plugins" in (ct.REPO / "connect" / "Dockerfile").read_text()
    worker_target = "/etc/streamlab/connect/worker.properties"
    assert _mount_source(connect, worker_target) == ct.REPO / "connect" / "worker.properties"
    assert worker_target in (ct.REPO / "connect" / "Dockerfile").read_text()


def test_native_runtime_sets_every_worker_placeholder():
    from streamlab.config import load_settings
    from streamlab.runtime.native_services import Context, connect_env
    from streamlab.topology import load_topology

    ctx = Context(settings=load_settings(env_file=Path("/dev/null"), environ={}), topology=load_topology(),
                  java="java", jars=Path("/nonexistent/jars"))
    assert set(connect_env(ctx)) == set(WORKER_ENV_PLACEHOLDERS)


# --- Logstash ----------------------------------------------------------------------------------------

LOGSTASH_CONF = (ct.REPO / "logstash" / "pipeline" / "logstash.conf").read_text()


def _logstash_block(plugin: str) -> str:
    """The text of the first `plugin { ... }` block (braces balanced; the conf has no braces in strings)."""
    start = re.search(rf"^\s*{plugin}\s*\{{", LOGSTASH_CONF, re.MULTILINE)
    assert start, f"no {plugin} block"
    depth, i = 0, start.end() - 1
    for j in range(i, len(LOGSTASH_CONF)):
        depth += {"{": 1, "}": -1}.get(LOGSTASH_CONF[j], 0)
        if depth == 0:
            return LOGSTASH_CONF[i + 1:j]
    raise AssertionError(f"unbalanced {plugin} block")


def _logstash_option(block: str, option: str) -> str:
    match = re.search(rf"^\s*{option}\s*=>\s*(\[[^\]]*\]|\"[^\"]*\"|\S+)", block, re.MULTILINE)
    assert match, f"option {option} missing"
    return match.group(1)


def _code(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def test_logstash_env_names_are_lab_settings_set_by_compose(services):
    env = services["logstash"]["environment"]
    names = {name for name, _ in ct.env_refs(_code(LOGSTASH_CONF))}
    assert names <= ct.settings_names(), f"not in streamlab/config.py: {names - ct.settings_names()}"
    assert names <= set(env), f"not set by docker-compose.yaml: {names - set(env)}"
    # A default written in the conf is the value compose gives without a .env: one truth.
    for name, default in ct.env_refs(_code(LOGSTASH_CONF)):
        if default is not None:
            assert default == env[name], f"${{{name}:{default}}} vs compose {env[name]!r}"


def test_logstash_reads_the_lab_topic(services, lab):
    env = services["logstash"]["environment"]
    kafka = _logstash_block("kafka")
    assert ct.resolve(_logstash_option(kafka, "bootstrap_servers"), env).strip('"') == "kafka:29092"
    topics = json.loads(ct.resolve(_logstash_option(kafka, "topics"), env))
    assert topics == ["web_logs"] and set(topics) <= {t["name"] for t in lab["topics"]}
    assert _logstash_option(kafka, "group_id").strip('"')


def test_logstash_raw_copy_to_the_lab_bucket(services, lab):
    env = services["logstash"]["environment"]
    s3 = _logstash_block("s3")
    assert ct.resolve(_logstash_option(s3, "bucket"), env).strip('"') == lab["buckets"][0]
    assert ct.resolve(_logstash_option(s3, "endpoint"), env).strip('"') == f"http://s3proxy:{lab['services']['s3']['port']}"
    assert re.search(r'"force_path_style"\s*=>\s*true', s3)
    prefix = _sample_dates(ct.resolve(_logstash_option(s3, "prefix"), env).strip('"'))
    assert prefix == "raw/web_logs/2026/01/21/10/"
    assert int(_logstash_option(s3, "size_file")) <= 64 * 1024 and int(_logstash_option(s3, "time_file")) <= 5
    # Raw means raw: the Kafka record is copied aside before any filter and written back verbatim.
    assert _logstash_option(_logstash_block("kafka"), "codec").startswith("plain")
    assert '"message" => "[@metadata][raw]"' in LOGSTASH_CONF
    assert re.search(r'codec\s*=>\s*line\s*\{\s*format\s*=>\s*"%\{\[@metadata\]\[raw\]\}"', s3)


def test_logstash_parsed_copy_to_a_web_logs_index(services, template_patterns):
    env = services["logstash"]["environment"]
    out = _logstash_block("opensearch")
    assert json.loads(ct.resolve(_logstash_option(out, "hosts"), env)) == ["http://opensearch:9200"]
    index = _sample_dates(_logstash_option(out, "index").strip('"'))
    assert index == "web_logs-elk-2026.01.21"
    assert any(fnmatch.fnmatch(index, p) for p in template_patterns)
    assert _logstash_option(out, "manage_template") == "false"
    assert _logstash_option(out, "user").strip('"') == "${OPENSEARCH_USER:}"
    date = _logstash_block("date")
    assert '"timestamp"' in date and '"@timestamp"' in date
    assert re.search(r'convert\s*=>\s*\{\s*"status_code"\s*=>\s*"integer"', LOGSTASH_CONF)


def test_logstash_settings_and_image(services):
    import yaml

    logstash = services["logstash"]
    settings = yaml.safe_load((ct.REPO / "logstash" / "config" / "logstash.yml").read_text())
    assert settings["api.http.host"] == "0.0.0.0"
    assert f":{settings['api.http.port']}/" in " ".join(logstash["healthcheck"]["test"])
    assert not any(key.startswith("xpack") for key in settings)
    assert settings["pipeline.ecs_compatibility"] == "disabled"
    assert _mount_source(logstash, settings["path.config"]) == ct.REPO / "logstash" / "pipeline"
    assert _mount_source(logstash, "/usr/share/logstash/config/logstash.yml") == ct.REPO / "logstash/config/logstash.yml"
    dockerfile = (ct.REPO / "logstash" / "Dockerfile").read_text()
    assert re.search(r"logstash-plugin install --version \S+ logstash-output-opensearch", dockerfile)
    assert re.search(r"ARG OPENSEARCH_OUTPUT_VERSION=\d+\.\d+\.\d+", dockerfile)


def test_logstash_queue_is_persisted_on_its_volume(services):
    """In-flight events survive a crash or restart: the Kafka input commits offsets regardless of them."""
    import yaml

    text = (ct.REPO / "logstash" / "config" / "logstash.yml").read_text()
    settings = yaml.safe_load(text)
    assert settings["queue.type"] == "persisted"
    queue = settings.get("path.queue") or "/usr/share/logstash/data/queue"
    volumes = [m for m in services["logstash"]["volumes"] if m["type"] == "volume"]
    assert any(queue.startswith(m["target"] + "/") for m in volumes), f"{queue} is not on a named volume"
    # A checkpoint per event: nothing queued is lost between checkpoints.
    assert int(settings["queue.checkpoint.writes"]) == 1
    assert re.fullmatch(r"\d+(mb|gb)", settings["queue.max_bytes"])
    # The reason stands beside the setting.
    before = text[: text.index("queue.type:")].rsplit("\n\n", 1)[-1]
    assert "committed" in before and "Kafka" in before


def test_logstash_env_does_not_rewrite_its_read_only_settings(services):
    """The image rewrites logstash.yml (mounted read-only) if an env var names a Logstash setting."""
    setting_prefixes = ("NODE_", "PATH_", "PIPELINE_", "CONFIG_", "QUEUE_", "DEAD_LETTER_QUEUE_", "LOG_", "HTTP_",
                        "API_", "XPACK_", "MONITORING_", "MODULES", "CLOUD_", "ALLOW_", "DLQ_")
    for name in services["logstash"]["environment"]:
        assert not name.startswith(setting_prefixes), f"{name} would make the image rewrite logstash.yml"


# --- Fluent Bit ----------------------------------------------------------------------------------------

FLUENT_BIT_CONF = (ct.REPO / "fluent-bit" / "fluent-bit.conf").read_text()


def _classic_sections(text: str) -> list[tuple[str, dict[str, list[str]]]]:
    """Fluent Bit's classic format: [SECTION] then `key value` lines (keys case-insensitive, may repeat)."""
    sections: list[tuple[str, dict[str, list[str]]]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[([A-Z]+)\]", line)
        if header:
            sections.append((header.group(1), {}))
            continue
        key, _, value = line.partition(" ")
        assert sections and value.strip(), f"bad line: {raw!r}"
        sections[-1][1].setdefault(key.lower(), []).append(value.strip())
    return sections


FB = _classic_sections(FLUENT_BIT_CONF)


def _fb(kind: str, name: str) -> list[dict[str, list[str]]]:
    return [props for section, props in FB if section == kind and props["name"] == [name]]


def _one(props: dict[str, list[str]], key: str) -> str:
    assert len(props.get(key, [])) == 1, f"{key}: {props.get(key)}"
    return props[key][0]


def test_fluent_bit_env_names_are_lab_settings_set_by_compose(services):
    env = services["fluent-bit"]["environment"]
    names = {name for name, _ in ct.env_refs(_code(FLUENT_BIT_CONF))}
    assert names <= ct.settings_names() | FLUENT_BIT_EXTRA_ENV, f"unknown: {names - ct.settings_names() - FLUENT_BIT_EXTRA_ENV}"
    assert names <= set(env), f"not set by docker-compose.yaml: {names - set(env)}"
    assert all(default is None for _, default in ct.env_refs(_code(FLUENT_BIT_CONF))), "Fluent Bit has no ${VAR:default}"


def test_fluent_bit_reads_the_lab_topic_as_json(services, lab):
    env = services["fluent-bit"]["environment"]
    (kafka,) = _fb("INPUT", "kafka")
    assert ct.resolve(_one(kafka, "brokers"), env) == "kafka:29092"
    topic = ct.resolve(_one(kafka, "topics"), env)
    assert topic == "web_logs" and topic in {t["name"] for t in lab["topics"]}
    assert _one(kafka, "format") == "json"
    assert _one(kafka, "group_id")


def test_fluent_bit_lifts_payload_then_copies_raw_and_processed():
    order = [(props["name"][0], props) for section, props in FB if section == "FILTER"]
    names = [name for name, _ in order]
    nest = next(props for name, props in order if name == "nest")
    assert (_one(nest, "operation"), _one(nest, "nested_under"), _one(nest, "match")) == ("lift", "payload", "kafka.*")
    rewrites = [props for name, props in order if name == "rewrite_tag"]
    rules = [_one(r, "rule").split() for r in rewrites]
    # The keep=true copy must come first: the keep=false rule drops the original it copies from.
    assert [(r[2], r[3]) for r in rules] == [("raw.logs", "true"), ("processed.logs", "false")]
    assert all(_one(r, "match") == "kafka.*" for r in rewrites)
    assert names.index("nest") < names.index("rewrite_tag"), "lift before copying, as in the course notes"


FB_PARSERS = {_one(props, "name"): props for section, props in _classic_sections(
    (ct.REPO / "fluent-bit" / "parsers.conf").read_text()) if section == "PARSER"}


def test_fluent_bit_event_time_parser_exists():
    (service,) = [props for section, props in FB if section == "SERVICE"]
    parsers_file = _one(service, "parsers_file")
    assert parsers_file == "parsers.conf"  # beside fluent-bit.conf, in the container and natively
    for props in _fb("FILTER", "parser"):
        assert props["parser"] and set(props["parser"]) <= set(FB_PARSERS)
        assert _one(props, "reserve_data") == "On"


def _first_parser_that_matches(value: str) -> tuple[str, re.Match] | None:
    """What Fluent Bit's parser filter does with `timestamp`: its Parser lines in order, the first that matches."""
    (event_time,) = _fb("FILTER", "parser")
    assert _one(event_time, "key_name") == "timestamp"
    for name in event_time["parser"]:
        props = FB_PARSERS[name]
        assert _one(props, "format") == "regex"
        # Fluent Bit's regexes are Ruby's (Onigmo): (?<name>...) is Python's (?P<name>...).
        match = re.fullmatch(_one(props, "regex").replace("(?<", "(?P<"), value)
        if match:
            return name, match
    return None


def _fluent_bit_time(props: dict[str, list[str]], text: str) -> datetime:
    """Time_Format applied as Fluent Bit does: %L is the fraction after %S.; no zone in it means UTC."""
    # A parser without %z would take Time_Offset / Time_System_Timezone instead of UTC: it has neither.
    assert not {"time_offset", "time_system_timezone", "time_zone"} & set(props)
    fmt = _one(props, "time_format").replace("%L", "%f")
    parsed = datetime.strptime(text, fmt)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def test_fluent_bit_event_time_matches_the_producer_and_the_seed():
    """@timestamp and the S3 hour folders follow event time for both timestamp shapes of the lab."""
    from streamlab.labs.weblogs import WebLogFactory

    factory = WebLogFactory(seed=1)
    produced = [factory.event()["timestamp"], json.loads(factory.encoded()[1])["timestamp"]]
    cases = {
        "2026-12-01T15:52:51.526Z": datetime(2026, 12, 1, 15, 52, 51, 526000, tzinfo=timezone.utc),  # producer
        "2026-01-21T10:06:00": datetime(2026, 1, 21, 10, 6, 0, tzinfo=timezone.utc),  # seed
        "2026-12-02T00:52:51.526+09:00": datetime(2026, 12, 1, 15, 52, 51, 526000, tzinfo=timezone.utc),
        **{text: datetime.fromisoformat(text.replace("Z", "+00:00")) for text in produced},
    }
    (s3,) = _fb("OUTPUT", "s3")
    for text, expected in cases.items():
        found = _first_parser_that_matches(text)
        assert found, f"no parser matches {text!r}: the record would keep its arrival time"
        name, match = found
        props = FB_PARSERS[name]
        assert _one(props, "time_key") == "timestamp" and match.group("timestamp") == text
        assert _one(props, "time_keep") == "On"  # "timestamp" stays in the record (the course's schema)
        assert _fluent_bit_time(props, match.group("timestamp")) == expected, (text, name)
    # The S3 key's %Y/%m/%d/%H come from that time: the producer's event lands in its own hour.
    key_folders = re.search(r"(%Y/%m/%d/%H)/", _one(s3, "s3_key_format")).group(1)
    assert cases["2026-12-01T15:52:51.526Z"].strftime(key_folders) == "2026/12/01/15"
    # Anything else keeps the arrival time rather than a wrong one.
    for other in ("2026-01-21 10:06:00", "21/Jan/2026:10:06:00 +0000", "", "2026-01-21T10:06:00.Z"):
        assert _first_parser_that_matches(other) is None, other


def _named_volume_targets(service: dict) -> list[str]:
    return [m["target"] for m in service["volumes"] if m["type"] == "volume"]


def test_fluent_bit_buffers_on_the_filesystem(services):
    """A restart, or a sink down longer than the retries, loses nothing whose Kafka offset was committed."""
    (service,) = [props for section, props in FB if section == "SERVICE"]
    env = services["fluent-bit"]["environment"]
    storage = ct.resolve(_one(service, "storage.path"), env)
    assert any(storage.startswith(target + "/") for target in _named_volume_targets(services["fluent-bit"])), storage
    assert _one(service, "storage.keep.rejected") == "On"
    # The input commits offsets as soon as a record is in a chunk: that chunk must be a file ...
    (kafka,) = _fb("INPUT", "kafka")
    assert _one(kafka, "storage.type") == "filesystem"
    assert _one(kafka, "storage.pause_on_chunks_overlimit") == "On"  # backpressure stays in Kafka
    assert "mem_buf_limit" not in kafka  # no effect on a filesystem input: it would only mislead
    # ... and so must the copies rewrite_tag emits, since the original record is dropped.
    rewrites = _fb("FILTER", "rewrite_tag")
    assert rewrites and all(_one(r, "emitter_storage.type") == "filesystem" for r in rewrites)
    # OpenSearch: chunks wait on disk until it is back; retried chunks never double documents.
    (opensearch,) = _fb("OUTPUT", "opensearch")
    assert _one(opensearch, "retry_limit").lower() in ("no_limits", "false")
    assert _one(opensearch, "generate_id") == "On"
    # S3: its own buffer sits on the volume too (a failing file stays there for the next start).
    (s3,) = _fb("OUTPUT", "s3")
    assert any(ct.resolve(_one(s3, "store_dir"), env).startswith(t + "/") for t in _named_volume_targets(services["fluent-bit"]))
    assert int(_one(s3, "retry_limit")) >= 10


def test_fluent_bit_raw_copy_to_the_lab_bucket(services, lab):
    env = services["fluent-bit"]["environment"]
    (s3,) = _fb("OUTPUT", "s3")
    assert _one(s3, "match") == "raw.logs"
    assert ct.resolve(_one(s3, "bucket"), env) == lab["buckets"][0]
    assert ct.resolve(_one(s3, "endpoint"), env) == f"http://s3proxy:{lab['services']['s3']['port']}"
    key = _sample_dates(ct.resolve(_one(s3, "s3_key_format"), env))
    assert key.startswith("/raw-efk/web_logs/2026/01/21/10/")
    # PutObject mode needs $UUID in the key for the suffix to be honoured.
    assert _one(s3, "use_put_object") == "On" and "$UUID" in key and key.endswith(".jsonl")


def test_fluent_bit_processed_copy_to_a_web_logs_index(services, lab, template_patterns):
    env = services["fluent-bit"]["environment"]
    (out,) = _fb("OUTPUT", "opensearch")
    assert _one(out, "match") == "processed.logs"
    index = _one(out, "index")
    assert index == "web_logs-efk" and any(fnmatch.fnmatch(index, p) for p in template_patterns)
    assert _one(out, "suppress_type_name") == "On"
    assert ct.resolve(_one(out, "host"), env) == "opensearch" and "opensearch" in services
    assert ct.resolve(_one(out, "port"), env) == str(lab["services"]["opensearch"]["port"])
    assert ct.resolve(_one(out, "tls"), env) == "Off"
    assert ct.resolve(_one(out, "http_user"), env) == ""   # empty = unset for Fluent Bit


def test_fluent_bit_health_endpoint_and_mounts(services):
    fluent_bit = services["fluent-bit"]
    env = fluent_bit["environment"]
    (service,) = [props for section, props in FB if section == "SERVICE"]
    assert _one(service, "http_server") == "On" and _one(service, "health_check") == "On"
    test = " ".join(fluent_bit["healthcheck"]["test"])
    assert f":{ct.resolve(_one(service, 'http_port'), env)}/api/v1/health" in test
    # The healthcheck's HTTP client is the one the Dockerfile adds to the distroless image.
    assert fluent_bit["healthcheck"]["test"][1] in (ct.REPO / "fluent-bit" / "Dockerfile").read_text()
    config = fluent_bit["command"][fluent_bit["command"].index("-c") + 1]
    assert _mount_source(fluent_bit, config) == ct.REPO / "fluent-bit" / "fluent-bit.conf"
    parsers = str(PurePosixPath(config).parent / _one(service, "parsers_file"))  # read from the config's folder
    assert _mount_source(fluent_bit, parsers) == ct.REPO / "fluent-bit" / "parsers.conf"
    (s3,) = _fb("OUTPUT", "s3")
    store = ct.resolve(_one(s3, "store_dir"), env)
    assert any(m["type"] == "volume" and store.startswith(m["target"]) for m in fluent_bit["volumes"])


# --- where `make verify` looks (streamlab/pipeline.py) ------------------------------------------------------


def test_verify_looks_where_logstash_and_fluent_bit_write(services, template_patterns):
    from streamlab.fanout.pipelines import PIPELINES

    topic = "web_logs"
    ls_env, fb_env = services["logstash"]["environment"], services["fluent-bit"]["environment"]
    elk, efk = PIPELINES["elk"], PIPELINES["efk"]
    assert (elk.container, efk.container) == ("logstash", "fluent-bit")
    ls_prefix = _sample_dates(ct.resolve(_logstash_option(_logstash_block("s3"), "prefix"), ls_env).strip('"'))
    assert ls_prefix.startswith(elk.s3_prefix.format(topic=topic))
    (s3,) = _fb("OUTPUT", "s3")
    fb_key = _sample_dates(ct.resolve(_one(s3, "s3_key_format"), fb_env)).lstrip("/")
    assert fb_key.startswith(efk.s3_prefix.format(topic=topic))
    ls_index = _sample_dates(_logstash_option(_logstash_block("opensearch"), "index").strip('"'))
    (out,) = _fb("OUTPUT", "opensearch")
    assert fnmatch.fnmatch(ls_index, elk.index_pattern.format(topic=topic))
    assert fnmatch.fnmatch(_one(out, "index"), efk.index_pattern.format(topic=topic))
    for pipeline in PIPELINES.values():
        assert any(fnmatch.fnmatch(pipeline.index_pattern.format(topic=topic).rstrip("*") + "x", p) for p in template_patterns)


# --- the index template ----------------------------------------------------------------------------------


def test_web_logs_template_mapping(template_patterns):
    template = json.loads(TEMPLATE.read_text())
    assert template_patterns == ["web_logs*"]
    props = template["template"]["mappings"]["properties"]
    assert props["timestamp"]["type"] == "date"
    assert props["ip"]["type"] == "ip"
    assert props["status_code"]["type"] == "integer"
    assert props["method"]["type"] == "keyword"
    assert props["url"]["type"] == "keyword" and props["url"]["fields"]["text"]["type"] == "text"
    assert props["user_agent"]["type"] == "text"
    assert props["run_id"]["type"] == "keyword"
    assert props["seq"]["type"] == "long"
    # One node: replicas would keep every index yellow.
    assert template["template"]["settings"]["number_of_replicas"] == 0

"""The sink exercises: Connect to S3 (seed 001), the three fan-outs (001), and the gateway's streams (004)."""

from __future__ import annotations

import re

from ..fanout.pipelines import PIPELINES
from ..runtime.native import native_how_to_get, native_needs
from .model import Criterion, judged, met, missed
from .observe import Observer

HOUR_FOLDERS = re.compile(r"year=\d{4}/month=\d{2}/day=\d{2}/hour=\d{2}/")
DATED_FOLDERS = re.compile(r"\d{4}/\d{2}/\d{2}/\d{2}/")
MAX_RECORDS = 10  # the course: "upload when 10 records collect, or after an interval"
SAMPLE = 5  # objects read back to count their records


def connect_s3(view: Observer, topic: str, connector: str = "s3-sink") -> list[Criterion]:
    """The S3 sink registered and running, 10 records per object at most, objects in hour folders."""
    config, status = view.connector(connector)
    if config is None:
        return [missed("S3 sink connector registered", f"no connector {connector!r}", "`make connect-s3` registers connectors/s3-sink.json")]
    state = status.get("connector", {}).get("state", "?")
    tasks = [t.get("state") for t in status.get("tasks", [])]
    per_object = config.get("file.max.records", "")
    keys = [key for key, _ in view.objects(f"topics/{topic}/")]
    foldered = [key for key in keys if HOUR_FOLDERS.search(key)]
    biggest = max((len(view.object_lines(key)) for key in keys[-SAMPLE:]), default=0)
    return [
        met("S3 sink connector registered", connector),
        judged("connector and tasks RUNNING", state == "RUNNING" and tasks and all(t == "RUNNING" for t in tasks),
               f"{state}, tasks {tasks}", f"`streamlab connect status {connector}` shows why; `streamlab connect restart {connector}`"),
        judged(f"an object every {MAX_RECORDS} records", per_object == str(MAX_RECORDS), f"file.max.records={per_object or 'unset'}",
               f"set \"file.max.records\": \"{MAX_RECORDS}\" in connectors/s3-sink.json, then `make connect-s3`"),
        judged("objects written", bool(keys), f"{len(keys):,} objects under topics/{topic}/",
               "no objects yet: `python producers/web_log_producer.py --count 100`, then wait 10 s"),
        judged("year/month/day/hour folders", bool(keys) and len(foldered) == len(keys), f"{len(foldered):,} of {len(keys):,} in hour folders",
               "set file.name.template to topics/{{topic}}/year={{timestamp:unit=yyyy}}/month=.../hour=.../ as in connectors/s3-sink.json"),
        judged(f"at most {MAX_RECORDS} records per object", 0 < biggest <= MAX_RECORDS, f"largest of the newest {SAMPLE}: {biggest} records",
               f"objects hold more than {MAX_RECORDS} records: set file.max.records to {MAX_RECORDS} and re-register"),
    ]


def fanout(view: Observer, name: str, topic: str, runtime: str) -> list[Criterion]:
    """The pipeline `name` active, its S3 copies and OpenSearch documents there; for efk, the payload lifted."""
    pipeline = PIPELINES[name]
    settings = view.settings if view else None
    need = pipeline.container and runtime != "docker" and native_needs(pipeline.container, settings)
    if need:
        return [missed(f"the {name} pipeline runs", "native runtime", f"{name} needs {need} here: "
                       f"{native_how_to_get(pipeline.container, settings)}; then `make switch-{name}`")]
    prefix, index = pipeline.s3_prefix.format(topic=topic), pipeline.index_pattern.format(topic=topic)
    active = _active(view, name)
    objects, documents = len(view.objects(prefix)), view.documents(index)
    criteria = [
        judged(f"the {name} pipeline is active", active, "active" if active else "not active", f"`make switch-{name}`"),
        judged("raw copies in S3", objects > 0, f"{objects:,} objects under {prefix}",
               "nothing in S3 yet: produce events (`make produce ARGS=\"--count 100\"`), then `make verify`"),
        judged("documents in OpenSearch", documents > 0, f"{documents:,} documents in {index}",
               "nothing indexed yet: produce events, then `make verify`"),
    ]
    if name == "efk" and documents:
        sample = view.sample_documents(index)
        lifted = [doc for doc in sample if "payload" not in doc and "ip" in doc]
        criteria.append(judged("payload lifted to the top level", len(lifted) == len(sample), f"{len(lifted)} of {len(sample)} sampled",
                               "lift the payload fields in fluent-bit/ (the processed stream), then `make switch-efk`"))
    return criteria


def gateway(view: Observer, streams: list[str], port: int) -> list[Criterion]:
    """Two streams posted through the gateway, each landing under its own S3 prefix by hour."""
    criteria = []
    for stream in streams:
        keys = [key for key, _ in view.objects(f"streams/{stream}/")]
        criteria.append(judged(f"{stream} lands under streams/{stream}/ by hour", bool(keys) and all(HOUR_FOLDERS.search(k) for k in keys),
                               f"{len(keys):,} objects", f"`make gateway`, `make connect-streams`, then "
                               f"`curl -s -H 'content-type: application/json' -d '{{\"n\": 1}}' localhost:{port}/v2/{stream}`"))
    return criteria


def _active(view: Observer, name: str) -> bool:
    if name != "connect":
        return True  # a container's state is the runtime's to say; objects and documents prove it ran
    return all(view.connector(connector)[0] is not None for connector in ("s3-sink", "opensearch-sink"))

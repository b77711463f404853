"""The three fan-out pipelines (Kafka -> S3 + OpenSearch) and switching between them.

Exactly one is active: `connect` (two sink connectors; both runtimes), `elk` (Logstash, docker
runtime only) or `efk` (Fluent Bit: a container, or natively a fluent-bit binary when there is one).
Each pipeline says where its sinks write, which is what `streamlab verify` checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import LabError
from ..lab import Lab
from ..topology import REPO_ROOT
from .connectors import validated


@dataclass(frozen=True)
class Pipeline:
    name: str
    about: str
    s3_prefix: str  # under the bucket, followed by the topic's folders
    index_pattern: str  # the OpenSearch indices it writes
    hour_folder: str  # strftime of the UTC date/hour folders under s3_prefix
    container: str | None = None  # the on-demand service that runs it (elk / efk): a container, or a native process
    connectors: tuple[Path, ...] = ()

    @property
    def offset_keys(self) -> bool:
        """Objects named `<topic>+<partition>+<start offset>` (the lab's S3 sink), in offset order."""
        return self.container is None


CONNECT_FILES = (REPO_ROOT / "connectors" / "s3-sink.json", REPO_ROOT / "connectors" / "opensearch-sink.json")

PIPELINES = {
    "connect": Pipeline("connect", "Kafka Connect: S3 sink + OpenSearch sink", "topics/{topic}/", "{topic}-connect*", "year=%Y/month=%m/day=%d/hour=%H/", connectors=CONNECT_FILES),
    "elk": Pipeline("elk", "Logstash: raw to S3, parsed to OpenSearch", "raw/{topic}/", "{topic}-elk-*", "%Y/%m/%d/%H/", container="logstash"),
    "efk": Pipeline("efk", "Fluent Bit: payload lifted, raw to S3, processed to OpenSearch", "raw-efk/{topic}/", "{topic}-efk*", "%Y/%m/%d/%H/", container="fluent-bit"),
}


def get(name: str) -> Pipeline:
    if name not in PIPELINES:
        raise LabError(f"unknown pipeline {name!r}", f"choose one of {', '.join(PIPELINES)}", exit_code=2)
    return PIPELINES[name]


def connector_names(lab: Lab) -> dict[Path, str]:
    from ..clients.connect import render

    variables = lab.connect_variables()
    return {path: render(path, variables).name for path in CONNECT_FILES}


def is_active(lab: Lab, pipeline: Pipeline) -> bool:
    if pipeline.container:
        return lab.runtime.running(pipeline.container)
    registered = set(lab.connect().names())
    return set(connector_names(lab).values()) <= registered


def active(lab: Lab) -> list[str]:
    return [p.name for p in PIPELINES.values() if is_active(lab, p)]


def _stop_connectors(lab: Lab) -> bool:
    """Delete the connect pipeline's connectors that exist; True when one did."""
    client = lab.connect()
    registered = set(client.names())
    present = [name for name in connector_names(lab).values() if name in registered]
    for name in present:
        client.delete(name)
    return bool(present)


def _stop(lab: Lab, pipeline: Pipeline) -> bool:
    """Stop one pipeline if it runs; True when something was stopped."""
    if not pipeline.container:
        return _stop_connectors(lab)
    return lab.runtime.stop_on_demand(pipeline.container, pipeline.name)


def _start(lab: Lab, pipeline: Pipeline) -> None:
    from ..clients.opensearch import OpenSearch

    OpenSearch(lab.settings).put_template("web_logs")
    if pipeline.container:
        lab.runtime.start_on_demand(pipeline.container, pipeline.name)
        return
    client = lab.connect()
    variables = lab.connect_variables()
    connectors = [validated(client, path, variables) for path in pipeline.connectors]
    for connector in connectors:
        client.put_config(connector)
    for connector in connectors:
        client.wait_running(connector.name, 90, lab.console)


def switch(lab: Lab, name: str) -> None:
    """Stop every other fan-out, start `name`, wait until healthy. Idempotent."""
    chosen = get(name)
    need = chosen.container and lab.runtime.needs_for(chosen.container)
    if need:
        raise LabError(f"the {name} pipeline needs {need} in the {lab.runtime.name} runtime", lab.runtime.how_to_get(chosen.container))
    for other in PIPELINES.values():
        if other is not chosen and _stop(lab, other):
            lab.console.print(f"stopped the {other.name} pipeline")
    if is_active(lab, chosen):
        lab.console.print(f"the {name} pipeline is already active")
    _start(lab, chosen)
    lab.console.print(f"[green]{name} pipeline active[/green]: {chosen.about}")

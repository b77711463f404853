"""What the overview watches: the probes the sampler runs over the sources, and the sample they make.

A sample is what every open page receives each tick: the flow's figures (messages/s into the topic,
each group's lag, S3 objects and records, OpenSearch documents), every topic's size and rate, the
services, the connectors' states, and one error line per probe that failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .figures import RateMeter
from .flow import ActivePipeline, flow_spec
from .sampler import Probe

FLOW_EVERY_S = 10.0  # which pipeline is active changes only on `make switch-*`
SERVICES_EVERY_S = 5.0  # each status asks every service's health
SINKS_EVERY_S = 3.0  # lag, documents, connector states
S3_EVERY_S = 5.0  # the S3 sink writes at most every 10 records or 10 s per partition


class LabWatch:
    def __init__(self, sources: Any, bucket: str, default_topic: str, tick_s: float = 1.5, clock: Callable[[], float] = time.time):
        self.sources, self.bucket, self.default_topic, self.tick_s, self.clock = sources, bucket, default_topic, tick_s, clock
        self.pipeline: ActivePipeline | None = None
        self.flow = flow_spec(None, default_topic, bucket)
        self.flow_version = 0
        self.topic_rates: dict[str, RateMeter] = {}
        self.s3_rate, self.search_rate = RateMeter(), RateMeter()
        self.s3_watcher = None
        self.partitions: dict[str, int] = {}

    def probes(self) -> list[Probe]:
        return [
            Probe("flow", FLOW_EVERY_S, self.read_flow),
            Probe("offsets", self.tick_s, self.read_offsets),
            Probe("groups", SINKS_EVERY_S, self.read_lags),
            Probe("connectors", SINKS_EVERY_S, self.sources.connect.states),
            Probe("opensearch", SINKS_EVERY_S, self.read_documents),
            Probe("s3", S3_EVERY_S, self.read_s3),
            Probe("services", SERVICES_EVERY_S, self.sources.lab.services),
        ]

    # --- probes -------------------------------------------------------------------------------
    def read_flow(self) -> dict:
        pipeline = self.sources.lab.pipeline()
        if pipeline != self.pipeline:
            self.pipeline = pipeline
            self.flow = flow_spec(pipeline, self.default_topic, self.bucket)
            self.flow_version += 1
            self.s3_watcher, self.s3_rate, self.search_rate = None, RateMeter(), RateMeter()
        return self.flow

    def read_offsets(self) -> dict:
        """Every topic's partitions, end offset and messages, with its rate into the topic."""
        topics = self.sources.topics.topic_offsets()
        now = self.clock()
        for name, figures in topics.items():
            meter = self.topic_rates.setdefault(name, RateMeter())
            figures["rate"] = meter.add(now, figures["end"])
            self.partitions[name] = figures["partitions"]
        for gone in set(self.topic_rates) - set(topics):
            del self.topic_rates[gone]
        return topics

    def read_lags(self) -> dict:
        return self.sources.groups.group_lags(self.pipeline.groups) if self.pipeline else {}

    def read_documents(self) -> dict | None:
        if not self.pipeline:
            return None
        documents = self.sources.search.count(self.pipeline.index_pattern)
        return {"documents": documents, "rate": self.search_rate.add(self.clock(), documents)}

    def read_s3(self) -> dict | None:
        if not self.pipeline:
            return None
        if self.s3_watcher is None:
            self.s3_watcher = self.sources.s3.watcher(self.pipeline)
        figures = self.s3_watcher.poll(self.partitions.get(self.pipeline.topic, 1))
        return {**figures, "rate": self.s3_rate.add(self.clock(), figures["records"])}

    # --- the sample ---------------------------------------------------------------------------
    def sample(self, results: dict[str, dict], now: float) -> tuple[dict, dict[str, float | None]]:
        value = {name: result.get("value") for name, result in results.items()}
        errors = {name: result["error"] for name, result in results.items() if "error" in result}
        topics = value.get("offsets") or {}
        topic = topics.get(self.flow["topic"]) or {}
        figures: dict[str, dict] = {"in": {"rate": topic.get("rate"), "messages": topic.get("messages"), "partitions": topic.get("partitions")}}
        for group, lag in (value.get("groups") or {}).items():
            figures[f"lag:{group}"] = {"lag": lag}
        figures["s3"] = value.get("s3") or {}
        figures["opensearch"] = value.get("opensearch") or {}
        series = {
            "in": figures["in"]["rate"],
            "s3": figures["s3"].get("rate"),
            "opensearch": figures["opensearch"].get("rate"),
            **{name: fig["lag"] for name, fig in figures.items() if name.startswith("lag:")},
        }
        sample = {
            "flow_version": self.flow_version,
            "figures": figures,
            "topics": {name: {k: t.get(k) for k in ("partitions", "messages", "rate")} for name, t in topics.items()},
            "services": value.get("services") or [],
            "connectors": value.get("connectors") or [],
            "errors": errors,
        }
        return sample, series

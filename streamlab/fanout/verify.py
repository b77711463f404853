"""`streamlab verify`: prove the active fan-out delivers every event to every sink.

It produces N web-log events carrying a run id and sequence numbers, polls each sink of the active
pipeline until all are there (or the timeout passes), then reports per sink: received, missing,
duplicated and p50/p99 produce-to-visible latency.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from ..clients.kafka_client import SETTINGS_HINT, to_json_bytes
from ..clients.senders import ConfluentSender, Deliveries
from ..clients.opensearch import OpenSearch
from ..clients.offsets import end_offsets
from ..clients.s3 import ObjectVersions, PartitionLister, listed_versions, object_body, page_options, partition_prefixes, s3_client, s3_errors
from ..errors import LabError
from ..lab import Lab
from ..labs.weblogs import WebLogFactory
from ..waiting import Pacer
from .pipelines import PIPELINES, Pipeline, active


def percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


@dataclass
class SinkProgress:
    """What one sink holds of this run: copies per sequence number and when each was first seen."""

    name: str
    copies: Counter = field(default_factory=Counter)
    first_seen: dict[int, float] = field(default_factory=dict)

    def record(self, seqs: list[int], now: float, replace: bool = False) -> None:
        if replace:
            self.copies = Counter()
        for seq in seqs:
            self.copies[seq] += 1
            self.first_seen.setdefault(seq, now)

    def found(self, count: int) -> int:
        """How many of the sequence numbers 0..count-1 this sink holds."""
        return sum(1 for seq in range(count) if self.copies[seq])

    def report(self, sent_at: dict[int, float]) -> dict:
        received = [s for s in sent_at if self.copies[s]]
        latencies = [self.first_seen[s] - sent_at[s] for s in received]
        return {
            "sink": self.name,
            "received": len(received),
            "missing": len(sent_at) - len(received),
            "duplicated": sum(c - 1 for s, c in self.copies.items() if c > 1 and s in sent_at),
            "p50": percentile(latencies, 50),
            "p99": percentile(latencies, 99),
        }


class S3Watcher:
    """Reads each new or grown object in the run's hour folders and counts this run's records.

    The S3 sink uploads a partition's open object at each offset flush and overwrites it as it grows
    (same key, more records), so an object is read again whenever its version (ETag, size) changes;
    records already counted from that key are not counted twice.
    """

    POLL_S = 0.25  # each poll lists a folder s3proxy walks whole: more often would load it

    def __init__(self, lab: Lab, pipeline: Pipeline, topic: str, run_id: str):
        self.settings, self.run_id = lab.settings, run_id
        self.prefix, self.hour_folder, self.topic = pipeline.s3_prefix.format(topic=topic), pipeline.hour_folder, topic
        self.client = s3_client(lab.settings)
        self.versions = ObjectVersions()  # key -> the version last read
        self.seqs_by_key: dict[str, set[int]] = {}
        self.unread: dict[str, str] = {}  # key -> version of objects whose read failed
        self.started = datetime.now(timezone.utc) - timedelta(minutes=1)
        self.progress = SinkProgress(f"s3://{lab.settings.S3_BUCKET}/{self.prefix}")
        self.readers = ThreadPoolExecutor(max_workers=8)  # GETs are I/O: read new objects side by side
        # The lab's S3 sink: each partition listed from a recent object on (a whole folder at 100
        # objects/s took the watcher ~1 s a poll after 20 s). Other routers' names are not in order.
        self.bootstrap, self.offset_keys = lab.settings.KAFKA_BOOTSTRAP, pipeline.offset_keys
        self.lister: PartitionLister | None = None
        self.partitions = 0

    def folders(self) -> list[str]:
        """The hour folders the run can have written to (listing only these keeps polls cheap)."""
        hour, now, folders = self.started.replace(minute=0, second=0, microsecond=0), datetime.now(timezone.utc), []
        while hour <= now:
            folders.append(self.prefix + hour.strftime(self.hour_folder))
            hour += timedelta(hours=1)
        return folders

    def listing(self) -> dict[str, str]:
        """Key -> version of the objects in the run's hour folders (from each partition's recent ones on)."""
        with s3_errors(self.settings, f"listing {self.prefix}"):  # a LabError: the watcher tries again
            if self.lister is not None:
                return self.lister.listing([prefix for folder in self.folders()
                                            for prefix in partition_prefixes(folder, self.topic, self.partitions)])
            return {key: version for folder in self.folders() for key, version in listed_versions(self._list_page, folder).items()}

    def skip_existing(self) -> None:
        """Objects as they were before this run cannot hold its events; once they grow they are read.

        The whole folders are listed once; then, for the lab's S3 sink, each partition from a recent key.
        """
        self.versions.known.update(self.listing())
        if self.offset_keys:
            self.partitions = len(end_offsets(self.bootstrap, [self.topic]))
            self.lister = PartitionLister(self._list_page)

    def _list_page(self, prefix: str, start_after: str | None, token: str | None) -> dict:
        return self.client.list_objects_v2(Bucket=self.settings.S3_BUCKET, **page_options(prefix, start_after, token))

    def _seqs(self, key: str) -> list[int] | None:
        """This run's sequence numbers in one object; None when it cannot be read yet (retried later)."""
        try:
            body = object_body(self.client, self.settings.S3_BUCKET, key)
            return [int(json.loads(line)["seq"]) for line in body.splitlines() if self.run_id.encode() in line]
        except Exception:  # an object being replaced, a store under load: read it on the next poll
            return None

    def poll(self) -> None:
        # Objects that could not be read are tried again even when no longer listed (older than a mark).
        changed = {**self.unread, **self.versions.changed(self.listing())}
        now = time.time()
        for (key, version), seqs in zip(changed.items(), self.readers.map(self._seqs, list(changed))):
            if seqs is None:
                self.unread[key] = version
            else:
                self.unread.pop(key, None)
                self.versions.note(key, version)
                counted = self.seqs_by_key.setdefault(key, set())
                self.progress.record([seq for seq in seqs if seq not in counted], now)
                counted.update(seqs)


class SearchWatcher:
    """Finds this run's documents in the pipeline's indices; the final poll counts every copy."""

    # A search is one cheap request and the index refreshes every 200 ms: a longer pause would time
    # the watcher more than the sink (0.25 s added ~0.1 s to p50 and p99 at 1,000 events/s).
    POLL_S = 0.1

    def __init__(self, lab: Lab, index: str, run_id: str):
        self.search, self.index, self.run_id = OpenSearch(lab.settings), index, run_id
        self.progress = SinkProgress(f"opensearch {index}")

    def poll(self, final: bool = False) -> None:
        """While waiting, only documents from the lowest unseen seq on; `final` re-reads them all."""
        query: dict = {"bool": {"filter": [{"term": {"run_id": self.run_id}}]}}
        if final:
            seqs = [int(doc["seq"]) for doc in self.search.scan(self.index, query, source=["seq"])]
            self.progress.record(seqs, time.time(), replace=True)
            return
        # One request, no scroll (three requests): the lowest 10,000 not known yet; the rest next time.
        lowest_unseen = next(s for s in range(len(self.progress.copies) + 1) if not self.progress.copies[s])
        query["bool"]["filter"].append({"range": {"seq": {"gte": lowest_unseen}}})
        seqs = [int(doc["seq"]) for doc in self.search.search(self.index, query, source=["seq"], sort=["seq"])]
        self.progress.record([s for s in seqs if not self.progress.copies[s]], time.time())


def the_active_pipeline(lab: Lab) -> Pipeline:
    running = active(lab)
    if not running:
        raise LabError("no fan-out pipeline is active", "run `make switch-connect` (or switch-elk / switch-efk with Docker)")
    if len(running) > 1:
        raise LabError(f"more than one pipeline is active ({', '.join(running)})", "switch to one with `make switch-<name>`")
    return PIPELINES[running[0]]


def run(lab: Lab, count: int, rate: float, timeout_s: float | None = None,
        sinks: tuple[str, ...] = ("s3", "opensearch")) -> tuple[Pipeline, list[dict]]:
    """Produce `count` tagged events and wait for them in every sink of the active pipeline.

    Default wait: 45 s for connect (10 s flushes), 150 s for Logstash/Fluent Bit (1-minute S3 uploads).
    """
    pipeline = the_active_pipeline(lab)
    timeout_s = timeout_s or (150 if pipeline.container else 45)
    topic = lab.settings.WEB_LOGS_TOPIC
    run_id = uuid.uuid4().hex[:12]
    OpenSearch(lab.settings).health()  # fail early, in one line, when OpenSearch is down
    # `sinks` picks the watchers: a benchmark of one sink does not pay for the other's polling.
    s3 = S3Watcher(lab, pipeline, topic, run_id) if "s3" in sinks else None
    search = SearchWatcher(lab, pipeline.index_pattern.format(topic=topic), run_id) if "opensearch" in sinks else None
    watchers = [w for w in (s3, search) if w is not None]
    if s3 is not None:
        s3.skip_existing()
    stop = threading.Event()
    threads = [threading.Thread(target=watch, args=(w, count, stop), daemon=True) for w in watchers]
    for thread in threads:
        thread.start()
    try:
        sent_at = produce_tagged(lab, topic, run_id, count, rate)  # the watchers look while events are sent
        _wait(lab, pipeline, run_id, count, watchers, threads, timeout_s)
    finally:  # Kafka down, Ctrl+C: the watchers stop too
        stop.set()
        for thread in threads:
            thread.join()
    if search is not None:
        search.poll(final=True)
    return pipeline, [w.progress.report(sent_at) for w in watchers]


def _wait(lab: Lab, pipeline: Pipeline, run_id: str, count: int, watchers, threads, timeout_s: float) -> None:
    """Until every watcher found every event, or the timeout; the status line shows each sink's count."""
    deadline = time.monotonic() + timeout_s
    with lab.console.status(f"waiting for {count} events in {len(watchers)} sinks of the {pipeline.name} pipeline") as status:
        while time.monotonic() < deadline and any(t.is_alive() for t in threads):
            status.update(f"run {run_id}: " + ", ".join(f"{w.progress.name} {w.progress.found(count)}/{count}" for w in watchers))
            time.sleep(0.25)


def watch(watcher, count: int, stop: threading.Event) -> None:
    """Poll one sink until it holds every sequence number or `stop` is set."""
    while not stop.is_set():
        try:
            watcher.poll()
        except LabError:
            pass  # the sink is briefly unreachable: keep looking until the deadline
        if watcher.progress.found(count) == count:
            return
        stop.wait(watcher.POLL_S)


def produce_tagged(lab: Lab, topic: str, run_id: str, count: int, rate: float) -> dict[int, float]:
    """Sends `count` events of run `run_id` (seq 0..count-1) at `rate`/s; seq -> when it was sent."""
    deliveries = Deliveries()
    sender = ConfluentSender(lab.settings.KAFKA_BOOTSTRAP, deliveries, unreachable_hint=SETTINGS_HINT)
    factory = WebLogFactory()
    sent_at: dict[int, float] = {}
    pacer = Pacer(rate)
    for seq in range(count):
        event = factory.event(run_id=run_id, seq=seq)
        sent_at[seq] = time.time()
        sender.send(topic, to_json_bytes(event), event["ip"])
        sender.service()
        pacer.wait(seq + 1)
    sender.flush(30)
    if deliveries.delivered < count:
        raise LabError(f"Kafka acknowledged {deliveries.delivered} of {count} events ({deliveries.first_error or 'flush timed out'})",
                       "check the broker with `streamlab status`")
    return sent_at

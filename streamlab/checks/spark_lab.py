"""The Spark lab (seed 003, lab 5): readings in Parquet by date, the checkpoint keeping up, windows published.

Observed from what the jobs leave behind (the sink's log, the checkpoint, the stats topic); no JVM starts.
"""

from __future__ import annotations

from pathlib import Path

from ..spark.schemas import SCHEMAS
from ..spark.session import connector_jars_present, pyspark_ready
from ..spark.state import checkpoint_offsets, parquet_output
from .model import Criterion, judged
from .observe import Observer

MAX_LAG = 100  # records the checkpoint may trail the topic by: one trigger's worth at the simulator's pace


def spark_lab(view: Observer, data_dir: Path, checkpoints: Path, jars: Path, topic: str = "sensor-data") -> list[Criterion]:
    stats_topic = SCHEMAS[topic].stats_topic
    output = parquet_output(data_dir / topic)
    lag = _lag(view.end_offsets(topic), checkpoint_offsets(checkpoints / f"stream-{topic}").get(topic, {}))
    windows = [r for r in view.recent(stats_topic) if "window_start" in r]
    ready = pyspark_ready() and connector_jars_present(jars)
    return [
        judged("pyspark and the Kafka connector jars ready", ready, "pyspark and the pinned jars found" if ready else "missing",
               "`make spark-stream` installs pyspark; `make up` resolves the connector jars into the jar cache"),
        judged(f"{topic} in Parquet", output.batches > 0 and bool(output.files),
               f"{len(output.files)} files, {output.bytes / 1024:,.0f} KiB in {output.batches} committed batches",
               f"nothing committed under {data_dir / topic}: `make fms-produce`, then `make spark-stream`"),
        judged("Parquet partitioned by date", bool(output.dates), ", ".join(output.dates[-3:]) or "no date= folders",
               "the job writes date=YYYY-MM-DD folders: run processors/spark_streaming.py, not a job of your own"),
        judged("the checkpoint keeps up with the topic", lag is not None and lag <= MAX_LAG,
               "no committed batch in the checkpoint" if lag is None else f"{lag:,} records behind",
               "start (or restart) `make spark-stream`: it continues from its checkpoint"),
        judged(f"windows published to {stats_topic}", bool(windows), f"{len(windows)} recent window rows",
               f"no windows in {stats_topic}: `make spark-aggregate` (a window appears once its minute has readings)"),
    ]


def _lag(ends: dict[int, int], committed: dict[int, int]) -> int | None:
    if not committed:
        return None
    return sum(max(0, end - committed.get(partition, 0)) for partition, end in ends.items())

"""Where the jobs' queries write: Parquet by date; each micro-batch's updated windows to the console and Kafka.

The window query runs in update mode: a window is sent again each time a batch changes it, under the key
`<group>|<window_start>`. A reader keeps the latest value per key (a compacted topic's semantics);
the rows replace each other and are never to be added up. The last update of a window is final once
the watermark passed its end.
"""

from __future__ import annotations

import json
from typing import Callable

from .schemas import TopicSchema


def window_key(row: dict, schema: TopicSchema) -> str:
    return f"{row[schema.group_name]}|{row['window_start']}"


def window_line(row: dict, schema: TopicSchema) -> str:
    measures = "  ".join(f"{name} {value}" for name, value in row.items()
                         if name not in ("window_start", "window_end", schema.group_name))
    return f"{row['window_start']} {schema.group_name}={row[schema.group_name]}  {measures}"


def batch_publisher(producer, topic: str, schema: TopicSchema, show: Callable[[str], None]):
    """A `foreachBatch` function: print the batch's updated windows, send them, wait for the acks."""

    def publish(batch, batch_id: int) -> None:
        rows = [row.asDict() for row in batch.orderBy("window_start", schema.group_name).collect()]
        for row in rows:
            show(window_line(row, schema))
            producer.produce(topic, key=window_key(row, schema), value=json.dumps(row))
        if rows and producer.flush(30) > 0:
            raise RuntimeError(f"batch {batch_id}: Kafka did not acknowledge every window within 30 s")

    return publish


def start_parquet_query(rows, output, checkpoint, trigger: dict, name: str):
    """Append `rows` as Parquet under `output`, a folder per date; `trigger` as for start_window_query."""
    return (
        rows.writeStream.format("parquet").queryName(name)
        .option("path", str(output))
        .option("checkpointLocation", str(checkpoint))
        .partitionBy("date")
        .outputMode("append")
        .trigger(**trigger)
        .start()
    )


def start_window_query(stats, publish, checkpoint, trigger: dict, name: str):
    """`trigger`: DataStreamWriter.trigger's arguments, e.g. {"processingTime": "5 seconds"}."""
    return (
        stats.writeStream.queryName(name)
        .outputMode("update")
        .option("checkpointLocation", str(checkpoint))
        .foreachBatch(publish)
        .trigger(**trigger)
        .start()
    )

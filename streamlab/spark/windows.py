"""1-minute tumbling windows by event time, with a watermark for late events.

sensor-data: per device, sensor averages, motor maxima and failures. web_logs: per status class,
requests and distinct client IPs. An event later than the watermark (the newest event time seen
minus `watermark_s`) is left out: its window has been published for the last time.
"""

from __future__ import annotations

from .schemas import TopicSchema


def window_stats(rows, schema: TopicSchema, window_s: int = 60, watermark_s: int = 30):
    """The aggregation over `parsing.parsed` rows: one row per (window, group), updated as events arrive."""
    from pyspark.sql import functions as F

    grouped = (
        rows.where(F.col("raw").isNull() & F.expr(schema.group_by).isNotNull())
        .withWatermark("event_time", f"{watermark_s} seconds")
        .groupBy(F.window("event_time", f"{window_s} seconds"), F.expr(schema.group_by).alias(schema.group_name))
    )
    stats = grouped.agg(*_measures(schema.topic))
    return stats.select(
        F.date_format("window.start", "yyyy-MM-dd'T'HH:mm:ss'Z'").alias("window_start"),
        F.date_format("window.end", "yyyy-MM-dd'T'HH:mm:ss'Z'").alias("window_end"),
        schema.group_name,
        *[name for name in stats.columns if name not in ("window", schema.group_name)],
    )


def _measures(topic: str) -> list:
    from pyspark.sql import functions as F

    if topic == "sensor-data":
        return [
            F.count("*").alias("readings"),
            *[F.round(F.avg(name), 2).alias(f"avg_{name}") for name in ("sensor1", "sensor2", "sensor3")],
            *[F.max(name).alias(f"max_{name}") for name in ("motor1", "motor2", "motor3")],
            F.sum(F.col("isFail").cast("int")).alias("failures"),
        ]
    return [F.count("*").alias("requests"), F.approx_count_distinct("ip").alias("unique_ips")]

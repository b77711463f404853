"""Kafka rows -> the topic's typed columns, the event time and its date.

A value that is not JSON of the topic's shape is not dropped: its row keeps the raw text in `raw`
with null fields, so the Parquet output still holds every offset exactly once.
"""

from __future__ import annotations

from .schemas import TopicSchema

KAFKA_COLUMNS = ("kafka_partition", "kafka_offset", "kafka_timestamp")
CORRUPT = "_corrupt_record"  # from_json puts the whole text of a value that does not fit the schema here


def kafka_stream(spark, bootstrap: str, topic: str, starting: str = "earliest", max_per_batch: int | None = None):
    """A streaming DataFrame over one topic; `starting` applies only when the checkpoint is new."""
    reader = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", bootstrap)
        .option("subscribe", topic)
        .option("startingOffsets", starting)
        .option("failOnDataLoss", "false")  # a topic recreated in class must not stop the job
    )
    if max_per_batch:
        reader = reader.option("maxOffsetsPerTrigger", str(max_per_batch))
    return reader.load()


def parsed(kafka_rows, schema: TopicSchema):
    """Typed columns + event_time (the event's own time, else Kafka's) + date + the Kafka position."""
    from pyspark.sql import functions as F

    value = F.col("value").cast("string")
    fields = F.from_json(value, f"{schema.ddl}, {CORRUPT} STRING", {"columnNameOfCorruptRecord": CORRUPT})
    typed = kafka_rows.select(
        fields.alias("json"),
        F.col("partition").alias("kafka_partition"),
        F.col("offset").alias("kafka_offset"),
        F.col("timestamp").alias("kafka_timestamp"),
    ).select("json.*", *KAFKA_COLUMNS).withColumnRenamed(CORRUPT, "raw")
    event_time = F.coalesce(F.try_to_timestamp(F.col(schema.time_field)), F.col("kafka_timestamp"))
    return typed.withColumn("event_time", event_time).withColumn("date", F.to_date("event_time"))

"""What the Spark jobs know about each topic: its JSON schema, event-time field and window grouping.

DDL strings rather than pyspark types, so this module (and `streamlab doctor`) imports without pyspark.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..topology import load_topology


@dataclass(frozen=True)
class TopicSchema:
    topic: str
    ddl: str            # the JSON value's fields, as Spark DDL
    time_field: str     # the event's own timestamp (ISO 8601); Kafka's timestamp stands in when unparsable
    group_by: str       # SQL expression the windows are grouped by
    group_name: str     # its column name in the window rows

    @property
    def stats_topic(self) -> str:
        """Where `make spark-aggregate` publishes the windows: lab.yaml's `services.spark.stats_topics`."""
        return load_topology().services["spark"].extra["stats_topics"][self.topic]


SCHEMAS = {
    schema.topic: schema
    for schema in (
        TopicSchema(
            topic="sensor-data",
            ddl=("time STRING, DeviceId INT, sensor1 DOUBLE, sensor2 DOUBLE, sensor3 DOUBLE, "
                 "motor1 DOUBLE, motor2 DOUBLE, motor3 DOUBLE, isFail BOOLEAN"),
            time_field="time",
            group_by="DeviceId",
            group_name="DeviceId",
        ),
        TopicSchema(
            topic="web_logs",
            ddl="ip STRING, timestamp STRING, method STRING, url STRING, status_code INT, user_agent STRING",
            time_field="timestamp",
            group_by="concat(cast(floor(status_code / 100) AS STRING), 'xx')",
            group_name="status_class",
        ),
    )
}


"""One module per external system. A client takes addresses and settings, never the whole Lab.

Modules: kafka_client (producer, consumer and admin with the lab's conventions; JSON values;
message positions), topics (topic administration, the lab's default topics, and require_topics:
a missing topic is one line naming the closest, never a new topic), offsets (read a
topic between offsets), connect (Kafka Connect REST, connector files), s3 (the S3 store),
opensearch (OpenSearch HTTP), fms_api (the factory-sensor HTTP API of seed 003).
"""

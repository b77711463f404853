"""One module per external system. A client takes addresses and settings, never the whole Lab.

Modules: kafka_client (producer, consumer and admin with the lab's conventions; JSON values;
message positions), topics (topic administration and the lab's default topics), offsets (read a
topic between offsets), connect (Kafka Connect REST, connector files), s3 (the S3 store),
opensearch (OpenSearch HTTP), fms_api (the factory-sensor HTTP API of seed 003).
"""

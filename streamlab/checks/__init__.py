"""`streamlab check`: every course lab graded by what the student built, with the fix for each miss.

A check observes (topics, messages, consumer groups, connectors, S3 objects, OpenSearch documents,
the streamer's checkpoint, the cluster); it never does the exercise, and sends nothing except
tagged probe events where a KPI needs them.

Modules: model (Criterion, LabReport), observe (what the checks read, built from addresses),
course (the labs in course order, each from its seed: the registry), kafka_labs (kafka-basics,
unicorns, factory-sensors, keyword-filter), sink_labs (connect-s3, fanout-*, gateway),
streamer_lab (log-streamer), cluster_lab (cluster-failover), spark_lab (spark: Parquet,
checkpoint and windows, read from disk without a JVM), kpis (seed 003's four KPIs),
drills (make break-*: a fault, then what proves recovery).
"""

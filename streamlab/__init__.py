"""streamlab: a real-time data-pipeline lab (Kafka, Connect, S3, OpenSearch) in Docker or native."""

__version__ = "0.1.0"

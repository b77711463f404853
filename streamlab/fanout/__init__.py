"""Kafka to the sinks: connector registration, the three fan-out pipelines, and verify.

Modules: connectors (render, validate and register a connector file), pipelines (connect, elk,
efk; exactly one active, `switch` between them), verify (tagged events through the active
pipeline: received, missing, duplicated, latency per sink).
"""

"""The log-file streamer (seed 000): tail log files, parse them, deliver to Kafka with a crash-safe checkpoint.

Modules: `sources` (the {path, type} list), `tail` (rotation/truncation-aware reading),
`records` (parsed or dead-letter records with deterministic ids), `delivery` (Kafka),
`checkpoint` (atomic state), `engine` (the loop and its delivery guarantee), `stats`, `testlogs`,
`memory` (heap and garbage-collector settings for its batch-after-batch allocations).
"""

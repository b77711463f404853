"""The Spark lab (seed 003, lab 5): Structured Streaming from Kafka, with pyspark and the pinned jars.

    schemas.py    each topic's JSON shape, event-time field and window grouping (pure, no pyspark)
    session.py    a local SparkSession with the Kafka connector jars from the jar cache, quiet logs
    parsing.py    Kafka rows -> typed columns + event time + date; unparsable rows keep their raw text
    windows.py    1-minute tumbling windows with a watermark, per device or per status class
    publish.py    the queries' sinks: Parquet by date; each micro-batch's updated windows to the console and Kafka
    progress.py   one line per micro-batch (rows, input rate, batch duration) while a query runs
    jobs.py       the two jobs: Kafka -> Parquet (exactly once through the checkpoint), and the windows

pyspark is an extra (`pip install -e '.[spark]'`, done by `make spark-stream`): importing this
package works without it; `session.require_pyspark()` says how to get it.
"""

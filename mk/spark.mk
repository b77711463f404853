# The Spark lab (seed 003, lab 5; docs/labs.md). Included by the main Makefile, which defines PY, STAMP,
# ARGS and pip_install. pyspark (~450 MB) is the `spark` extra: installed on the first Spark target
# and by `make test`, never by `make up`.

SPARK_STAMP := $(VENV)/.spark-installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
SPARK_TOPIC ?= sensor-data

.PHONY: spark-stream spark-aggregate

$(SPARK_STAMP): $(STAMP)
	@echo "installing pyspark (the spark extra, ~450 MB) into $(VENV) ..."
	@$(call pip_install,-e '.[spark]')
	@rm -f $(VENV)/.spark-installed-* && touch $@

test: $(SPARK_STAMP)

spark-stream: $(SPARK_STAMP) ## Spark: a topic -> Parquet under data/spark/, exactly once: make spark-stream SPARK_TOPIC=web_logs
	@exec $(PY) processors/spark_streaming.py --topic $(SPARK_TOPIC) $(ARGS)

spark-aggregate: $(SPARK_STAMP) ## Spark: 1-minute windows per device (or status class) to the console and sensor-stats
	@exec $(PY) processors/spark_aggregate.py --topic $(SPARK_TOPIC) $(ARGS)

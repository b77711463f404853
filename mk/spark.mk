# The Spark lab (seed 003, lab 5; docs/labs.md). Included by the main Makefile, which defines PY, STAMP,
# ARGS and pip_install. pyspark (~450 MB) is the `spark` extra: installed by `make test` and by the
# first Spark target of the native runtime, never by `make up` (the docker runtime needs none).

SPARK_STAMP := $(VENV)/.spark-installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
SPARK_TOPIC ?= sensor-data

.PHONY: spark-stream spark-aggregate

$(SPARK_STAMP): $(STAMP)
	@echo "installing pyspark (the spark extra, ~450 MB) into $(VENV) ..."
	@$(call pip_install,-e '.[spark]')
	@rm -f $(VENV)/.spark-installed-* && touch $@

test: $(SPARK_STAMP)

# $(call spark_job,SCRIPT): where RUNTIME picks docker, the job runs in the spark container (compose
# profile "spark": nothing to install here); otherwise here, with pyspark installed on first use.
spark_job = runtime=$$($(PY) -m streamlab.spark.launch where) || exit 1; \
	if [ "$$runtime" = docker ]; then exec $(PY) -m streamlab.spark.launch run $(1) --topic $(SPARK_TOPIC) $(ARGS); fi; \
	$(MAKE) --no-print-directory $(SPARK_STAMP) && exec $(PY) $(1) --topic $(SPARK_TOPIC) $(ARGS)

spark-stream: $(STAMP) ## Spark: a topic -> Parquet under data/spark/, exactly once: make spark-stream SPARK_TOPIC=web_logs
	@$(call spark_job,processors/spark_streaming.py)

spark-aggregate: $(STAMP) ## Spark: 1-minute windows per device (or status class) to the console and sensor-stats
	@$(call spark_job,processors/spark_aggregate.py)

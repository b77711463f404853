# The course's producer/consumer labs (docs/labs.md). Included by the main Makefile, which defines
# PY (the venv's python), STAMP (the venv is installed) and ARGS (extra arguments for the script).
#
# Every recipe `exec`s its script: a recipe with quotes (filter's KEYWORDS, or quotes in ARGS) runs
# under /bin/sh, and dash dies of the Ctrl+C the script handles, so make would end a clean stop with
# `make: *** [...] Interrupt`. With exec the script is make's own child, and its exit code is final.

UNICORNS ?= Shadowfax Bucephalus
KEYWORDS ?= error,urgent
LOG_CONFIG ?= producers/streamer.example.yaml

.PHONY: bakery-produce bakery-consume unicorns unicorn-consume fms-produce fms-test fms-consume \
        messages filter filtered-consume stream-logs generate-test-logs log-windows

bakery-produce: $(STAMP) ## bakery orders to bk-orders: make bakery-produce ARGS="--rate 5 --count 50"
	@exec $(PY) producers/bakery_producer.py $(ARGS)

bakery-consume: $(STAMP) ## print bakery orders with running totals (Ctrl+C for the table)
	@exec $(PY) consumers/bakery_consumer.py --from-beginning $(ARGS)

unicorns: $(STAMP) ## one record a second per unicorn: make unicorns UNICORNS="Shadowfax Rocinante"
	@exec $(PY) producers/unicorn_producer.py $(foreach name,$(UNICORNS),--name $(name)) $(ARGS)

unicorn-consume: $(STAMP) ## tail wildrydes and pretty-print new telemetry
	@exec $(PY) consumers/unicorn_consumer.py $(ARGS)

fms-produce: $(STAMP) ## factory sensors every 10 s (simulator; ARGS="--api-url URL" for a real API)
	@exec $(PY) producers/fms_producer.py $(ARGS)

fms-test: $(STAMP) ## one round of factory sensor readings, then exit
	@exec $(PY) producers/fms_producer.py test $(ARGS)

fms-consume: $(STAMP) ## analyse sensor-data: averages, NORMAL/CRITICAL, alerts to sensor-alerts
	@exec $(PY) consumers/fms_consumer.py $(ARGS)

messages: $(STAMP) ## sample text messages to test-topic (the filter's input): make messages ARGS="--demo 50"
	@exec $(PY) producers/message_producer.py $(if $(ARGS),$(ARGS),--demo 20)

filter: $(STAMP) ## copy test-topic messages containing KEYWORDS to filtered-topic
	@exec $(PY) processors/keyword_filter.py --keyword "$(KEYWORDS)" $(ARGS)

filtered-consume: $(STAMP) ## print what the filter let through
	@exec $(PY) consumers/filtered_consumer.py $(ARGS)

generate-test-logs: $(STAMP) ## write realistic Apache/Nginx/JSON logs to the files in LOG_CONFIG, then exit
	@exec $(PY) producers/log_file_streamer.py --config $(LOG_CONFIG) --generate-only --test-log-count 500 $(ARGS)

stream-logs: $(STAMP) ## stream the log files in LOG_CONFIG to app-logs (ARGS="--generate-test-logs" to feed them)
	@exec $(PY) producers/log_file_streamer.py --config $(LOG_CONFIG) $(ARGS)

log-windows: $(STAMP) ## 1-minute windows per log type over app-logs, published to log-stats
	@exec $(PY) processors/log_window_aggregator.py --from-beginning $(ARGS)

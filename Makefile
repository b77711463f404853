# streamlab: every target calls the `streamlab` CLI from a project virtualenv it creates itself.
# `make up` and `make test` work on a fresh clone (Python 3.11+, and Docker or Java 17 + Maven).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
CLI    := $(VENV)/bin/streamlab
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

ARGS    ?=
SERVICE ?= kafka
TOPIC   ?= web_logs
MAX     ?= 20

.DEFAULT_GOAL := help
.PHONY: help venv up down status logs console check break-connect break-opensearch break-records break-broker topics produce consume connect-s3 switch-connect switch-elk switch-efk pipeline verify doctor bundle test test-offline bench clean distclean

help: ## this list
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

# Offline classes (issue 17): pip reads only bundle/wheels when bundle/ is there and made for these
# pins, or always with OFFLINE=1 (OFFLINE=0: never). streamlab/bundle/source.py decides, run by the
# system python because .venv may not exist yet; it prints pip's options (none: the network).
export OFFLINE

# $(call pip_install,ARGS): pip install into .venv, from the bundle or the network as decided above.
pip_install = pip_from=$$($(PYTHON) -m streamlab.bundle.source pip) || exit 1; eval "$(PY) -m pip install -q $$pip_from $(1)"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing streamlab and its pinned dependencies into $(VENV) ..."
	@$(call pip_install,--upgrade pip) && $(call pip_install,-e '.[test]')
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP) ## create .venv with the pinned dependencies

up: $(STAMP) ## start the lab (docker if an engine answers, else native processes)
	@$(CLI) up $(ARGS)

down: $(STAMP) ## stop the lab (only what it started)
	@$(CLI) down

status: $(STAMP) ## services, ports, PIDs and memory as a table
	@$(CLI) status

logs: $(STAMP) ## last lines of a service log: make logs SERVICE=connect
	@$(CLI) logs $(SERVICE)

console: $(STAMP) ## the lab console in the foreground (make up already runs it on http://127.0.0.1:8090)
	@$(CLI) console $(ARGS)

topics: $(STAMP) ## list topics
	@$(CLI) topics list

produce: $(STAMP) ## web-log producer: make produce ARGS="--count 1000 --rate 200"
	@$(PY) producers/web_log_producer.py $(ARGS)

consume: $(STAMP) ## print a topic: make consume TOPIC=web_logs MAX=20
	@$(CLI) consume $(TOPIC) --max $(MAX)

connect-s3: $(STAMP) ## register connectors/s3-sink.json: web_logs -> S3, year/month/day/hour, 10 records per object
	@$(CLI) connect register connectors/s3-sink.json

switch-connect: $(STAMP) ## fan-out with Kafka Connect: S3 sink + OpenSearch sink (both runtimes)
	@$(CLI) switch connect

switch-elk: $(STAMP) ## fan-out with Logstash: raw to S3, parsed to OpenSearch (docker runtime)
	@$(CLI) switch elk

switch-efk: $(STAMP) ## fan-out with Fluent Bit: payload lifted, raw to S3, processed to OpenSearch (docker, or a fluent-bit binary)
	@$(CLI) switch efk

pipeline: $(STAMP) ## which fan-out pipeline is active
	@$(CLI) pipeline

verify: $(STAMP) ## send tagged events through the active pipeline; per sink: received/missing/duplicated/latency
	@$(CLI) verify $(ARGS)

# make check LAB=connect-s3 grades one lab; empty: every lab.
LAB ?=
check: $(STAMP) ## grade the course's labs, each criterion with its fix: make check, or make check LAB=connect-s3 (LAB=kpis: seed 003's KPIs)
	@$(CLI) check $(LAB) $(ARGS)

break-connect: $(STAMP) ## fault drill: SIGKILL the Connect worker mid-stream, restart it, prove nothing was lost
	@$(CLI) drill connect $(ARGS)

break-opensearch: $(STAMP) ## fault drill: OpenSearch down for 20 s while events flow, then 0 missing
	@$(CLI) drill opensearch $(ARGS)

break-records: $(STAMP) ## fault drill: malformed records into web_logs; the sinks dead-letter them with the reason
	@$(CLI) drill records $(ARGS)

break-broker: $(STAMP) ## fault drill: kill a broker of the three-node cluster (streamlab cluster up first)
	@$(CLI) cluster drill $(ARGS)

doctor: $(STAMP) ## check this machine before class (Java, Maven, Docker, ports, .env, bundle/): ARGS=--checksums reads every bundle file
	@$(CLI) doctor $(ARGS)

bundle: $(STAMP) ## write bundle/ for a class without internet: wheels, Maven repository, images, manifest (ARGS=--force)
	@$(CLI) bundle build $(ARGS)

# The console's browser tests drive Debian's chromium (a test tool's own browser download is not used).
CHROMIUM := /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
$(CHROMIUM):
	@echo "installing Debian's chromium for the console's browser tests ..."
	@$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null \
	  || { echo "error: could not install chromium (run: sudo apt-get install chromium)"; exit 1; }

test: $(STAMP) $(CHROMIUM) ## install everything needed and run the whole suite against real services
	@$(PY) -m pytest $(ARGS)

# Slow (a clone, a venv and the jars from bundle/, then the lab): its own CI step after `make test`.
test-offline: $(STAMP) ## a clean clone + bundle/ installs with pip's index and Maven's mirror refused, then make up, produce, consume, down
	@$(CLI) bundle build
	@STREAMLAB_OFFLINE_SMOKE=1 $(PY) -m pytest tests/test_offline_install.py $(ARGS)

bench: $(STAMP) ## run the benchmarks (needs `make up`)
	@for b in bench/[a-z]*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean: ## stop the lab and delete its state (topics, S3 objects, indices); keeps the jar cache
	@test -x $(CLI) && $(CLI) down || true
	@# Run as root from a folder nobody may enter, OpenSearch's folder is a link to a folder of its own
	@# (streamlab/runtime/opensearch_home.py): that folder goes too, and nothing else a link names.
	@for link in .lab/opensearch .lab-test/opensearch; do \
	  target=$$(readlink "$$link") && case "$$target" in /var/tmp/streamlab-opensearch-*) rm -rf "$$target";; esac; \
	done; true
	@rm -rf .lab/run .lab/logs .lab/kafka .lab/s3proxy .lab/opensearch .lab/connect .lab/fluent-bit .lab/spark .lab-test data/s3 data/spark

distclean: clean ## also delete the virtualenv and the jar cache
	@rm -rf $(VENV) .lab

-include mk/*.mk

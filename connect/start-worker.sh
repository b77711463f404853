#!/usr/bin/env bash
# Starts the Connect worker in the docker runtime.
#
# connect/worker.properties is shared with the native runtime, so it names no host, port or path:
# those are ${env:NAME} fields. Kafka Connect does not resolve them in its own worker config, so
# this script fills them from the CONNECT_* environment (docker-compose.yaml) and starts the worker
# on the result; streamlab/runtime/native_services.py does the same for the native runtime.
#
#   start-worker.sh [worker.properties]         render into /tmp and exec connect-distributed.sh
#   start-worker.sh --render-only [file]        print the rendered file (used by the tests)
set -euo pipefail

render_only=false
if [[ ${1:-} == --render-only ]]; then render_only=true; shift; fi
src=${1:-/etc/streamlab/connect/worker.properties}

render() {
  local line name
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line == \#* || -z $line ]] && continue
    while [[ $line =~ \$\{env:([A-Za-z0-9_]+)\} ]]; do
      name=${BASH_REMATCH[1]}
      if [[ -z ${!name+set} ]]; then
        echo "start-worker.sh: worker.properties needs \$$name, which is not set" >&2
        exit 1
      fi
      line=${line//"\${env:$name}"/${!name}}
    done
    printf '%s\n' "$line"
  done < "$src"
}

if $render_only; then
  render
  exit 0
fi
render > /tmp/worker.properties
exec /opt/kafka/bin/connect-distributed.sh /tmp/worker.properties

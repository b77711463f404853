#!/bin/bash
# Runs a Spark job as whichever user compose gives the container (the host user, so the Parquet
# files and checkpoints are the student's). Hadoop's login asks the system for the user's name and
# fails with "invalid null input: name" when the uid has none, which a host uid inside the image
# does not. The image's own entrypoint fakes one only for its Kubernetes driver/executor modes, so
# this does the same for any command, with the image's libnss_wrapper, then runs it.
set -euo pipefail

if ! getent passwd "$(id -u)" > /dev/null; then
  for wrapper in /usr/lib/*/libnss_wrapper.so /usr/lib/libnss_wrapper.so; do
    if [ -s "$wrapper" ]; then
      NSS_WRAPPER_PASSWD="$(mktemp)"
      NSS_WRAPPER_GROUP="$(mktemp)"
      printf 'student:x:%s:%s:streamlab:%s:/bin/false\n' "$(id -u)" "$(id -g)" "$HOME" > "$NSS_WRAPPER_PASSWD"
      printf 'student:x:%s:\n' "$(id -g)" > "$NSS_WRAPPER_GROUP"
      export LD_PRELOAD="$wrapper" NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
      break
    fi
  done
fi

exec "$@"

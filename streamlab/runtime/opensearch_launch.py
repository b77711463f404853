"""Start OpenSearch's JVM directly, as `bin/opensearch` would, without the script's helper JVMs.

`bin/opensearch` (and `bin/opensearch-env`, which it sources twice) starts up to eight short JVMs
before the real one: `java -version`, a Java version check, a temp-folder maker, the keystore's
`has-passwd` (which sources opensearch-env again) and the JVM-options parser. Each loads the
distribution's classpath; while Kafka, Connect and s3proxy start on the same 2 cores they took
about 7 s of OpenSearch's start. The lab needs none of them every time:
- the options parser's answer depends only on `config/jvm.options*` and OPENSEARCH_JAVA_OPTS, so it
  runs once, and again only when one of those changed (its answer is kept beside the data);
- the temp folder is a fixed one in OpenSearch's own folder (the script made a new /tmp folder at
  every start and never removed it);
- the lab's keystore has no password (nothing in the lab sets one), so there is nothing to ask;
- `make doctor` checks the Java version already.
What remains is the script's final `exec`: the same options, system properties, classpath and main
class, from the distribution's folder (gc.log and heap dumps are relative to it).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

from ..errors import LabError

MAIN_CLASS = "org.opensearch.bootstrap.OpenSearch"
OPTIONS_PARSER = "org.opensearch.tools.launchers.JvmOptionsParser"
CACHE = "jvm-options.json"  # in OpenSearch's folder, beside dist/, data/ and logs/
# The parser always adds AlwaysPreTouch: the whole heap written at start, so resident from the first
# second. A lab's OpenSearch touches far less than its heap; without it the start is shorter and
# the RSS smaller (bench/native_up.py).
DROPPED = ("-XX:+AlwaysPreTouch",)


def jvm_options(java: str, dist: Path, java_opts: str, tmpdir: Path) -> list[str]:
    """The options the script would pass, from the cache when nothing they depend on changed."""
    cache = dist.parent / CACHE
    if not os.access(java, os.X_OK):
        raise LabError(f"OpenSearch's Java {java} is missing or cannot be run", "`make doctor` checks Java")
    key = _options_key(java, dist, java_opts, tmpdir)
    try:
        cached = json.loads(cache.read_text())
        if cached["key"] == key:
            return cached["options"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    options = [option for option in _parse_options(java, dist, java_opts, tmpdir) if option not in DROPPED]
    cache.write_text(json.dumps({"key": key, "options": options}))
    return options


def command(java: str, dist: Path, options: list[str]) -> list[str]:
    """The JVM command line of `bin/opensearch`'s final exec; OpenSearch's `-E` settings follow it."""
    return [
        java, "-Xshare:auto", *options,
        f"-Dopensearch.path.home={dist}",
        f"-Dopensearch.path.conf={dist / 'config'}",
        "-Dopensearch.distribution.type=zip",
        "-Dopensearch.bundled_jdk=false",
        "-cp", f"{dist / 'lib'}/*",
        MAIN_CLASS,
    ]


def _options_key(java: str, dist: Path, java_opts: str, tmpdir: Path) -> str:
    """What the parser's answer depends on: the Java (options differ by version), the distribution, the files, the settings."""
    config = dist / "config"
    files = [config / "jvm.options", *sorted((config / "jvm.options.d").glob("*.options"))]
    real_java = os.path.realpath(java)
    digest = hashlib.sha256(f"{real_java}\n{os.stat(real_java).st_mtime_ns}\n{java_opts}\n{tmpdir}\n".encode())
    unpacked = dist / ".unpacked-from"  # another pinned OpenSearch: its own options
    if unpacked.exists():
        digest.update(unpacked.read_bytes())
    for path in files:
        if path.exists():
            digest.update(path.name.encode() + b"\n" + path.read_bytes())
    return digest.hexdigest()


def _parse_options(java: str, dist: Path, java_opts: str, tmpdir: Path) -> list[str]:
    result = subprocess.run(
        [java, "-Xshare:auto", "-cp", f"{dist / 'lib'}/*", OPTIONS_PARSER, str(dist / "config")],
        capture_output=True, text=True, cwd=dist,
        env={"OPENSEARCH_JAVA_OPTS": java_opts, "OPENSEARCH_TMPDIR": str(tmpdir), "PATH": "/usr/bin:/bin"},
    )
    if result.returncode != 0:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise LabError(f"OpenSearch's JVM options could not be read from {dist / 'config'}: {last[0]}",
                       "`make clean` unpacks OpenSearch again")
    return result.stdout.split()

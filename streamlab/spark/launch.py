"""Where `make spark-stream` and `make spark-aggregate` run a job: in the spark container, or here.

The docker runtime runs it in docker-compose.yaml's `spark` service (profile "spark": the official
Spark image with the lab's connector jars), so the host needs neither Java nor pyspark. The native
runtime runs the script here, with pyspark from the `spark` extra (the Makefile installs it).

    python -m streamlab.spark.launch where                     # docker | native (RUNTIME's rule)
    python -m streamlab.spark.launch run processors/spark_streaming.py --topic web_logs ...

Either way the job writes the same folders: Parquet under SPARK_DATA_DIR, checkpoints under
<LAB_HOME>/spark/checkpoints/, so a job started in one runtime continues in the other.
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

from ..config import Settings, load_settings
from ..runtime import choose_runtime, runtime_line
from ..runtime.docker import DockerRuntime
from ..topology import load_topology

SERVICE = PROFILE = "spark"
USAGE = "usage: python -m streamlab.spark.launch where | run SCRIPT [OPTION...]"


def where(settings: Settings) -> str:
    """docker or native, by the lab's own rule (RUNTIME, else whether an engine answers), said on stderr."""
    choice, reason = choose_runtime(settings)
    print(runtime_line(choice, reason), file=sys.stderr)
    return choice


def host_paths(settings: Settings) -> dict[str, str]:
    """The compose variables that mount the host's Spark folders (docker-compose.yaml says why)."""
    return {"STREAMLAB_SPARK_DATA": str(Path(settings.SPARK_DATA_DIR)),
            "STREAMLAB_SPARK_STATE": str(settings.home / "spark")}


def compose_run_args(script: str, args: list[str], build: bool) -> list[str]:
    """One job in the spark service; its container is removed when the job ends."""
    return ["--profile", PROFILE, "run", "--rm", *(["--build"] if build else []), SERVICE, "python3", script, *args]


@contextmanager
def ctrl_c_left_to_the_job():
    """Ctrl+C reaches compose too (same terminal), which hands it to the job: wait here for the job to
    stop between batches instead of dying first. A handler, not SIG_IGN, which compose would inherit."""
    previous = signal.signal(signal.SIGINT, lambda *_: None)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_in_container(settings: Settings, script: str, args: list[str]) -> None:
    for name, folder in host_paths(settings).items():
        Path(folder).mkdir(parents=True, exist_ok=True)  # made here as the student: Docker would make them as root
        os.environ.setdefault(name, folder)  # for compose; one set by hand wins
    runtime = DockerRuntime(settings, load_topology())
    build = runtime.build_option() == "--build"  # images loaded from bundle/ are not rebuilt
    with ctrl_c_left_to_the_job():
        runtime.compose(*compose_run_args(script, args, build))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    settings = load_settings()
    if argv[:1] == ["where"]:
        print(where(settings))
        return 0
    if argv[:1] == ["run"] and len(argv) > 1:
        run_in_container(settings, argv[1], argv[2:])
        return 0
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    from ..scripting.run import run_main

    run_main(main)

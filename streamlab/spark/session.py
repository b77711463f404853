"""A local SparkSession for the lab: `local[2]`, the Kafka connector from the jar cache, quiet logs.

The connector jars come from native/pom.xml (`<LAB_JARS>/spark/`) and are passed as `spark.jars`:
no `--packages`, no Ivy, so a cached lab works offline.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from pathlib import Path

from ..errors import LabError
from ..runtime.jars import ensure_jars
from ..topology import REPO_ROOT

QUIET_LOG4J = REPO_ROOT / "spark" / "log4j2.properties"
JAR_PREFIXES = ("spark-sql-kafka", "spark-token-provider-kafka", "kafka-clients", "commons-pool2")


def pyspark_ready() -> bool:
    return importlib.util.find_spec("pyspark") is not None


def pyspark_version() -> str | None:
    """The version pip installed (None without one, as in the spark image, whose pyspark is Spark's own)."""
    try:
        return importlib.metadata.version("pyspark")
    except importlib.metadata.PackageNotFoundError:
        return None


def pinned_pyspark() -> str:
    """pyproject.toml's pyspark pin (the `spark` extra), which native/pom.xml's <spark.version> equals."""
    from ..bundle.wheels import read_pyproject

    pins = read_pyproject()["project"]["optional-dependencies"]["spark"]
    return next(pin.split("==", 1)[1] for pin in pins if pin.startswith("pyspark=="))


def require_pyspark() -> None:
    if not pyspark_ready():
        raise LabError("pyspark is not installed", "run `make spark-stream` once, or: pip install -e '.[spark]'")


def connector_jars(jars_root: Path) -> list[Path]:
    """The Kafka connector and what it needs beyond pyspark's own jars; resolved with Maven when absent."""
    if not connector_jars_present(jars_root):
        ensure_jars(Path(jars_root))
    return sorted((Path(jars_root) / "spark").glob("*.jar"))


def connector_jars_present(jars_root: Path) -> bool:
    names = [path.name for path in (Path(jars_root) / "spark").glob("*.jar")]
    return all(any(name.startswith(prefix) for name in names) for prefix in JAR_PREFIXES)


def spark_session(app_name: str, jars_root: Path, driver_memory: str = "512m", cores: int = 2):
    """Build (or reuse) the process's SparkSession; its JVM starts here, with these settings."""
    require_pyspark()
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # else a warning that the hostname is a loopback address

    jars = ",".join(str(path) for path in connector_jars(jars_root))
    quiet = f"-Dlog4j2.configurationFile=file:{QUIET_LOG4J}"
    builder = (
        SparkSession.builder.appName(app_name)
        .master(f"local[{cores}]")
        .config("spark.jars", jars)
        .config("spark.driver.memory", driver_memory)
        .config("spark.driver.extraJavaOptions", quiet)
        .config("spark.driver.bindAddress", "127.0.0.1")  # a lab job needs no LAN address
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")              # no port 4040 to collide with a second job
        .config("spark.ui.showConsoleProgress", "false")  # its stage bars would garble the progress lines
        .config("spark.sql.shuffle.partitions", str(cores))  # 200 by default: 200 tiny tasks per window batch
        .config("spark.sql.session.timeZone", "UTC")      # date folders and windows in UTC, like the events
        .config("spark.sql.adaptive.enabled", "false")    # streams cannot use it, and say so on every start
        .config("spark.sql.streaming.noDataMicroBatches.enabled", "true")  # close windows while the input is quiet
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    return session

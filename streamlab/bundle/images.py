"""bundle/images/: `docker save` of every image the lab runs, and `docker load` of the absent ones.

Saving needs a Docker engine: the lab's own images (connect, logstash, fluent-bit) are built, the
pinned ones pulled when absent, then each saved to its own tar so a student loads only what
their engine lacks. Without an engine the manifest says images were skipped and why; the docker
runtime then pulls as usual.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from rich.console import Console

from ..errors import LabError
from ..runtime.docker import COMPOSE_FILE, engine_answers
from .pins import REPO_ROOT, pinned_images

FOLDER = "images"
PROFILES = ("elk", "efk", "cluster", "spark")  # every service, the on-demand ones included


def image_file(image: str) -> str:
    """images/apache_kafka_4.3.1.tar for apache/kafka:4.3.1 (one tar per image)."""
    return f"{FOLDER}/{re.sub(r'[^A-Za-z0-9._-]+', '_', image)}.tar"


def docker(*args: str, quiet: bool = False) -> int:
    output = subprocess.DEVNULL if quiet else None
    return subprocess.run(["docker", *args], cwd=REPO_ROOT, stdout=output, stderr=output).returncode


def present(image: str) -> bool:
    return docker("image", "inspect", image, quiet=True) == 0


def checked(code: int, what: str) -> None:
    if code != 0:
        raise LabError(f"`docker {what}` failed (exit {code})", "see its output above")


def no_engine_reason() -> str:
    return "no Docker engine answered when the bundle was made"


def save_images(root: Path, console: Console) -> dict:
    """{"saved": {image: file}, "skipped": None}, or nothing saved and the reason when no engine answers."""
    if not engine_answers():
        console.print(f"images/: skipped, {no_engine_reason()} (the docker runtime will pull them)")
        return {"saved": {}, "skipped": no_engine_reason()}
    profiles = [word for profile in PROFILES for word in ("--profile", profile)]
    checked(docker("compose", "-f", str(COMPOSE_FILE), *profiles, "build"), "compose build")
    images = pinned_images()
    (root / FOLDER).mkdir(parents=True, exist_ok=True)
    saved = {}
    for number, image in enumerate(images, 1):
        if not present(image):
            checked(docker("pull", image), f"pull {image}")
        console.print(f"saving image {number}/{len(images)}: {image}")
        checked(docker("save", "-o", str(root / image_file(image)), image), f"save {image}")
        saved[image] = image_file(image)
    return {"saved": saved, "skipped": None}


def load_absent(root: Path, saved: dict[str, str], console: Console) -> list[str]:
    """`docker load` each saved image the engine lacks; returns those loaded."""
    loaded = []
    for image, file in sorted(saved.items()):
        if present(image):
            continue
        console.print(f"loading {image} from bundle/{file}")
        checked(docker("load", "-q", "-i", str(root / file)), f"load -i bundle/{file}")
        loaded.append(image)
    return loaded

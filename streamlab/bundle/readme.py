"""bundle/README.md: what the bundle holds, how a class uses it, how to build it for another platform."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = """\
# streamlab offline bundle

Made {made} for Python {python} on {os}, extras: {extras}.
`manifest.json` lists every file with its size and sha256, and the pins it was made for.

| folder | what |
| --- | --- |
| `wheels/` | every pinned Python package as a wheel (`requirements.txt`: their versions) |
| `m2/` | a Maven repository: `native/pom.xml` builds from it with `mvn -o` |
| `images/` | `docker save` of every image the lab runs: {images} |

## Using it

Copy this folder into the lab's clone as `bundle/` (USB stick, a share), then `make up`: pip
installs with `--no-index --find-links bundle/wheels`, Maven resolves offline against
`bundle/m2`, and the docker runtime `docker load`s an image its engine lacks. `OFFLINE=1` makes
a missing part an error instead of a download; `OFFLINE=0` ignores the bundle. `make doctor`
says whether the bundle is complete and matches the clone's pins.

## Wheels for another platform

Wheels with a platform tag (`cp311-...-manylinux...`) install only on this Python and platform.
For students on another, fetch them on any machine with internet, for example macOS on Apple
Silicon with Python 3.12:

```bash
python3 -m pip download --only-binary=:all: --platform macosx_11_0_arm64 --python-version 3.12 \\
    -d wheels-macos -r bundle/requirements.txt{copy_built}
```

(`--platform win_amd64` for Windows, `manylinux2014_aarch64` for Linux on ARM.) On those laptops
put `wheels-macos/` in place of `bundle/wheels/` and run `make up OFFLINE=1`: the bundle's
manifest describes this platform's wheels, so `make doctor` reports the swapped folder.
"""


def copy_built_line(built_here: list[str]) -> str:
    """The wheels pip built here from source have no binary to fetch: they are copied instead."""
    if not built_here:
        return ""
    files = " ".join(f"bundle/wheels/{name.replace('-', '_')}-*.whl" for name in built_here)
    return f"\ncp {files} wheels-macos/   # built here from source: pure Python, any platform"


def write_readme(root: Path, manifest: dict, built_here: list[str]) -> Path:
    saved = manifest["images"].get("saved") or {}
    images = f"{len(saved)} images" if saved else f"none ({manifest['images'].get('skipped')})"
    path = root / "README.md"
    path.write_text(TEMPLATE.format(
        made=manifest["made"], python=manifest["platform"]["python"], os=manifest["platform"]["os"],
        extras=", ".join(manifest["extras"]) or "none", images=images,
        copy_built=copy_built_line(built_here),
    ))
    return path

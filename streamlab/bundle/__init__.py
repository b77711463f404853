"""The offline classroom bundle (issue 17): `make bundle` writes bundle/, installs read from it.

bundle/ holds wheels/ (every pinned Python package, extras included, for this platform), m2/ (a
Maven repository that builds native/pom.xml offline), images/ (`docker save` tars, when a Docker
engine answers), README.md and manifest.json (each file's size and sha256, and the pins it was
made for). A student copies it beside the clone; `make up` and `make test` then need no network.

Modules, stdlib only (the Makefile runs `source` with the system python before .venv exists):
  pins       what the bundle must match: the pin files' digests, per part, and the pinned images
  manifest   build, write, read and check manifest.json
  source     per part, whether an install reads the bundle or the network (OFFLINE=1|0, auto)
  verdict    what doctor says: absent, incomplete, stale or ok
Modules that build it (they run in .venv):
  wheels     pip wheel of the project with every extra in pyproject.toml
  maven_repo Maven's go-offline + package into m2/, then an offline build to prove it complete
  images     docker build/pull/save of every image, and docker load of the absent ones
  readme     bundle/README.md, how to use it and how to build it for another platform
  build      `streamlab bundle build`: the steps above, each skipped when its part is up to date
"""

"""Export the app's OpenAPI spec to gateway/openapi.json (tests fail when the committed file drifts).

Usage: python -m streamlab.gateway.spec [PATH]   (`make gateway-openapi`)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..topology import REPO_ROOT
from .app import create_app
from .config import GatewayConfig

SPEC_FILE = REPO_ROOT / "gateway" / "openapi.json"


class _Unused:
    """The spec does not depend on Kafka: the app is built over stand-ins that are never called."""

    def publish(self, topic, records, keys):
        raise NotImplementedError

    def require(self, stream):
        raise NotImplementedError

    def refresh(self):
        raise NotImplementedError

    def close(self):
        pass


def spec_text() -> str:
    """The spec as committed: stable key order, two-space indent, trailing newline."""
    app = create_app(GatewayConfig(), _Unused(), _Unused(), "(not connected: spec export)")
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else SPEC_FILE
    path.write_text(spec_text())
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])

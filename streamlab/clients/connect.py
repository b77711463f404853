"""Kafka Connect: render connector files from .env, validate, register idempotently, watch state.

Connector files (connectors/*.json) are `{"name": ..., "config": {...}}` with `${VAR}` placeholders;
variables come from the settings, `.env`, and `*_FOR_CONNECT` addresses as the worker sees them
(inside Docker the S3 store is `s3proxy:9000`, not `localhost:9000`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import requests

from ..errors import LabError
from .waits import bounded_wait
from ..waiting import wait_for

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Connector:
    name: str
    config: dict[str, str]

    @property
    def connector_class(self) -> str:
        return self.config.get("connector.class", "")


def render(path: Path, variables: dict[str, str]) -> Connector:
    """Read a connector file, fill `${VAR}`s; missing variables and malformed JSON are one-line errors."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise LabError(f"cannot read connector file {path}: {exc.strerror}", exit_code=2) from None
    missing = sorted({name for name in PLACEHOLDER.findall(text) if name not in variables})
    if missing:
        raise LabError(f"{path.name} uses {', '.join('${' + m + '}' for m in missing)} but it is not set", "add it to .env", exit_code=2)
    filled = PLACEHOLDER.sub(lambda m: json.dumps(str(variables[m.group(1)]))[1:-1], text)
    try:
        data = json.loads(filled)
    except json.JSONDecodeError as exc:
        raise LabError(f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", exit_code=2) from None
    if not isinstance(data, dict) or not isinstance(data.get("config"), dict) or not data.get("name"):
        raise LabError(f"{path.name} must be an object with \"name\" and \"config\"", exit_code=2)
    config = {k: str(v) for k, v in data["config"].items()}
    if "connector.class" not in config:
        raise LabError(f"{path.name}: config has no \"connector.class\"", exit_code=2)
    return Connector(name=data["name"], config={**config, "name": data["name"]})


def landing_prefix(config: dict[str, str]) -> str:
    """The folder an S3 sink writes to: its file.name.template up to the time folders, e.g. topics/web_logs/."""
    template = config.get("file.name.template", "topics/{{topic}}/")
    topic = config.get("topics") or "<topic>"  # a topics.regex sink writes one folder per topic
    head = template.replace("{{topic}}", topic).split("{{")[0]
    return head[: head.rfind("/") + 1]


def secret_free(text: str, config: dict[str, str]) -> str:
    """Remove secret values of a config from a message before it is printed."""
    for key, value in config.items():
        if value and len(value) > 3 and any(w in key.lower() for w in ("secret", "password", "pass", "key.id")):
            text = text.replace(value, "****")
    return text


class ConnectClient:
    """The Connect REST API with one-line errors."""

    def __init__(self, url: str, timeout_s: float = 30):
        self.url = url.rstrip("/")
        self.timeout_s = bounded_wait(timeout_s)

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        try:
            return requests.request(method, f"{self.url}{path}", timeout=self.timeout_s, **kwargs)
        except requests.ConnectionError:
            raise LabError(f"Kafka Connect is not reachable at {self.url}", "start the lab with `make up`") from None
        except requests.Timeout:
            raise LabError(f"Kafka Connect at {self.url} did not answer within {self.timeout_s:g} s") from None

    def _json(self, method: str, path: str, ok=(200, 201, 202, 204), **kwargs):
        response = self._call(method, path, **kwargs)
        if response.status_code == 404:
            raise LabError(f"not found: {path.split('/')[2] if path.count('/') > 1 else path}", "see `streamlab connect list`")
        if response.status_code not in ok:
            message = response.json().get("message", response.text) if response.headers.get("content-type", "").startswith("application/json") else response.text
            raise LabError(f"Kafka Connect refused {method} {path}: {message.splitlines()[0] if message else response.status_code}")
        return response.json() if response.content else None

    def plugins(self) -> list[str]:
        return [p["class"] for p in self._json("GET", "/connector-plugins?connectorsOnly=true")]

    def validate(self, connector: Connector) -> list[str]:
        """Every field error Connect reports, as 'field: message' lines (empty = valid)."""
        if connector.connector_class not in self.plugins():
            known = ", ".join(c.rsplit(".", 1)[-1] for c in self.plugins())
            raise LabError(f"unknown connector class {connector.connector_class!r}", f"installed: {known}", exit_code=2)
        plugin = connector.connector_class.rsplit(".", 1)[-1]
        result = self._json("PUT", f"/connector-plugins/{plugin}/config/validate", json=connector.config)
        errors = []
        for item in result.get("configs", []):
            value = item.get("value", {})
            for message in value.get("errors", []):
                errors.append(f"{value.get('name')}: {secret_free(message, connector.config)}")
        return errors

    def config_of(self, name: str) -> dict[str, str] | None:
        response = self._call("GET", f"/connectors/{name}/config")
        return response.json() if response.status_code == 200 else None

    def put_config(self, connector: Connector) -> str:
        """Create or update; 'created', 'updated' or 'unchanged' (registering twice is a no-op)."""
        current = self.config_of(connector.name)
        if current == connector.config:
            return "unchanged"
        self._json("PUT", f"/connectors/{connector.name}/config", json=connector.config)
        return "created" if current is None else "updated"

    def names(self) -> list[str]:
        return sorted(self._json("GET", "/connectors"))

    def status(self, name: str) -> dict:
        return self._json("GET", f"/connectors/{name}/status")

    def pause(self, name: str) -> None:
        self._json("PUT", f"/connectors/{name}/pause")

    def resume(self, name: str) -> None:
        self._json("PUT", f"/connectors/{name}/resume")

    def restart(self, name: str) -> None:
        self._json("POST", f"/connectors/{name}/restart?includeTasks=true&onlyFailed=false")

    def delete(self, name: str) -> None:
        self._json("DELETE", f"/connectors/{name}")

    def wait_running(self, name: str, timeout_s: float = 60, console=None) -> dict:
        """Wait until the connector and all its tasks are RUNNING; a FAILED task ends the wait with its trace."""
        state: dict = {}

        def running() -> bool:
            state.update(self.status(name))
            return _all_running(state)

        def failed() -> str | None:
            return _failure(state)

        try:
            ok = wait_for(running, timeout_s, f"waiting for connector {name} to run", console, abort=failed)
        except RuntimeError as exc:
            raise LabError(str(exc)) from None
        if not ok:
            raise LabError(f"connector {name} is not RUNNING after {timeout_s:.0f}s (state: {summarize(state)})", "see `make logs SERVICE=connect`")
        return state


def _all_running(state: dict) -> bool:
    tasks = state.get("tasks", [])
    return state.get("connector", {}).get("state") == "RUNNING" and bool(tasks) and all(t["state"] == "RUNNING" for t in tasks)


def _failure(state: dict) -> str | None:
    for part in [state.get("connector", {}), *state.get("tasks", [])]:
        if part.get("state") == "FAILED":
            trace = (part.get("trace") or "no trace").strip().splitlines()[0]
            which = f"task {part['id']}" if "id" in part else "connector"
            return f"{state.get('name')} {which} FAILED: {trace}"
    return None


def summarize(state: dict) -> str:
    tasks = ", ".join(f"task {t['id']} {t['state']}" for t in state.get("tasks", []))
    return f"connector {state.get('connector', {}).get('state', '?')}" + (f", {tasks}" if tasks else ", no tasks")

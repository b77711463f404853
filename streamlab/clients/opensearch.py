"""OpenSearch for the lab: the local node or an AWS domain (https + user/password), with one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from ..config import Settings
from ..errors import LabError
from .waits import bounded_wait
from ..topology import REPO_ROOT

WEB_LOGS_TEMPLATE = REPO_ROOT / "opensearch" / "web-logs-template.json"


class OpenSearch:
    def __init__(self, settings: Settings, timeout_s: float = 10):
        self.url = settings.OPENSEARCH_URL.rstrip("/")
        self.auth = (settings.OPENSEARCH_USER, settings.OPENSEARCH_PASS) if settings.OPENSEARCH_USER else None
        self.timeout_s = bounded_wait(timeout_s)

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        try:
            response = requests.request(method, f"{self.url}{path}", auth=self.auth, timeout=self.timeout_s, **kwargs)
        except requests.ConnectionError:
            raise LabError(f"OpenSearch is not reachable at {self.url}", "start the lab with `make up`, or check OPENSEARCH_URL") from None
        except requests.Timeout:
            raise LabError(f"OpenSearch at {self.url} did not answer within {self.timeout_s:g} s") from None
        if response.status_code in (401, 403):
            raise LabError(f"OpenSearch at {self.url} refused the credentials ({response.status_code})", "check OPENSEARCH_USER / OPENSEARCH_PASS")
        return response

    def _decoded(self, response: requests.Response) -> dict:
        """The answer's JSON; a service that answers something else (a proxy's error page) is one line."""
        try:
            return response.json()
        except ValueError:
            raise LabError(f"{self.url} answered {response.status_code} without JSON: {response.text[:80]!r}",
                           "is OPENSEARCH_URL an OpenSearch?") from None

    def health(self) -> str:
        return self._decoded(self._call("GET", "/_cluster/health")).get("status", "unknown")

    def put_template(self, name: str, path: Path = WEB_LOGS_TEMPLATE) -> None:
        response = self._call("PUT", f"/_index_template/{name}", json=json.loads(path.read_text()))
        if response.status_code >= 300:
            raise LabError(f"OpenSearch refused index template {name}: {response.text[:200]}")

    def search(self, index: str, query: dict, size: int = 10_000, source: list[str] | None = None,
               sort: list[str] | None = None) -> list[dict]:
        """Hits' _source, the first `size` (by `sort`, else by score); a missing index has none."""
        body: dict = {"query": query, "size": size}
        if source is not None:
            body["_source"] = source
        if sort is not None:
            body["sort"] = sort
        response = self._call("POST", f"/{index}/_search?ignore_unavailable=true", json=body)
        if response.status_code == 404:
            return []
        if response.status_code >= 300:
            raise LabError(f"OpenSearch search on {index} failed: {response.text[:200]}")
        return [hit["_source"] for hit in self._decoded(response)["hits"]["hits"]]

    def scan(self, index: str, query: dict, source: list[str] | None = None, page: int = 5000) -> list[dict]:
        """Every matching document's _source, past the 10,000-hit window (scroll API)."""
        body: dict = {"query": query, "size": page, "sort": ["_doc"]}
        if source is not None:
            body["_source"] = source
        response = self._call("POST", f"/{index}/_search?scroll=1m&ignore_unavailable=true", json=body)
        if response.status_code == 404:
            return []
        docs, result = [], self._decoded(response)
        while hits := result.get("hits", {}).get("hits", []):
            docs.extend(hit["_source"] for hit in hits)
            result = self._decoded(self._call("POST", "/_search/scroll", json={"scroll": "1m", "scroll_id": result["_scroll_id"]}))
        if "_scroll_id" in result:
            self._call("DELETE", "/_search/scroll", json={"scroll_id": result["_scroll_id"]})
        return docs

    def count(self, index: str) -> int:
        """Documents in the indices `index` names (a pattern may match none: 0)."""
        response = self._call("GET", f"/{index}/_count?ignore_unavailable=true&allow_no_indices=true")
        return self._decoded(response).get("count", 0) if response.status_code == 200 else 0

    def refresh(self, index: str) -> None:
        self._call("POST", f"/{index}/_refresh?ignore_unavailable=true")

    def mapping(self, index: str) -> dict:
        return self._decoded(self._call("GET", f"/{index}/_mapping"))

    def delete_index(self, index: str) -> None:
        self._call("DELETE", f"/{index}?ignore_unavailable=true")

"""OpenSearch for the console: indices with document counts, counting a pattern, query-string search."""

from __future__ import annotations

import re

from ...clients.opensearch import OpenSearch
from ...errors import LabError
from ..errors import ConsoleError, bad_request, from_lab_error, one_line
from ..redact import without_userinfo
from ..tables import hits_table

# Index names and patterns only: letters, digits, - _ . * and commas; no path, no `_search` of ours.
INDEX_PATTERN = re.compile(r"^[a-z0-9*][a-z0-9_.*,+-]{0,254}$")
MAX_HITS = 200


def check_index(pattern: str) -> str:
    if not INDEX_PATTERN.match(pattern or ""):
        raise bad_request(f"{pattern!r} is not an index name or pattern (lowercase letters, digits, - _ . * and commas)")
    return pattern


class ConsoleSearch(OpenSearch):
    """The lab's OpenSearch client (its one-line errors, its credentials) plus the calls the console needs."""

    def answer(self, method: str, path: str, **kwargs) -> dict:
        """A JSON answer; an OpenSearch refusal is a 400 with its reason (a bad query), not a 500."""
        try:
            response = self._call(method, path, **kwargs)
        except LabError as exc:
            raise from_lab_error(exc) from None
        try:
            body = response.json() if response.content else {}
        except ValueError:  # not JSON: a proxy's error page, say
            body = {}
        if response.status_code >= 400:
            status = 404 if response.status_code == 404 else 400
            raise ConsoleError(status, "opensearch_refused", refusal_reason(body) or one_line(response.text))
        return body


def refusal_reason(body) -> str:
    """OpenSearch's own words for a refusal: the first root cause's reason (e.g. a query that does not parse)."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str):
        return one_line(error)
    if not isinstance(error, dict):
        return ""
    causes = error.get("root_cause") or [{}]
    return one_line(str(causes[0].get("reason") or error.get("reason") or error.get("type") or ""))


class SearchSource:
    def __init__(self, client: ConsoleSearch):
        self.client = client
        self.location = without_userinfo(client.url)

    def count(self, pattern: str) -> int:
        """Documents in the indices matching `pattern` (0 when none exists yet)."""
        check_index(pattern)
        body = self.client.answer("GET", f"/{pattern}/_count?ignore_unavailable=true&allow_no_indices=true")
        return int(body.get("count", 0))

    def indices(self, include_hidden: bool = False) -> list[dict]:
        rows = self.client.answer("GET", "/_cat/indices?format=json&bytes=b&h=index,health,status,docs.count,store.size")
        shown = [row for row in rows if include_hidden or not row.get("index", "").startswith(".")]
        return sorted(({"index": r.get("index"), "health": r.get("health"), "status": r.get("status"),
                        "documents": int(r.get("docs.count") or 0), "bytes": int(r.get("store.size") or 0)} for r in shown),
                      key=lambda row: row["index"])

    def search(self, pattern: str, query: str = "", size: int = 50) -> dict:
        """A query-string search (Lucene syntax: `status_code:[500 TO 599] AND method:POST`), newest first when
        the documents have a timestamp."""
        check_index(pattern)
        size = max(1, min(size, MAX_HITS))
        body = {
            "size": size,
            "track_total_hits": True,
            "query": {"query_string": {"query": query}} if query.strip() else {"match_all": {}},
        }
        if self._dated(pattern):
            body["sort"] = [{"timestamp": {"order": "desc"}}]
        answer = self.client.answer("POST", f"/{pattern}/_search?ignore_unavailable=true&allow_no_indices=true", json=body)
        hits = answer.get("hits", {})
        total = hits.get("total", {})
        return {"index": pattern, "query": query, "took_ms": answer.get("took"),
                "total": total.get("value", 0) if isinstance(total, dict) else total,
                "total_is_lower_bound": isinstance(total, dict) and total.get("relation") == "gte",
                **hits_table(hits.get("hits", []))}

    def _dated(self, pattern: str) -> bool:
        """True when every index of `pattern` that has a `timestamp` maps it as a date: then hits can be
        newest first (sorting on a text field would make OpenSearch refuse the whole search)."""
        mappings = self.client.answer("GET", f"/{pattern}/_mapping/field/timestamp?ignore_unavailable=true&allow_no_indices=true")
        types = [field.get("mapping", {}).get("timestamp", {}).get("type")
                 for index in mappings.values() for field in (index.get("mappings") or {}).values()]
        return bool(types) and all(kind in ("date", "date_nanos") for kind in types)

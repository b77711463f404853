"""Read FMS devices over HTTP: `GET {url}/{device_id}/` answers one reading as JSON (seed 003's API)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import requests

from ..errors import LabError


class FetchError(Exception):
    """One device could not be read this round; the message says why, the same for every device of a round.

    `unreachable` means the API itself did not answer (so asking the next device is pointless).
    """

    def __init__(self, message: str, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable


def check_api_url(url: str) -> str:
    """The URL without a trailing slash; a one-line user error (exit 2) if it is not http(s)://host."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise LabError(f"--api-url {url!r} is not an http(s) URL", "e.g. --api-url http://finfra.iptime.org:9872",
                       exit_code=2)
    return url.rstrip("/")


class ApiReader:
    def __init__(self, url: str, timeout_s: float = 5.0):
        self.url = check_api_url(url)
        self.timeout_s = timeout_s
        self.session = requests.Session()

    def read(self, device_id: int) -> dict[str, Any]:
        try:
            response = self.session.get(f"{self.url}/{device_id}/", timeout=self.timeout_s)
            response.raise_for_status()
            return response.json()
        except requests.exceptions.JSONDecodeError:
            raise FetchError(f"{self.url} did not answer JSON") from None
        except requests.HTTPError as exc:
            raise FetchError(f"{self.url} answered HTTP {exc.response.status_code}") from None
        except requests.RequestException as exc:
            raise FetchError(f"could not reach {self.url} ({why_unreachable(exc, self.timeout_s)})", unreachable=True) from None


def why_unreachable(exc: requests.RequestException, timeout_s: float) -> str:
    """A few words for what urllib3 says in ten wrapped lines: name not resolved, connection refused, ..."""
    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout_s:g}s"
    text = str(exc)
    for needle, words in (("Failed to resolve", "name not resolved"), ("Name or service not known", "name not resolved"),
                          ("Connection refused", "connection refused"), ("Network is unreachable", "network unreachable"),
                          ("No route to host", "no route to host"), ("SSL", "TLS handshake failed")):
        if needle in text:
            return words
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return type(reason or exc).__name__

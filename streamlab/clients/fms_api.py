"""Read FMS devices over HTTP: `GET {url}/{device_id}/` answers one reading as JSON (seed 003's API)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import requests

from ..errors import LabError


class FetchError(Exception):
    """One device could not be read this round; the message says why."""


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
        address = f"{self.url}/{device_id}/"
        try:
            response = self.session.get(address, timeout=self.timeout_s)
            response.raise_for_status()
            return response.json()
        except requests.exceptions.JSONDecodeError:
            raise FetchError(f"{address} did not answer JSON") from None
        except requests.RequestException as exc:
            raise FetchError(f"{address}: {type(exc).__name__}: {exc}") from None

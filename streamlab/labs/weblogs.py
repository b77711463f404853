"""Faker web-log events `{ip, timestamp, method, url, status_code, user_agent}` (seed 001).

Building every field with Faker costs ~200 µs an event (about 5,000/s), so the factory draws
from pools of Faker values made once; `fresh=True` keeps the one-Faker-call-per-field style.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone

from faker import Faker

# A realistic mix: mostly reads and successes, a tail of client and server errors.
METHODS = {"GET": 70, "POST": 18, "PUT": 5, "DELETE": 3, "PATCH": 2, "HEAD": 2}
STATUS_CODES = {200: 72, 201: 4, 204: 2, 301: 3, 302: 3, 304: 5, 400: 2, 401: 2, 403: 1, 404: 4, 500: 1, 502: 0.5, 503: 0.5}
FIELDS = ("ip", "timestamp", "method", "url", "status_code", "user_agent")


class WebLogFactory:
    """Makes web-log events; deterministic for a given seed (timestamps aside)."""

    def __init__(self, seed: int | None = None, pool_size: int = 2000, fresh: bool = False):
        self.faker = Faker()
        self.random = random.Random(seed)
        if seed is not None:
            self.faker.seed_instance(seed)
        self.fresh = fresh
        self._methods = self.random.choices(list(METHODS), weights=list(METHODS.values()), k=4096)
        self._statuses = self.random.choices(list(STATUS_CODES), weights=list(STATUS_CODES.values()), k=4096)
        if not fresh:
            self._ips = [self.faker.ipv4_public() for _ in range(pool_size)]
            self._urls = [self._url() for _ in range(pool_size)]
            self._agents = [self.faker.user_agent() for _ in range(pool_size)]

    def _url(self) -> str:
        return f"{self.faker.url().rstrip('/')}/{self.faker.uri_path()}"

    def event(self, **extra) -> dict:
        """One event; `extra` fields (run_id, seq, ...) are added as given."""
        pick = self.random.choice
        if self.fresh:
            ip, url, agent = self.faker.ipv4_public(), self._url(), self.faker.user_agent()
        else:
            ip, url, agent = pick(self._ips), pick(self._urls), pick(self._agents)
        event = {
            "ip": ip,
            "timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": pick(self._methods),
            "url": url,
            "status_code": pick(self._statuses),
            "user_agent": agent,
        }
        event.update(extra)
        return event

"""Realistic Apache, Nginx and JSON application log lines for the streamer to tail (`--generate-test-logs`).

Lines include the variants real servers write (IPv6 clients, `-` sizes on 304s, `-` requests on
408s, escaped quotes in user agents, non-ASCII paths, local time zones, nginx's trailing fields)
and, at `bad_ratio`, lines no parser accepts, so the dead-letter topic has something to show.
"""

from __future__ import annotations

import json
import random
import threading
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path


from .sources import Source

_METHODS = (("GET", 70), ("POST", 15), ("PUT", 5), ("HEAD", 4), ("DELETE", 3), ("OPTIONS", 3))
_STATUSES = ((200, 68), (304, 8), (404, 6), (201, 4), (301, 3), (302, 3), (500, 2), (503, 1), (401, 2),
             (403, 1), (408, 1), (400, 1))
_PATHS = ("/", "/index.html", "/api/orders", "/api/orders/{n}", "/api/users/{n}", "/static/app.{n}.js",
          "/search?q=%EC%B9%B4%ED%8E%98", "/products/{n}?ref=home", "/메뉴/빵", "/login", "/health")
_LEVELS = (("INFO", 70), ("WARN", 15), ("ERROR", 8), ("DEBUG", 7))
_LOGGERS = ("com.example.UserService", "com.example.OrderService", "com.example.PaymentGateway",
            "com.example.InventoryService")
_MESSAGES = ("User login successful", "Order processing delayed", "Payment authorised", "Cache miss",
             "Inventory reserved", "Retrying upstream call", "Session expired")
_BAD_LINES = ("GET /half-written-line HTTP/1.1", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
              "Traceback (most recent call last):", '{"timestamp": "2024-01-15T10:30:45Z", "level": "INFO"',
              "[error] 1234#0: *1 connect() failed (111: Connection refused)")
# Each server writes its own local time; the parser must turn them all into UTC.
_ZONES = {"apache": timezone(timedelta(hours=9)), "nginx": timezone.utc, "application": timezone.utc}


class TestLogGenerator:
    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, seed: int | None = None, bad_ratio: float = 0.02):
        self.rng = random.Random(seed)
        from faker import Faker  # imported when used: 0.1 s that every `streamlab` command paid

        self.faker = Faker()
        self.faker.seed_instance(seed)
        self.bad_ratio = bad_ratio

    def line(self, log_type: str, now: datetime | None = None) -> str:
        now = now or datetime.now(timezone.utc)
        if self.rng.random() < self.bad_ratio:
            return self.rng.choice(_BAD_LINES)
        if log_type == "application":
            return self.application_line(now)
        return self.access_line(log_type, now)

    def access_line(self, log_type: str, now: datetime) -> str:
        status = self.rng.choices(*zip(*_STATUSES))[0]
        request = "-" if status == 408 else f"{self.rng.choices(*zip(*_METHODS))[0]} {self._path(log_type)} {self._protocol()}"
        size = "-" if status == 304 else str(self.rng.randint(0, 60_000) if status < 400 else self.rng.randint(150, 600))
        stamp = now.astimezone(_ZONES[log_type]).strftime("%d/%b/%Y:%H:%M:%S %z")
        line = f'{self._client_ip()} - {self._user()} [{stamp}] "{request}" {status} {size} "{self._referer()}" "{self._user_agent()}"'
        if log_type == "nginx":  # log_format main adds $http_x_forwarded_for and $request_time
            line += f' "{self.faker.ipv4_public() if self.rng.random() < 0.2 else "-"}" {self.rng.uniform(0, 2):.3f}'
        return line

    def application_line(self, now: datetime) -> str:
        entry = {
            "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": self.rng.choices(*zip(*_LEVELS))[0],
            "logger": self.rng.choice(_LOGGERS),
            "message": self.rng.choice(_MESSAGES),
            "user_id": self.rng.randint(1, 99_999),
            "request_id": f"req-{self.rng.randrange(16**8):08x}",
        }
        if entry["logger"].endswith("OrderService"):
            entry["order_id"] = self.rng.randint(10_000, 99_999)
        return json.dumps(entry, ensure_ascii=False)

    def _client_ip(self) -> str:
        return self.faker.ipv6() if self.rng.random() < 0.1 else self.faker.ipv4_public()

    def _user(self) -> str:
        return self.faker.user_name() if self.rng.random() < 0.05 else "-"

    def _path(self, log_type: str) -> str:
        path = self.rng.choice(_PATHS).replace("{n}", str(self.rng.randint(1, 9999)))
        # Servers escape non-ASCII bytes of the request line as \xNN.
        return "".join(ch if ch.isascii() else "".join(f"\\x{b:02X}" for b in ch.encode()) for ch in path)

    def _protocol(self) -> str:
        return "HTTP/2.0" if self.rng.random() < 0.2 else "HTTP/1.1"

    def _referer(self) -> str:
        return self.faker.url() if self.rng.random() < 0.4 else "-"

    def _user_agent(self) -> str:
        agent = self.faker.user_agent()
        return agent + ' \\"compatible\\"' if self.rng.random() < 0.03 else agent


def append_lines(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in lines))


def write_test_logs(sources: list[Source], count: int, generator: TestLogGenerator | None = None) -> None:
    """Append `count` lines to every source's file (creating it and its directory)."""
    generator = generator or TestLogGenerator()
    for source in sources:
        append_lines(source.path, [generator.line(source.log_type) for _ in range(count)])


class GeneratorThread(threading.Thread):
    """Appends about `rate` lines a second, spread over the sources, until `stop` is set."""

    def __init__(self, sources: list[Source], rate: float, stop: threading.Event, generator: TestLogGenerator):
        super().__init__(name="test-log-generator", daemon=True)
        self.sources, self.rate, self.stop, self.generator = sources, rate, stop, generator

    def run(self) -> None:
        tick_s, owed = 0.1, 0.0
        while not self.stop.wait(tick_s):
            owed += self.rate * tick_s
            count, owed = int(owed), owed % 1
            batches: dict[Source, list[str]] = defaultdict(list)
            for _ in range(count):
                source = self.generator.rng.choice(self.sources)
                batches[source].append(self.generator.line(source.log_type))
            for source, lines in batches.items():
                append_lines(source.path, lines)

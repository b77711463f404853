"""Wild Rydes unicorn telemetry (seed 002): one record a second per unicorn, moving plausibly.

A unicorn flies at a bounded speed (120-200 m/s, changing at most 10 m/s a second) and turns at
most 15 degrees a second, so consecutive positions form a smooth track; `Distance` is the metres
flown since the previous record, matching the change in latitude and longitude.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

START = (42.2644, -71.9758)  # where the course's sample records are (Worcester, MA)
METRES_PER_DEGREE = 111_320.0
MIN_SPEED, MAX_SPEED, MAX_ACCELERATION = 120.0, 200.0, 10.0  # m/s, m/s, m/s per second
MAX_TURN_DEG = 15.0
POINTS_RANGE = (0, 250)
FIELDS = ("Name", "StatusTime", "Latitude", "Longitude", "Distance", "MagicPoints", "HealthPoints")


def status_time(moment: datetime) -> str:
    """`2017-06-05 09:17:08.189`, the format of the course's records (UTC)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


@dataclass
class Unicorn:
    name: str
    latitude: float
    longitude: float
    heading_deg: float
    speed: float
    magic_points: int
    health_points: int

    @classmethod
    def spawn(cls, name: str, rng: random.Random) -> "Unicorn":
        return cls(
            name,
            START[0] + rng.uniform(-0.05, 0.05),
            START[1] + rng.uniform(-0.05, 0.05),
            rng.uniform(0, 360),
            rng.uniform(MIN_SPEED, MAX_SPEED),
            rng.randint(100, 160),
            rng.randint(120, 180),
        )

    def fly(self, rng: random.Random, seconds: float = 1.0) -> float:
        """Turn, change speed within bounds and move; returns the metres flown."""
        self.heading_deg = (self.heading_deg + rng.uniform(-MAX_TURN_DEG, MAX_TURN_DEG) * seconds) % 360
        change = rng.uniform(-MAX_ACCELERATION, MAX_ACCELERATION) * seconds
        self.speed = min(max(self.speed + change, MIN_SPEED), MAX_SPEED)
        distance = self.speed * seconds
        heading = math.radians(self.heading_deg)
        metres_per_degree_east = METRES_PER_DEGREE * math.cos(math.radians(self.latitude))
        self.latitude += distance * math.cos(heading) / METRES_PER_DEGREE
        self.longitude += distance * math.sin(heading) / metres_per_degree_east
        self.magic_points = _drift(self.magic_points, rng)
        self.health_points = _drift(self.health_points, rng)
        return distance

    def record(self, distance: float, moment: datetime) -> dict[str, Any]:
        return {
            "Name": self.name,
            "StatusTime": status_time(moment),
            "Latitude": self.latitude,
            "Longitude": self.longitude,
            "Distance": round(distance),
            "MagicPoints": self.magic_points,
            "HealthPoints": self.health_points,
        }


def _drift(points: int, rng: random.Random) -> int:
    return min(max(points + rng.choice((-1, 0, 0, 1)), POINTS_RANGE[0]), POINTS_RANGE[1])


def validate_telemetry(value: Any) -> dict[str, Any]:
    """The record if it has every field of the course's format; ValueError otherwise."""
    if not isinstance(value, dict):
        raise ValueError(f"telemetry is a JSON object, not {type(value).__name__}")
    missing = [name for name in FIELDS if name not in value]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    for name in FIELDS[2:]:
        if not isinstance(value[name], (int, float)) or isinstance(value[name], bool):
            raise ValueError(f"{name} is not a number: {value[name]!r}")
    return value


def ground_distance(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Metres between two records' positions (equirectangular: exact enough for a second's flight)."""
    mean_lat = math.radians((a["Latitude"] + b["Latitude"]) / 2)
    dy = (b["Latitude"] - a["Latitude"]) * METRES_PER_DEGREE
    dx = (b["Longitude"] - a["Longitude"]) * METRES_PER_DEGREE * math.cos(mean_lat)
    return math.hypot(dx, dy)

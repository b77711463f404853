"""Factory monitoring (seed 003): device readings, thresholds, NORMAL/CRITICAL, averages, a simulator.

A reading has the FMS API's shape: `{"time", "DeviceId", "sensor1".."sensor3", "motor1".."motor3",
"isFail"}`. A sensor above 90, a motor above 1500 or `isFail` raises an alert; a reading with any
alert is CRITICAL, otherwise NORMAL.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

DEVICE_IDS = (1, 2, 3, 4, 5)
SENSORS = ("sensor1", "sensor2", "sensor3")
MOTORS = ("motor1", "motor2", "motor3")
SENSOR_LIMIT = 90.0
MOTOR_LIMIT = 1500.0
NORMAL, CRITICAL = "NORMAL", "CRITICAL"
_DEVICE_KEYS = ("DeviceId", "deviceId", "device_id", "id")
_TRUE_TEXT = {"true", "1", "yes", "y", "t"}
_FALSE_TEXT = {"false", "0", "no", "n", "f", ""}


@dataclass(frozen=True)
class Reading:
    device_id: int
    time: str
    sensors: dict[str, float]
    motors: dict[str, float]
    is_fail: bool

    def to_json(self) -> dict[str, Any]:
        return {"time": self.time, "DeviceId": self.device_id, **self.sensors, **self.motors, "isFail": self.is_fail}


def _number(data: dict, name: str) -> float:
    value = data.get(name)
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{name} is missing")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} is not a number: {value!r}") from None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    text = str(value).strip().lower()
    if text in _TRUE_TEXT | _FALSE_TEXT:
        return text in _TRUE_TEXT
    raise ValueError(f"isFail is not a boolean: {value!r}")


def reading_from_json(data: Any, device_id: int | None = None) -> Reading:
    """Validate an API or Kafka payload; ValueError names the first problem."""
    if not isinstance(data, dict):
        raise ValueError(f"a reading is a JSON object, not {type(data).__name__}")
    found = next((data[key] for key in _DEVICE_KEYS if key in data), device_id)
    if found is None:
        raise ValueError("DeviceId is missing")
    try:
        device = int(found)
    except (TypeError, ValueError):
        raise ValueError(f"DeviceId is not a number: {found!r}") from None
    return Reading(
        device_id=device,
        time=str(data.get("time") or data.get("timestamp") or _now()),
        sensors={name: _number(data, name) for name in SENSORS},
        motors={name: _number(data, name) for name in MOTORS},
        is_fail=_flag(data.get("isFail", False)),
    )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def device_span(device_ids: list[int]) -> str:
    """Device ids as runs, for one line per round: [1, 2, 3, 5] -> '1-3, 5'."""
    runs: list[list[int]] = []
    for device_id in sorted(set(device_ids)):
        if runs and device_id == runs[-1][-1] + 1:
            runs[-1].append(device_id)
        else:
            runs.append([device_id])
    return ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


@dataclass(frozen=True)
class Alert:
    device_id: int
    kind: str  # sensor | motor | failure
    field: str
    value: float | bool
    threshold: float | None
    time: str

    def message(self) -> str:
        if self.kind == "failure":
            return f"device {self.device_id} reports a failure (isFail)"
        return f"device {self.device_id} {self.field} = {self.value:g} > {self.threshold:g}"

    def to_json(self) -> dict[str, Any]:
        return {"device_id": self.device_id, "kind": self.kind, "field": self.field, "value": self.value,
                "threshold": self.threshold, "reading_time": self.time, "message": self.message()}


@dataclass(frozen=True)
class Analysis:
    reading: Reading
    sensor_avg: float
    motor_avg: float
    alerts: tuple[Alert, ...]

    @property
    def status(self) -> str:
        return CRITICAL if self.alerts else NORMAL


def analyze(reading: Reading) -> Analysis:
    """Averages, and one alert per value over its limit (strictly greater) plus one for a failure."""
    alerts = [Alert(reading.device_id, "sensor", name, value, SENSOR_LIMIT, reading.time)
              for name, value in reading.sensors.items() if value > SENSOR_LIMIT]
    alerts += [Alert(reading.device_id, "motor", name, value, MOTOR_LIMIT, reading.time)
               for name, value in reading.motors.items() if value > MOTOR_LIMIT]
    if reading.is_fail:
        alerts.append(Alert(reading.device_id, "failure", "isFail", True, None, reading.time))
    return Analysis(
        reading,
        sensor_avg=sum(reading.sensors.values()) / len(reading.sensors),
        motor_avg=sum(reading.motors.values()) / len(reading.motors),
        alerts=tuple(alerts),
    )


@dataclass
class DeviceSummary:
    readings: int = 0
    critical: int = 0
    sensor_sum: float = 0.0
    motor_sum: float = 0.0

    @property
    def sensor_avg(self) -> float:
        return self.sensor_sum / self.readings if self.readings else 0.0

    @property
    def motor_avg(self) -> float:
        return self.motor_sum / self.readings if self.readings else 0.0


@dataclass
class FleetAverages:
    """Running averages per device since the consumer started."""

    devices: dict[int, DeviceSummary] = field(default_factory=dict)

    def add(self, analysis: Analysis) -> DeviceSummary:
        summary = self.devices.setdefault(analysis.reading.device_id, DeviceSummary())
        summary.readings += 1
        summary.critical += analysis.status == CRITICAL
        summary.sensor_sum += analysis.sensor_avg
        summary.motor_sum += analysis.motor_avg
        return summary


class FmsSimulator:
    """Devices 1-5 whose values drift like real machines, now and then over a limit or failing."""

    def __init__(self, seed: int | None = None, spike_chance: float = 0.05, fail_chance: float = 0.02):
        self.rng = random.Random(seed)
        self.spike_chance = spike_chance
        self.fail_chance = fail_chance
        self._state = {device: self._initial() for device in DEVICE_IDS}

    def _initial(self) -> dict[str, float]:
        values = {name: self.rng.uniform(55, 80) for name in SENSORS}
        values.update({name: self.rng.uniform(1100, 1350) for name in MOTORS})
        return values

    def read(self, device_id: int) -> dict[str, Any]:
        """The next reading of one device, in the API's JSON shape."""
        state = self._state.setdefault(device_id, self._initial())
        for name in SENSORS:
            state[name] = _clamp(state[name] + self.rng.gauss(0, 2.5), 40, 88)
        for name in MOTORS:
            state[name] = _clamp(state[name] + self.rng.gauss(0, 25), 900, 1480)
        values = {name: round(value, 1) for name, value in state.items()}
        if self.rng.random() < self.spike_chance:  # a short excursion over a limit, not a new level
            name = self.rng.choice(SENSORS + MOTORS)
            values[name] = round(self.rng.uniform(91, 99) if name in SENSORS else self.rng.uniform(1510, 1700), 1)
        is_fail = self.rng.random() < self.fail_chance
        return Reading(device_id, _now(), {n: values[n] for n in SENSORS}, {n: values[n] for n in MOTORS}, is_fail).to_json()


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)

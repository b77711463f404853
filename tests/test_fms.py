"""Factory sensors: thresholds (strictly greater), NORMAL/CRITICAL, validation, averages, simulator."""

from __future__ import annotations

import pytest

from streamlab.labs.fms import (
    CRITICAL,
    DEVICE_IDS,
    MOTOR_LIMIT,
    NORMAL,
    SENSOR_LIMIT,
    FleetAverages,
    FmsSimulator,
    analyze,
    reading_from_json,
)


def payload(**changes) -> dict:
    base = {"time": "2024-01-15T10:00:00Z", "DeviceId": 3, "sensor1": 50, "sensor2": 60, "sensor3": 70,
            "motor1": 1000, "motor2": 1100, "motor3": 1200, "isFail": False}
    return {**base, **changes}


def test_normal_reading_and_averages():
    analysis = analyze(reading_from_json(payload()))
    assert analysis.status == NORMAL and analysis.alerts == ()
    assert analysis.sensor_avg == 60 and analysis.motor_avg == 1100


@pytest.mark.parametrize("changes, fields", [
    ({"sensor1": SENSOR_LIMIT}, []),  # at the limit is still normal
    ({"sensor1": 90.1}, ["sensor1"]),
    ({"motor3": MOTOR_LIMIT}, []),
    ({"motor3": 1500.5}, ["motor3"]),
    ({"sensor2": 95, "motor1": 1600}, ["sensor2", "motor1"]),
    ({"isFail": True}, ["isFail"]),
    ({"isFail": "true", "sensor3": 99}, ["sensor3", "isFail"]),
])
def test_thresholds_and_classification(changes, fields):
    analysis = analyze(reading_from_json(payload(**changes)))
    assert [alert.field for alert in analysis.alerts] == fields
    assert analysis.status == (CRITICAL if fields else NORMAL)


def test_alert_json_says_what_and_why():
    (alert,) = analyze(reading_from_json(payload(motor2=1600))).alerts
    assert alert.to_json() == {"device_id": 3, "kind": "motor", "field": "motor2", "value": 1600.0, "threshold": 1500.0,
                               "reading_time": "2024-01-15T10:00:00Z", "message": "device 3 motor2 = 1600 > 1500"}


def test_api_variants_are_accepted():
    reading = reading_from_json({k: str(v) for k, v in payload(isFail=0).items() if k != "DeviceId"}, device_id=5)
    assert reading.device_id == 5 and reading.sensors["sensor1"] == 50.0 and reading.is_fail is False


@pytest.mark.parametrize("data, problem", [
    ([1, 2], "JSON object"),
    (payload(DeviceId=None) | {"DeviceId": "x"}, "DeviceId is not a number"),
    ({k: v for k, v in payload().items() if k != "motor2"}, "motor2 is missing"),
    (payload(sensor1="hot"), "sensor1 is not a number"),
    (payload(sensor1=True), "sensor1 is missing"),
    (payload(isFail="maybe"), "isFail is not a boolean"),
])
def test_malformed_readings_raise_value_error(data, problem):
    with pytest.raises(ValueError, match=problem):
        reading_from_json(data)


def test_missing_device_id_without_fallback():
    data = payload()
    del data["DeviceId"]
    with pytest.raises(ValueError, match="DeviceId is missing"):
        reading_from_json(data)


def test_fleet_averages_per_device():
    fleet = FleetAverages()
    fleet.add(analyze(reading_from_json(payload())))
    fleet.add(analyze(reading_from_json(payload(sensor1=80, sensor2=80, sensor3=80, motor1=1600))))
    summary = fleet.devices[3]
    assert summary.readings == 2 and summary.critical == 1
    assert summary.sensor_avg == 70 and summary.motor_avg == pytest.approx((1100 + 1300) / 2)


def test_simulator_shape_range_and_occasional_alerts():
    simulator = FmsSimulator(seed=11)
    analyses = [analyze(reading_from_json(simulator.read(device))) for _ in range(200) for device in DEVICE_IDS]
    assert {a.reading.device_id for a in analyses} == set(DEVICE_IDS)
    critical = sum(a.status == CRITICAL for a in analyses)
    assert 0 < critical < len(analyses) * 0.2  # alerts happen, but most readings are normal
    normal_values = [v for a in analyses if a.status == NORMAL for v in a.reading.sensors.values()]
    assert min(normal_values) >= 40 and max(normal_values) <= SENSOR_LIMIT

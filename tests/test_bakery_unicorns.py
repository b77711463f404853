"""Bakery orders and totals; unicorn flights that stay plausible."""

from __future__ import annotations

import random

import pytest

from streamlab.labs.bakery import MENU, BakeryTotals, OrderFactory, order_total
from streamlab.labs.unicorns import (
    MAX_ACCELERATION,
    MAX_SPEED,
    MAX_TURN_DEG,
    MIN_SPEED,
    Unicorn,
    ground_distance,
    validate_telemetry,
)


def test_orders_are_consistent():
    factory = OrderFactory(seed=1)
    for _ in range(200):
        order = factory.order()
        assert order["total"] == order_total(order["items"]) > 0
        assert all(item["unit_price"] == MENU[item["product"]] for item in order["items"])
        assert len({item["product"] for item in order["items"]}) == len(order["items"])


def test_running_totals():
    totals = BakeryTotals()
    totals.add({"items": [{"product": "croissant", "quantity": 2, "unit_price": 2.2}]})
    totals.add({"items": [{"product": "croissant", "quantity": 1, "unit_price": 2.2},
                          {"product": "bagel", "quantity": 3, "unit_price": 2.1}]})
    assert totals.orders == 2 and totals.revenue == 12.9 and totals.average_order == 6.45
    assert totals.units == {"croissant": 3, "bagel": 3} and totals.sales["bagel"] == 6.3


@pytest.mark.parametrize("order, problem", [
    ("text", "JSON object"),
    ({"items": []}, "no items"),
    ({"items": [{"quantity": 1, "unit_price": 1}]}, "without a product"),
    ({"items": [{"product": "bagel", "quantity": 0, "unit_price": 1}]}, "quantity"),
    ({"items": [{"product": "bagel", "quantity": 1, "unit_price": "free"}]}, "unit_price"),
])
def test_malformed_orders_are_refused_without_changing_totals(order, problem):
    totals = BakeryTotals()
    with pytest.raises(ValueError, match=problem):
        totals.add(order)
    assert totals.orders == 0 and totals.revenue == 0


def test_unicorn_flies_plausibly():
    rng = random.Random(5)
    unicorn = Unicorn.spawn("Shadowfax", rng)
    previous = unicorn.record(0, _now())
    last_speed, last_heading = unicorn.speed, unicorn.heading_deg
    for _ in range(600):
        distance = unicorn.fly(rng)
        record = validate_telemetry(unicorn.record(distance, _now()))
        assert MIN_SPEED <= unicorn.speed <= MAX_SPEED
        assert abs(unicorn.speed - last_speed) <= MAX_ACCELERATION + 1e-9
        turn = abs((unicorn.heading_deg - last_heading + 180) % 360 - 180)
        assert turn <= MAX_TURN_DEG + 1e-9
        assert ground_distance(previous, record) == pytest.approx(distance, rel=0.01)
        assert record["Distance"] == round(distance)
        assert 0 <= record["MagicPoints"] <= 250 and 0 <= record["HealthPoints"] <= 250
        previous, last_speed, last_heading = record, unicorn.speed, unicorn.heading_deg


def test_record_has_the_course_format():
    record = Unicorn.spawn("Bucephalus", random.Random(1)).record(175.4, _now())
    assert list(record) == ["Name", "StatusTime", "Latitude", "Longitude", "Distance", "MagicPoints", "HealthPoints"]
    assert record["StatusTime"] == "2017-06-05 09:17:08.189" and record["Distance"] == 175


@pytest.mark.parametrize("value, problem", [([], "JSON object"), ({"Name": "x"}, "missing"),
                                            ({"Name": "x", "StatusTime": "t", "Latitude": "north", "Longitude": 1,
                                              "Distance": 1, "MagicPoints": 1, "HealthPoints": 1}, "Latitude")])
def test_malformed_telemetry(value, problem):
    with pytest.raises(ValueError, match=problem):
        validate_telemetry(value)


def _now():
    from datetime import datetime, timezone

    return datetime(2017, 6, 5, 9, 17, 8, 189_000, tzinfo=timezone.utc)

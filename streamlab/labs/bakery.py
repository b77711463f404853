"""Bakery orders for `bk-orders` (seed 001): a realistic order builder and running totals."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


MENU = {  # product -> unit price (EUR)
    "croissant": 2.20,
    "pain au chocolat": 2.50,
    "baguette": 1.90,
    "sourdough loaf": 6.50,
    "cinnamon roll": 3.40,
    "cheesecake slice": 4.80,
    "bagel": 2.10,
    "macaron": 1.60,
}
PAYMENTS = (("card", 70), ("mobile", 20), ("cash", 10))
CHANNELS = (("counter", 60), ("app", 30), ("phone", 10))


class OrderFactory:
    """Orders of 1-4 distinct products, mostly one or two of each, like a real counter."""

    def __init__(self, seed: int | None = None):
        self.rng = random.Random(seed)
        from faker import Faker  # imported when used: 0.1 s that every `streamlab` command paid

        self.faker = Faker()
        self.faker.seed_instance(seed)

    def order(self) -> dict[str, Any]:
        products = self.rng.sample(sorted(MENU), k=self.rng.choices((1, 2, 3, 4), (45, 30, 15, 10))[0])
        items = [{"product": name, "quantity": self.rng.choices((1, 2, 3, 6), (60, 25, 10, 5))[0],
                  "unit_price": MENU[name]} for name in products]
        return {
            "order_id": f"BK-{self.rng.randrange(16**10):010x}",
            "ordered_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "customer": self.faker.first_name(),
            "channel": self.rng.choices(*zip(*CHANNELS))[0],
            "payment": self.rng.choices(*zip(*PAYMENTS))[0],
            "items": items,
            "total": order_total(items),
        }


def order_total(items: list[dict[str, Any]]) -> float:
    return round(sum(item["quantity"] * item["unit_price"] for item in items), 2)


def validate_order(order: Any) -> list[dict[str, Any]]:
    """The order's items, checked; ValueError says what is wrong with the message."""
    if not isinstance(order, dict):
        raise ValueError(f"an order is a JSON object, not {type(order).__name__}")
    items = order.get("items")
    if not isinstance(items, list) or not items:
        raise ValueError("the order has no items")
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("product"), str):
            raise ValueError(f"item without a product: {item!r}")
        quantity, price = item.get("quantity"), item.get("unit_price")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise ValueError(f"{item['product']}: quantity {quantity!r} is not a positive whole number")
        if not isinstance(price, (int, float)) or isinstance(price, bool) or price < 0:
            raise ValueError(f"{item['product']}: unit_price {price!r} is not a price")
    return items


@dataclass
class BakeryTotals:
    orders: int = 0
    revenue: float = 0.0
    units: Counter = field(default_factory=Counter)
    sales: Counter = field(default_factory=Counter)  # product -> revenue

    def add(self, order: Any) -> float:
        """Count a valid order (ValueError otherwise); returns its total, recomputed from the items."""
        items = validate_order(order)
        total = order_total(items)
        self.orders += 1
        self.revenue = round(self.revenue + total, 2)
        for item in items:
            self.units[item["product"]] += item["quantity"]
            self.sales[item["product"]] = round(self.sales[item["product"]] + item["quantity"] * item["unit_price"], 2)
        return total

    @property
    def average_order(self) -> float:
        return round(self.revenue / self.orders, 2) if self.orders else 0.0

#!/usr/bin/env python3
"""Print bakery orders from `bk-orders` with running totals (seed 001): `python consumers/bakery_consumer.py`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from rich.console import Console  # noqa: E402
from rich.markup import escape  # noqa: E402
from rich.table import Table  # noqa: E402

from streamlab.labs.bakery import BakeryTotals  # noqa: E402
from streamlab.scripting.args import add_consumer_args, kafka_parser, require_script_topics  # noqa: E402
from streamlab.scripting.consume import consume_topic  # noqa: E402
from streamlab.scripting.run import run_main  # noqa: E402


def parse_args(argv=None):
    parser = kafka_parser("bakery_consumer.py", "Print bakery orders and running totals.", "bk-orders")
    add_consumer_args(parser, group=None)
    return parser.parse_args(argv)


def order_line(order: dict, total: float, totals: BakeryTotals) -> str:
    items = escape(", ".join(f"{item['quantity']}x {item['product']}" for item in order["items"]))
    who = f"[bold]{escape(str(order.get('order_id', '?')))}[/bold] {escape(str(order.get('customer', '?')))}"
    return (f"{who}: {items} = {total:.2f}   "
            f"[dim]orders {totals.orders:,}  revenue {totals.revenue:,.2f}  average {totals.average_order:.2f}[/dim]")


def totals_table(totals: BakeryTotals) -> Table:
    table = Table(title="sales per product", title_justify="left")
    table.add_column("product")
    table.add_column("units", justify="right")
    table.add_column("revenue", justify="right")
    for product, units in totals.units.most_common():
        table.add_row(product, f"{units:,}", f"{totals.sales[product]:,.2f}")
    return table


def main(argv=None) -> int:
    args = parse_args(argv)
    require_script_topics(args, args.topic)
    console = Console(highlight=False, soft_wrap=True)
    totals = BakeryTotals()

    def show(message, order) -> None:
        total = totals.add(order)
        console.print(order_line(order, total, totals))

    console.print(f"[dim]reading {args.topic!r} at {args.bootstrap_servers}; Ctrl+C for the totals[/dim]")
    summary = consume_topic(args, show, console)
    console.print(totals_table(totals))
    console.print(f"[bold]{totals.orders:,} orders, revenue {totals.revenue:,.2f}, "
                  f"average order {totals.average_order:.2f}[/bold]")
    console.print(f"[dim]{summary.line(args.topic)}[/dim]")
    return 0


if __name__ == "__main__":
    run_main(main)

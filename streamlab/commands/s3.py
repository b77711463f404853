"""`streamlab s3 ls | cat`: browse the S3 store the sinks write to."""

from __future__ import annotations

import typer

from ..clients.s3 import list_objects, read_object
from ..lab import Lab
from .tables import new_table


def register(app: typer.Typer, lab: Lab, out) -> None:
    s3_app = typer.Typer(no_args_is_help=True, help="Browse the S3 store the sinks write to.")
    app.add_typer(s3_app, name="s3")

    @s3_app.command("ls")
    def ls(prefix: str = typer.Argument("", help="key prefix, e.g. topics/web_logs/year=2026/")):
        """Objects as a table: key, size, records."""
        rows = list_objects(lab.settings, prefix)
        if not out.is_terminal:  # piped: plain tab-separated lines, never truncated
            for key, size, records in rows:
                print(f"{key}\t{size}\t{records}")
            return
        title = f"s3://{lab.settings.S3_BUCKET}/{prefix} ({len(rows)} objects, {sum(r[2] or 0 for r in rows)} records)"
        table = new_table(title, "key", "size", "records")
        for key, size, records in rows:
            table.add_row(key, f"{size:,}", str(records))
        out.print(table)

    @s3_app.command("cat")
    def cat(key: str):
        """Print one object (gunzipped if needed)."""
        out.print(read_object(lab.settings, key).decode(errors="replace"), end="", markup=False, highlight=False)

"""`streamlab s3 ls | cat`: browse the S3 store the sinks write to."""

from __future__ import annotations

import typer

from ..clients.s3 import list_objects, newest_key, read_object
from ..errors import EXIT_BAD_INPUT, LabError
from ..lab import Lab
from .tables import new_table


def register(app: typer.Typer, lab: Lab, out) -> None:
    s3_app = typer.Typer(no_args_is_help=True, help="Browse the S3 store the sinks write to.")
    app.add_typer(s3_app, name="s3")

    @s3_app.command("ls")
    def ls(
        prefix: str = typer.Argument("", help="key prefix, e.g. topics/web_logs/year=2026/"),
        records: bool = typer.Option(False, "--records", help="also count each object's records (reads every object)"),
    ):
        """Objects as a table: key and size; with --records, the records (JSON lines) in each."""
        where = f"s3://{lab.settings.S3_BUCKET}/{prefix}"
        # On stderr, and only on a terminal: a long listing says how far it got.
        with lab.console.status(f"listing {where}") as status:
            rows = list_objects(lab.settings, prefix, count_records=records,
                                progress=lambda listed, counted: status.update(listing_progress(where, listed, counted)))
        if not rows:
            lab.console.print(nothing_yet(lab, prefix), highlight=False)
            return
        columns = ("key", "size", "records") if records else ("key", "size")
        if not out.is_terminal:  # piped: plain tab-separated lines under a header, never truncated
            print("\t".join(columns))
            for row in rows:
                print("\t".join(str(value) for value in row[: len(columns)]))
            return
        title = f"{where} ({len(rows):,} objects, {sum(r[1] for r in rows):,} bytes"
        title += f", {sum(r[2] or 0 for r in rows):,} records)" if records else ")"
        table = new_table(title, *columns)
        for key, size, count in rows:
            table.add_row(key, f"{size:,}", *([str(count)] if records else []))
        out.print(table)
        if not records:
            lab.console.print("[dim]records per object: --records (reads every object)[/dim]")

    @s3_app.command("cat")
    def cat(key: str = typer.Argument(..., help="an object's key, or a prefix: its newest object, e.g. topics/web_logs/")):
        """Print one object (gunzipped if needed); given a prefix, its newest object (the key goes to stderr)."""
        found, count = newest_key(lab.settings, key)
        if found is None and (not key or key.endswith("/")):
            raise LabError(nothing_yet(lab, key), exit_code=EXIT_BAD_INPUT)
        if found is None:
            raise LabError(f"no object {key!r} in bucket {lab.settings.S3_BUCKET!r}, nor any under it",
                           "see `streamlab s3 ls`", exit_code=EXIT_BAD_INPUT)
        if found != key:
            lab.console.print(f"s3://{lab.settings.S3_BUCKET}/{found} (the newest of {count} under {key or '/'})", highlight=False)
        out.print(read_object(lab.settings, found).decode(errors="replace"), end="", markup=False, highlight=False)


def listing_progress(where: str, listed: int, counted: int | None) -> str:
    """The status line of a listing: objects listed so far, then objects read for their records."""
    if counted is None:
        return f"listing {where}: {listed:,} objects so far"
    return f"counting records under {where}: {counted:,} of {listed:,} objects read"


def nothing_yet(lab: Lab, prefix: str) -> str:
    every = int(lab.settings.CONNECT_FLUSH_INTERVAL_MS) / 1000
    return f"no objects under s3://{lab.settings.S3_BUCKET}/{prefix} yet (the sink writes every {every:g} s)"

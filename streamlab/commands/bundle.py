"""`streamlab bundle build | check`: the offline classroom bundle (bundle/, see streamlab/bundle/)."""

from __future__ import annotations

import typer

from ..bundle.build import build_bundle, check_bundle
from ..bundle.source import BUNDLE_DIR
from ..lab import Lab


def register(app: typer.Typer, lab: Lab, out) -> None:
    bundle_app = typer.Typer(no_args_is_help=True, help="The offline bundle: wheels, a Maven repository, images.")
    app.add_typer(bundle_app, name="bundle")

    @bundle_app.command("build")
    def build(force: bool = typer.Option(False, "--force", help="make every part again, even one made for these pins")):
        """Write bundle/ for a class without internet (`make bundle`); keeps parts made for these pins."""
        build_bundle(BUNDLE_DIR, lab.console, force)

    @bundle_app.command("check")
    def check(quick: bool = typer.Option(False, "--quick", help="sizes only, no checksums (seconds instead of a minute)")):
        """Is bundle/ complete (every file's sha256) and made for this checkout's pins?"""
        verdict = check_bundle(BUNDLE_DIR, lab.console, checksums=not quick)
        out.print(f"bundle/: {verdict.detail}", highlight=False)

"""`python -m streamlab` = the `streamlab` command."""

from .cli import main

main()

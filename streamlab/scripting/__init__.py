"""What the thin scripts under producers/, consumers/ and processors/ share.

Standard library only here, because `bootstrap` runs before the lab's packages are known to exist.
Modules: bootstrap (hop into .venv), run (errors become exit codes, for scripts and the CLI alike),
args (common options and signals), produce (paced sending with a live display and a summary),
consume (a consume loop that survives malformed messages), weblog_producer (the web-log
producer's command line).
"""

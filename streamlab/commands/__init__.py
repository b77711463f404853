"""The CLI's command groups: each module parses its options, calls one function, and prints.

Each exposes `register(app, lab, out)`; `streamlab/cli.py` lists them all in `COMMAND_GROUPS`.
Modules: lifecycle (up down status logs doctor), data (produce consume), fanout (switch pipeline
verify), gateway, topics, connect, s3, cluster, bundle (the offline bundle: build, check), options
(the options several commands share, such as --bootstrap-servers), and tables (every table they
print).
"""

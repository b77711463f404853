"""The lab console: one web page that shows the whole lab live (issue 13).

`streamlab console` (or `python -m streamlab.console`) serves it on lab.yaml's console port (8090),
bound to LAB_BIND. The overview draws the active fan-out (producer -> topic -> S3 / OpenSearch) with
live figures on every edge; the other pages browse topics and their messages, consumer groups,
connectors, S3 objects and OpenSearch indices. Everything the page loads is served from static/.

Modules:
  app        create_app(sources, config, token): the page, static files, /api/live, the page routers
  pages/     one API router per page, listed once in pages.PAGES (static/pages/<id>.js is its view)
  sources/   one source per system over the lab's clients; build_sources(lab) at the root
  sampler    the one background poller every viewer shares; watch: what it polls, the sample it makes
  live, sse  /api/live (the samples as server-sent events) and the event format
  flow       the active pipeline as nodes and edges, each edge naming its live figure
  figures    rates from end offsets, lag, bounded history; s3_tally: S3 records from object keys
  messages, tables, s3_tree   records for the page: messages, JSON Lines and hits as tables, folders
  access, redact, errors      who may change what, what never reaches the page, JSON errors
  config     port (lab.yaml), bind (LAB_BIND), token (CONSOLE_TOKEN)
  server     serve in the foreground, or in a thread (tests, benchmarks); service: as a lab service
"""

from .app import create_app

__all__ = ["create_app"]

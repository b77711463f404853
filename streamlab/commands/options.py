"""Options several commands share, defined once so their names and help stay the same everywhere."""

from __future__ import annotations

import typer

# The scripts under producers/ consumers/ processors/ take the same option with the same meaning.
BOOTSTRAP_SERVERS = typer.Option(None, "--bootstrap-servers", metavar="HOST:PORT",
                                 help="Kafka address (default: KAFKA_BOOTSTRAP in .env, else localhost:9092)")
CREATE_TOPIC = typer.Option(False, "--create", help="create the topic when it does not exist (default: a missing topic is an error)")

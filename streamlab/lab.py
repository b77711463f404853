"""The composition root's state: settings, topology, console and the chosen runtime, built on demand."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property

from rich.console import Console

from .clients.connect import ConnectClient
from .clients.kafka_client import SETTINGS_HINT, make_admin
from .clients.s3 import ensure_buckets
from .clients.topics import ensure_defaults
from .config import RUNTIMES, Settings, file_env, load_settings
from .errors import EXIT_BAD_INPUT, LabError
from .runtime import Runtime, choose_runtime, make_runtime, runtime_line
from .topology import Topology, load_topology


@dataclass
class Lab:
    console: Console = field(default_factory=lambda: Console(stderr=True, soft_wrap=True))
    runtime_name: str | None = None  # --runtime overrides RUNTIME from .env

    @cached_property
    def settings(self) -> Settings:
        if not self.runtime_name:
            return load_settings()
        if self.runtime_name not in RUNTIMES:
            raise LabError(f"--runtime {self.runtime_name!r} is not one of {', '.join(RUNTIMES)}",
                           "give --runtime auto, docker or native", exit_code=EXIT_BAD_INPUT)
        return load_settings(environ={**os.environ, "RUNTIME": self.runtime_name})  # the flag beats .env and RUNTIME

    @cached_property
    def topology(self) -> Topology:
        return load_topology()

    @cached_property
    def runtime_choice(self) -> tuple[str, str]:
        """(docker|native, why), decided once per command."""
        return choose_runtime(self.settings)

    @cached_property
    def runtime(self) -> Runtime:
        return make_runtime(self.runtime_choice[0], self.settings, self.topology, self.console)

    def announce_runtime(self) -> None:
        """`runtime: native (no Docker engine answers)`: said by `up` and `status`, not by every command."""
        self.console.print(f"[dim]{runtime_line(*self.runtime_choice)}[/dim]")

    def connect(self) -> ConnectClient:
        return ConnectClient(self.settings.CONNECT_URL)

    def connect_variables(self) -> dict[str, str]:
        """What `${VAR}` in connectors/*.json may use: settings, .env, and addresses as the worker sees them."""
        settings, runtime = self.settings, self.runtime
        return {
            **file_env(),
            **settings.as_env(),
            "S3_ENDPOINT_FOR_CONNECT": runtime.address_for_containers(settings.S3_ENDPOINT, "s3"),
            "OPENSEARCH_URL_FOR_CONNECT": runtime.address_for_containers(settings.OPENSEARCH_URL, "opensearch"),
        }

    def admin(self, bootstrap: str | None = None):
        """An admin client for `bootstrap` (a command's --bootstrap-servers), else KAFKA_BOOTSTRAP."""
        return make_admin(bootstrap or self.settings.KAFKA_BOOTSTRAP)

    def up(self, only: list[str] | None = None) -> None:
        """Start the runtime's services, provision what they hold, then the console (both runtimes)."""
        from .console.service import NAME, start_console

        services = [s for s in only if s != NAME] if only else None
        if services or only is None:
            self.runtime.up(services)
            self.provision(services)
        if only is None or NAME in only:
            start_console(self.settings, self.topology, self.runtime.name, self.console)

    def down(self) -> None:
        from .console.service import stop_console

        stop_console(self.settings, self.console)
        self.runtime.down()

    def status(self) -> list:
        """Every service's row, the console's last."""
        from .console.service import console_status

        return [*self.runtime.status(), console_status(self.settings, self.topology)]

    def provision(self, only: list[str] | None = None) -> None:
        """Create the default topics and (local store only) the buckets of the services just started; idempotent."""
        if only is None or "kafka" in only:
            admin = make_admin(self.settings.KAFKA_BOOTSTRAP, unreachable_hint=SETTINGS_HINT)
            try:
                created = ensure_defaults(admin, self.topology)
            finally:
                admin.close()
            if created:
                self.console.print(f"created topics: {', '.join(created)}")
        if self.settings.local_s3 and (only is None or "s3" in only):
            if made := ensure_buckets(self.settings, [self.settings.S3_BUCKET]):
                self.console.print(f"created buckets: {', '.join(made)}")


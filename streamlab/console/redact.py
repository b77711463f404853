"""What of the lab's configuration may reach the page: never a key, a password or a token.

Settings are shown from an allowlist (not masked: a masked secret still shows its first characters).
Connector configs keep their keys but lose secret values, and any text sent on (a task's trace, an
error line) has every known secret value replaced, in case a service quoted one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

from ..config import SECRET_WORDS

HIDDEN = "••••••"
# What the overview may show about where the lab's services are; everything else stays on the server.
PUBLIC_SETTINGS = (
    "RUNTIME", "LAB_BIND", "LAB_ADVERTISED_HOST", "KAFKA_BOOTSTRAP", "CONNECT_URL", "CONNECT_FLUSH_INTERVAL_MS",
    "S3_ENDPOINT", "S3_BUCKET", "AWS_REGION", "OPENSEARCH_URL", "WEB_LOGS_TOPIC", "JVM_HEAP",
)
# Connector config keys whose values are credentials (Aiven/Confluent names and the lab's sinks).
SECRET_CONFIG_WORDS = ("secret", "password", "pass", "key.id", "access.key", "token", "credential", "jaas", "api.key", "apikey")
SHORTEST_SECRET = 4  # shorter values would blank out ordinary words everywhere


def is_secret_name(name: str) -> bool:
    return any(word in name.upper() for word in SECRET_WORDS)


def is_secret_config_key(key: str) -> bool:
    return any(word in key.lower() for word in SECRET_CONFIG_WORDS)


def without_userinfo(url: str) -> str:
    """`https://user:pass@host/` -> `https://host/`: credentials written into a URL stay behind."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.username and not parts.password:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def public_settings(values: Mapping[str, str]) -> dict[str, str]:
    """The allowlisted settings, URLs without credentials; a secret-sounding name never passes."""
    return {name: without_userinfo(str(values[name])) for name in PUBLIC_SETTINGS if name in values and not is_secret_name(name)}


class Redactor:
    """Replaces known secret values in any text or config before it leaves the console."""

    def __init__(self, secrets: Iterable[str]):
        # Longest first, so a secret containing another is replaced whole.
        self.secrets = sorted({s for s in secrets if s and len(s) >= SHORTEST_SECRET}, key=len, reverse=True)

    def text(self, value: str | None) -> str | None:
        if not value:
            return value
        for secret in self.secrets:
            value = value.replace(secret, HIDDEN)
        return value

    def config(self, config: Mapping[str, object]) -> dict[str, str]:
        """A connector config with secret keys hidden, URLs without credentials and no secret left in any value."""
        shown = {}
        for key, value in config.items():
            text = str(value)
            shown[key] = HIDDEN if is_secret_config_key(key) and text else self.text(without_userinfo(text))
        return shown


def redactor_for(env: Mapping[str, str]) -> Redactor:
    """A redactor for every secret-named variable of the settings and .env.

    A value that is also part of a public setting is left alone: it is evidently not secret there (the
    local store's default access key id is `streamlab`, the bucket's name too), and replacing it would
    blank the bucket name all over the page.
    """
    public = " ".join(public_settings(env).values())
    return Redactor(value for name, value in env.items() if is_secret_name(name) and value and value not in public)

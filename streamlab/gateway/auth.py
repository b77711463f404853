"""The optional API key (GATEWAY_API_KEY), sent as the `x-api-key` header like API Gateway's."""

from __future__ import annotations

import hmac

from fastapi.security import APIKeyHeader

from .errors import GatewayError

HEADER = "x-api-key"
# auto_error=False: the key is optional (empty GATEWAY_API_KEY), and a missing one must get our JSON 401.
api_key_header = APIKeyHeader(name=HEADER, auto_error=False, description="required when GATEWAY_API_KEY is set")


def require_key(expected: str, given: str | None) -> None:
    """401 unless the key matches; compared in constant time so timing does not leak the key."""
    if not expected:
        return
    if not given:
        raise GatewayError(401, "unauthorized", f"missing API key: send it in the {HEADER} header")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise GatewayError(401, "unauthorized", f"wrong API key in the {HEADER} header")

"""JSON for the hot paths (the log streamer and its parser, the gateway): orjson, with the standard library's answer wherever they differ.

orjson encodes a log record in ~1 µs against ~8 µs for json.dumps, and parses a request body
several times faster. Its output is the same compact UTF-8 JSON (non-ASCII kept). Where orjson
would read or write something else than json does, json does the work, so values stay json's:
- integers of 19 digits or more: orjson reads those beyond 64 bits as floats (precision lost);
- NaN, Infinity and numbers too large for a float (1e400): orjson refuses them when reading, and
  would write them as `null` where json writes `NaN`/`Infinity`. json reads them as `Constant`,
  a float subclass that orjson refuses to write, so json writes them back as before;
- lone surrogates: orjson refuses them both ways; json behaves as it always did.
The one visible difference is how some floats are spelled: orjson writes `1e16` and `0.00002` where
json wrote `1e+16` and `2e-05`. They read back as the same numbers.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

_DIGITS_TO_ZERO = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))  # "0" for a digit, " " for the rest
_LONG_NUMBER = b"0" * 19


class Constant(float):
    """A non-finite number as json reads it (NaN, Infinity, 1e400); orjson refuses the subclass, so json writes it."""


def _float(text: str) -> float:
    value = float(text)
    return value if math.isfinite(value) else Constant(value)


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON bytes, as json.dumps(value, ensure_ascii=False, separators=(",", ":")) writes them."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def loads(data: bytes | str) -> Any:
    """What json.loads returns (or raises) for UTF-8 `data`; orjson's speed for ordinary JSON."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    # translate + `in` scan at C speed (~1 µs per KB), where a [0-9]{19} regex takes ~15.
    if _LONG_NUMBER not in raw.translate(_DIGITS_TO_ZERO):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # json decides: it accepts a few things orjson does not, and words its errors as before
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return json.loads(text, parse_constant=Constant, parse_float=_float)

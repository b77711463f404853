"""Parse Apache, Nginx and JSON application log lines into the course's standard schema (seed 000).

Web logs become `timestamp, ip_address, method, path, protocol, status_code, response_size,
referer, user_agent, log_type`; application logs become `timestamp, level, logger, message,
user_id, request_id, log_type`. Timestamps come out as ISO 8601 in UTC. A line that cannot be
parsed raises `ParseError` whose message is the reason the dead-letter record carries.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache, partial
from typing import Any, Callable

from .. import fastjson

LOG_TYPES = {"apache": "apache_access", "nginx": "nginx_access", "application": "application"}
TYPE_ALIASES = {"json": "application", "app": "application"}

# A quoted field as Apache and Nginx write it: `\"` and `\\` escaped inside, so a quote in a
# user agent does not end the field early. Written as "normal* (escaped normal*)*" so the regex
# engine takes whole runs of plain characters at once instead of one alternation per character.
_QUOTED = r'"([^"\\]*(?:\\.[^"\\]*)*)"'


def _quoted(name: str) -> str:
    return _QUOTED.replace("(", f"(?P<{name}>", 1)


# The request field: most lines say `"GET /path HTTP/1.1"` with nothing escaped, and the regex
# splits those itself (method, path, protocol); any other request falls to the general quoted
# field and split_request. Both branches end at the same quote, so the rest matches the same way.
_PLAIN_REQUEST = r'"(?P<method>[A-Za-z]+) (?P<path>[^"\\ ]+) (?P<protocol>HTTP/[^"\\ ]*)"'

ACCESS_LINE = re.compile(
    r"^(?P<ip>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "  # identd and user: not in the schema, so not captured
    + f"(?:{_PLAIN_REQUEST}|{_quoted('request')})"
    + r" (?P<status>\d{3}) (?P<size>\d+|-)"
    + f"(?: {_quoted('referer')} {_quoted('ua')})?"
    + r"(?P<rest>.*)$"
)
_TRAILING_FIELD = re.compile(_QUOTED + r"|(\S+)")
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|.)")
_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
_CLF_TIME = re.compile(r"^(\d{2})/([A-Za-z]{3})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


class ParseError(ValueError):
    """A line that does not match its declared format; the message is the reason."""


def canonical_type(log_type: str) -> str:
    """'apache', 'nginx' or 'application' (accepting the aliases 'json' and 'app')."""
    name = TYPE_ALIASES.get(log_type.strip().lower(), log_type.strip().lower())
    if name not in LOG_TYPES:
        raise ValueError(f"unknown log type {log_type!r} (use one of {', '.join(LOG_TYPES)})")
    return name


def parse_line(line: str, log_type: str) -> dict[str, Any]:
    """Parse one line (without its newline) of the given type; raise ParseError with the reason."""
    return line_parser(log_type)(line)


@lru_cache(maxsize=16)
def line_parser(log_type: str) -> Callable[[str], dict[str, Any]]:
    """`parse_line` for one log type, looked up once: the streamer calls it for every line."""
    parser = _PARSERS[canonical_type(log_type)]

    def parse(line: str) -> dict[str, Any]:
        text = line.lstrip("\ufeff").rstrip("\r\n")
        if not text or text.isspace():
            raise ParseError("empty line")
        return parser(text)

    return parse


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC; a moment without a zone is taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def parse_clf_time(value: str) -> datetime:
    """`10/Oct/2000:13:55:36 -0700` (Common Log Format), independent of the process locale."""
    match = _CLF_TIME.match(value)
    if not match or match.group(2).title() not in _MONTHS:
        raise ParseError(f"bad timestamp {value!r}")
    day, month, year, hour, minute, second, sign, off_h, off_m = match.groups()
    offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (-1 if sign == "-" else 1)
    try:
        return datetime(int(year), _MONTHS[month.title()], int(day), int(hour), int(minute), int(second),
                        tzinfo=timezone(offset))
    except ValueError as exc:
        raise ParseError(f"bad timestamp {value!r}: {exc}") from None


@lru_cache(maxsize=4096)
def clf_time_to_iso(value: str) -> str:
    # Busy servers write many lines per second with the same stamp: convert each stamp once.
    return iso_utc(parse_clf_time(value))


@lru_cache(maxsize=4096)
def unescape(value: str) -> str:
    r"""Undo the web servers' escaping: `\"`, `\\`, `\n`, and `\xHH` bytes (non-ASCII paths) as UTF-8.

    Cached: the same escaped paths and user agents come back line after line, and undoing them
    costs ~10 µs each.
    """
    if "\\" not in value:
        return value
    out = bytearray()
    position = 0
    for match in _ESCAPE.finditer(value):
        out += value[position:match.start()].encode()
        code = match.group(1)
        if code[0] == "x" and len(code) == 3:
            out.append(int(code[1:], 16))
        else:
            out += _SIMPLE_ESCAPES.get(code, code).encode()
        position = match.end()
    out += value[position:].encode()
    return out.decode("utf-8", errors="backslashreplace")


def split_request(request: str) -> tuple[str | None, str | None, str | None]:
    """(method, path, protocol) of a request line; all None when the server logged `-` or junk."""
    parts = request.split(" ")
    if len(parts) == 3 and parts[0].isalpha() and parts[2].startswith("HTTP/"):
        return parts[0], parts[1], parts[2]
    if len(parts) == 2 and parts[0].isalpha():  # HTTP/0.9 style: no protocol
        return parts[0], parts[1], None
    if len(parts) > 3 and parts[0].isalpha() and parts[-1].startswith("HTTP/"):  # unencoded spaces in the path
        return parts[0], " ".join(parts[1:-1]), parts[-1]
    return None, None, None


_NONE_VALUES = (None, "", "-")


def _dash_to_none(value: str | None) -> str | None:
    if value in _NONE_VALUES:
        return None
    return unescape(value) if "\\" in value else value


def _parse_access(log_type: str, text: str) -> dict[str, Any]:
    match = ACCESS_LINE.match(text)
    if not match:
        raise ParseError(f"not an {log_type} access log line")
    # One groups() call instead of a lookup per name: this runs for every line the streamer reads.
    ip, stamp, method, path, protocol, request, status, size, referer, agent, rest = match.groups()
    if method is None:  # not a plain `METHOD path HTTP/x` request: split it the general way
        method, path, protocol = split_request(unescape(request) if "\\" in request else request)
    record = {
        "timestamp": clf_time_to_iso(stamp),
        "ip_address": ip,
        "method": method,
        "path": path,
        "protocol": protocol,
        "status_code": int(status),
        # Apache writes `-` for "no body" (CLF), so it means 0 bytes, not "unknown".
        "response_size": 0 if size == "-" else int(size),
        # _dash_to_none, written out: two calls per line cost more than the checks
        "referer": None if referer in _NONE_VALUES else unescape(referer) if "\\" in referer else referer,
        "user_agent": None if agent in _NONE_VALUES else unescape(agent) if "\\" in agent else agent,
        "log_type": LOG_TYPES[log_type],
    }
    if rest and not rest.isspace():  # most lines end at the user agent: no trailing fields to split
        record["extra"] = trailing_fields(rest)
    return record


def trailing_fields(rest: str) -> list[str | None]:
    """Fields after the user agent (nginx's `$http_x_forwarded_for`, `$request_time`, ...)."""
    fields = []
    for match in _TRAILING_FIELD.finditer(rest.strip()):
        quoted, bare = match.groups()
        fields.append(_dash_to_none(quoted if quoted is not None else bare))
    return fields


def parse_json_time(value: Any) -> datetime:
    """ISO 8601 text (with `Z`, an offset or none) or epoch seconds/milliseconds."""
    if isinstance(value, bool) or value is None:
        raise ParseError(f"bad timestamp {value!r}")
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 10**11 else value  # later than 5138 AD in seconds: milliseconds
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise ParseError(f"bad timestamp {value!r}") from None


def _first(entry: dict, *names: str) -> Any:
    for name in names:
        if entry.get(name) not in (None, ""):
            return entry[name]
    return None


_APP_FIELDS = {
    "timestamp": ("timestamp", "@timestamp", "time", "ts"),
    "level": ("level", "severity", "levelname", "log.level"),
    "logger": ("logger", "logger_name", "name"),
    "message": ("message", "msg"),
    "user_id": ("user_id", "userId"),
    "request_id": ("request_id", "requestId", "trace_id"),
}
_KNOWN_APP_KEYS = {name for names in _APP_FIELDS.values() for name in names}


def _parse_application(text: str) -> dict[str, Any]:
    try:
        entry = fastjson.loads(text)  # json.loads' result, faster; NaN stays NaN when the record is written
    except json.JSONDecodeError as exc:
        raise ParseError(f"not JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(entry, dict):
        raise ParseError(f"JSON {type(entry).__name__}, not an object")
    values = {field: _first(entry, *names) for field, names in _APP_FIELDS.items()}
    if values["timestamp"] is None:
        raise ParseError("no timestamp field")
    if values["message"] is None:
        raise ParseError("no message field")
    level = str(values["level"]).upper() if values["level"] is not None else None
    record = {
        "timestamp": iso_utc(parse_json_time(values["timestamp"])),
        "level": "WARN" if level == "WARNING" else level,
        "logger": values["logger"],
        "message": str(values["message"]),
        "user_id": values["user_id"],
        "request_id": values["request_id"],
        "log_type": LOG_TYPES["application"],
    }
    extra = {key: value for key, value in entry.items() if key not in _KNOWN_APP_KEYS}
    if extra:
        record["extra"] = extra
    return record


_PARSERS: dict[str, Callable[[str], dict[str, Any]]] = {
    "apache": partial(_parse_access, "apache"),  # partial: no Python frame of its own per line
    "nginx": partial(_parse_access, "nginx"),
    "application": _parse_application,
}

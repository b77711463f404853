"""Parsers on a corpus of real-world log lines: the variants servers actually write."""

from __future__ import annotations

import pytest

from streamlab.labs.logparse import ParseError, canonical_type, parse_line, unescape

UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"

# (log type, line, expected fields)
CORPUS = [
    pytest.param("apache", f'192.168.1.100 - - [15/Jan/2024:10:30:45 +0000] "GET /index.html HTTP/1.1" 200 2435 "-" "{UA}"',
                 {"timestamp": "2024-01-15T10:30:45+00:00", "ip_address": "192.168.1.100", "method": "GET",
                  "path": "/index.html", "protocol": "HTTP/1.1", "status_code": 200, "response_size": 2435,
                  "referer": None, "user_agent": UA, "log_type": "apache_access"}, id="seed-apache"),
    pytest.param("apache", '10.0.0.50 - - [15/Jan/2024:10:30:46 +0000] "POST /api/users HTTP/1.1" 201 156 '
                 '"https://example.com/signup" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)"',
                 {"method": "POST", "status_code": 201, "referer": "https://example.com/signup"}, id="seed-referer"),
    pytest.param("apache", '2001:db8:85a3::8a2e:370:7334 - - [15/Jan/2024:10:30:45 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8.5.0"',
                 {"ip_address": "2001:db8:85a3::8a2e:370:7334"}, id="ipv6-client"),
    pytest.param("apache", '::1 - - [15/Jan/2024:10:30:45 +0000] "OPTIONS * HTTP/1.0" 200 - "-" "Apache (internal dummy connection)"',
                 {"ip_address": "::1", "path": "*", "response_size": 0}, id="ipv6-loopback-dash-size"),
    pytest.param("apache", '10.1.1.1 - - [15/Jan/2024:10:30:45 +0000] "GET /logo.png HTTP/1.1" 304 - "-" "-"',
                 {"status_code": 304, "response_size": 0, "user_agent": None}, id="304-dash-size"),
    pytest.param("apache", '10.1.1.1 - - [15/Jan/2024:10:30:45 +0000] "-" 408 - "-" "-"',
                 {"method": None, "path": None, "protocol": None, "status_code": 408}, id="408-request-dash"),
    pytest.param("apache", '10.1.1.1 - - [15/Jan/2024:10:30:45 +0000] "\\x16\\x03\\x01\\x02" 400 226 "-" "-"',
                 {"method": None, "path": None, "status_code": 400}, id="tls-handshake-on-http-port"),
    pytest.param("apache", '10.1.1.1 - - [15/Jan/2024:10:30:45 +0000] "GET /q?a=1 HTTP/1.1" 200 5 '
                 '"https://ex.com/?q=\\"quoted\\"" "Bot \\"Spider\\" 1.0"',
                 {"referer": 'https://ex.com/?q="quoted"', "user_agent": 'Bot "Spider" 1.0'}, id="escaped-quotes"),
    pytest.param("apache", '10.1.1.1 - - [15/Jan/2024:10:30:45 +0000] "GET /path\\\\with\\\\backslash HTTP/1.1" 404 0 "-" "x"',
                 {"path": "/path\\with\\backslash"}, id="escaped-backslash"),
    pytest.param("apache", '10.1.1.1 - - [15/Jan/2024:10:30:45 +0000] "GET /\\xec\\xb9\\xb4\\xed\\x8e\\x98 HTTP/1.1" 200 1 "-" "x"',
                 {"path": "/카페"}, id="non-ascii-path-escaped-bytes"),
    pytest.param("apache", '10.1.1.1 - - [15/Jan/2024:10:30:45 +0000] "GET /search?q=%EC%B9%B4%ED%8E%98 HTTP/2.0" 200 1 "-" "x"',
                 {"path": "/search?q=%EC%B9%B4%ED%8E%98", "protocol": "HTTP/2.0"}, id="percent-encoded-path-kept"),
    pytest.param("apache", '10.1.1.1 - - [15/Jan/2024:10:30:45 +0000] "GET /메뉴 HTTP/1.1" 200 1 "-" "x"',
                 {"path": "/메뉴"}, id="raw-utf8-path"),
    pytest.param("apache", '10.1.1.1 - - [15/Jan/2024:19:30:45 +0900] "GET / HTTP/1.1" 200 1 "-" "x"',
                 {"timestamp": "2024-01-15T10:30:45+00:00"}, id="zone-ahead-of-utc"),
    pytest.param("apache", '10.1.1.1 - - [31/Dec/2023:21:15:00 -0330] "GET / HTTP/1.1" 200 1 "-" "x"',
                 {"timestamp": "2024-01-01T00:45:00+00:00"}, id="zone-behind-utc-crosses-year"),
    pytest.param("apache", '10.1.1.1 - frank [15/Jan/2024:10:30:45 +0000] "GET /private HTTP/1.1" 200 1',
                 {"referer": None, "user_agent": None, "path": "/private"}, id="common-log-format"),
    pytest.param("apache", '10.1.1.1 - - [15/Jan/2024:10:30:45 +0000] "GET /a b c HTTP/1.1" 400 1 "-" "x"',
                 {"path": "/a b c", "protocol": "HTTP/1.1"}, id="unencoded-spaces-in-path"),
    pytest.param("apache", '10.1.1.1 - - [15/Jan/2024:10:30:45 +0000] "GET /old" 200 1 "-" "x"',
                 {"method": "GET", "path": "/old", "protocol": None}, id="http-0.9-request"),
    pytest.param("nginx", '192.168.1.101 - - [15/Jan/2024:10:31:00 +0000] "GET /api/orders HTTP/1.1" 200 1024 '
                 '"https://app.example.com" "curl/7.68.0"',
                 {"log_type": "nginx_access", "referer": "https://app.example.com", "user_agent": "curl/7.68.0"},
                 id="seed-nginx"),
    pytest.param("nginx", '203.0.113.10 - - [15/Jan/2024:10:31:01 +0000] "DELETE /api/orders/123 HTTP/1.1" 204 0 "-" "axios/0.21.1"',
                 {"method": "DELETE", "status_code": 204, "response_size": 0}, id="seed-nginx-delete"),
    pytest.param("nginx", '10.0.0.1 - - [15/Jan/2024:10:30:45 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8" '
                 '"198.51.100.7, 10.0.0.2" 0.004 "-"',
                 {"extra": ["198.51.100.7, 10.0.0.2", "0.004", None]}, id="nginx-trailing-fields"),
    pytest.param("nginx", '10.0.0.1 - - [15/Jan/2024:10:30:45 +0000] "GET / HTTP/1.1" 499 0 "-" "x" rt=0.120 uct="0.001"',
                 {"status_code": 499, "extra": ["rt=0.120", 'uct="0.001"']}, id="nginx-key-value-fields"),
    pytest.param("application", '{"timestamp": "2024-01-15T10:30:45.123Z", "level": "INFO", "logger": "com.example.UserService", '
                 '"message": "User login successful", "user_id": 12345, "request_id": "req-001"}',
                 {"timestamp": "2024-01-15T10:30:45.123000+00:00", "level": "INFO", "logger": "com.example.UserService",
                  "message": "User login successful", "user_id": 12345, "request_id": "req-001",
                  "log_type": "application"}, id="seed-application"),
    pytest.param("application", '{"timestamp": "2024-01-15T10:30:46.456Z", "level": "WARN", "logger": "com.example.OrderService", '
                 '"message": "Order processing delayed", "order_id": 67890, "request_id": "req-002"}',
                 {"user_id": None, "extra": {"order_id": 67890}}, id="seed-application-extra-field"),
    pytest.param("application", '{"time": "2024-01-15T19:30:45+09:00", "levelname": "warning", "name": "app", "msg": "slow"}',
                 {"timestamp": "2024-01-15T10:30:45+00:00", "level": "WARN", "logger": "app", "message": "slow"},
                 id="python-logging-names-and-zone"),
    pytest.param("application", '{"@timestamp": 1705314645123, "severity": "error", "message": "boom"}',
                 {"timestamp": "2024-01-15T10:30:45.123000+00:00", "level": "ERROR"}, id="epoch-milliseconds"),
    pytest.param("application", '{"ts": 1705314645, "level": "DEBUG", "message": "tick"}',
                 {"timestamp": "2024-01-15T10:30:45+00:00"}, id="epoch-seconds"),
    pytest.param("application", '{"timestamp": "2024-01-15 10:30:45", "level": "INFO", "message": "naive means UTC"}',
                 {"timestamp": "2024-01-15T10:30:45+00:00"}, id="naive-timestamp"),
    pytest.param("application", '\ufeff{"timestamp": "2024-01-15T10:30:45Z", "level": "INFO", "message": "한국어 메시지"}\r',
                 {"message": "한국어 메시지"}, id="bom-crlf-non-ascii"),
]


@pytest.mark.parametrize("log_type, line, expected", CORPUS)
def test_corpus(log_type, line, expected):
    record = parse_line(line, log_type)
    assert {key: record.get(key) for key in expected} == expected


@pytest.mark.parametrize("log_type, line, reason", [
    ("apache", "", "empty line"),
    ("apache", "GET /half-written-line HTTP/1.1", "not an apache access log line"),
    ("apache", '10.1.1.1 - - [15/Foo/2024:10:30:45 +0000] "GET / HTTP/1.1" 200 1 "-" "x"', "bad timestamp"),
    ("apache", '10.1.1.1 - - [31/Feb/2024:10:30:45 +0000] "GET / HTTP/1.1" 200 1 "-" "x"', "bad timestamp"),
    ("nginx", '10.1.1.1 - - [15/Jan/2024:10:30:45 +0000] "GET / HTTP/1.1" abc 1 "-" "x"', "not an nginx access log line"),
    ("application", "Traceback (most recent call last):", "not JSON"),
    ("application", '{"timestamp": "2024-01-15T10:30:45Z", "level": "INFO"', "not JSON"),
    ("application", '["a", "list"]', "not an object"),
    ("application", '{"level": "INFO", "message": "no time"}', "no timestamp"),
    ("application", '{"timestamp": "yesterday", "message": "x"}', "bad timestamp"),
    ("application", '{"timestamp": "2024-01-15T10:30:45Z", "level": "INFO"}', "no message"),
])
def test_unparseable_lines_say_why(log_type, line, reason):
    with pytest.raises(ParseError, match=reason):
        parse_line(line, log_type)


def test_every_access_record_has_the_standard_fields():
    record = parse_line('1.2.3.4 - - [15/Jan/2024:10:30:45 +0000] "GET / HTTP/1.1" 200 1', "apache")
    assert list(record) == ["timestamp", "ip_address", "method", "path", "protocol", "status_code",
                            "response_size", "referer", "user_agent", "log_type"]


def test_application_record_has_the_standard_fields():
    record = parse_line('{"timestamp": "2024-01-15T10:30:45Z", "message": "m"}', "application")
    assert list(record) == ["timestamp", "level", "logger", "message", "user_id", "request_id", "log_type"]


def test_type_names_and_aliases():
    assert canonical_type("JSON") == "application"
    assert canonical_type(" nginx ") == "nginx"
    with pytest.raises(ValueError, match="unknown log type"):
        canonical_type("syslog")


def test_invalid_utf8_escape_stays_visible():
    assert unescape("/\\xff\\xfe") == "/\\xff\\xfe"

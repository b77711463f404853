"""Keyword filter correctness: case, whole words, JSON values versus keys, non-ASCII."""

from __future__ import annotations

import pytest

from streamlab.labs.keywords import KeywordFilter, message_text


@pytest.mark.parametrize("keywords, options, text, expected", [
    (["error"], {}, "ERROR: disk full", ["error"]),
    (["error"], {"case_sensitive": True}, "ERROR: disk full", []),
    (["error"], {}, "no errors today", ["error"]),
    (["error"], {"whole_words": True}, "no errors today", []),
    (["error"], {"whole_words": True}, "an error, again", ["error"]),
    (["c++"], {"whole_words": True}, "we use c++ here", ["c++"]),
    (["a.b"], {}, "axb", []),  # keywords are literal text, not patterns
    (["urgent", "error"], {}, "error and URGENT", ["urgent", "error"]),  # in the order given
    (["캐시"], {}, "캐시 갱신 완료", ["캐시"]),
    (["STRASSE"], {}, "Hauptstraße 1", ["STRASSE"]),  # Unicode casefold
    (["error", "error", " "], {}, "error", ["error"]),
])
def test_matches(keywords, options, text, expected):
    assert KeywordFilter(keywords, **options).matches(text) == expected


def test_no_keyword_is_an_error():
    with pytest.raises(ValueError):
        KeywordFilter(["", "  "])


def test_json_messages_match_values_not_keys():
    text = message_text(b'{"error_count": 0, "message": "all good", "tags": ["calm", {"note": "Urgent later"}]}')
    assert KeywordFilter(["error"]).matches(text) == []
    assert KeywordFilter(["urgent"]).matches(text) == ["urgent"]


def test_message_text_of_plain_and_odd_values():
    assert message_text(b"plain text") == "plain text"
    assert message_text(b'"a json string"') == "a json string"
    assert message_text(b"\xff\xfe bad bytes") .endswith("bad bytes")
    assert message_text(None) == ""

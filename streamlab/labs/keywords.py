"""Keyword matching for the filter pipeline (seed 003): which of the keywords a message contains.

A JSON message is matched on its string values (not its keys, so "error" does not match a field
named `error_count`); anything else on its text. Matching ignores case (Unicode casefold) unless
asked otherwise, and can require whole words.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator


def message_text(raw: bytes | None) -> str:
    """The text to search: JSON string values joined by newlines, or the raw text itself."""
    if raw is None:
        return ""
    text = raw.decode("utf-8", errors="replace")
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return text
    return "\n".join(_strings(value)) if isinstance(value, (dict, list)) else str(value)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value
    elif value is not None and not isinstance(value, bool):
        yield str(value)


class KeywordFilter:
    def __init__(self, keywords: list[str], case_sensitive: bool = False, whole_words: bool = False):
        cleaned = [word.strip() for word in keywords if word and word.strip()]
        if not cleaned:
            raise ValueError("give at least one non-empty keyword")
        self.keywords = list(dict.fromkeys(cleaned))  # dedupe, keep order
        self._fold = (lambda text: text) if case_sensitive else str.casefold
        self._patterns = [(word, re.compile(self._pattern(self._fold(word), whole_words))) for word in self.keywords]

    @staticmethod
    def _pattern(word: str, whole_words: bool) -> str:
        escaped = re.escape(word)
        # \b fails next to punctuation inside a keyword ("c++"), so whole words use look-arounds.
        return rf"(?<!\w){escaped}(?!\w)" if whole_words else escaped

    def matches(self, text: str) -> list[str]:
        """The keywords found in `text`, in the order they were given."""
        subject = self._fold(text)
        return [word for word, pattern in self._patterns if pattern.search(subject)]

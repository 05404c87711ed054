"""Snippets with the searched words marked, safe to put straight into a page.

The text is escaped first and marked second: matches are found in the plain
text and bracketed with two private-use characters that cannot come from a
page (they are stripped from the text beforehand); the whole string is then
HTML-escaped, and only after that are the two characters replaced by
``<mark>`` and ``</mark>``. Nothing from a page can become markup, and a
searched word can never be marked inside an escaped entity such as ``&amp;``.
"""

import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

START = "\ue000"
END = "\ue001"
ELLIPSIS = "…"


def _pattern(terms):
    """Whole words or phrases (words separated by any spaces), longest first, ignoring case."""
    return _pattern_of(tuple(terms or ()))


@lru_cache(maxsize=256)
def _pattern_of(terms):
    """``_pattern`` for a tuple of terms: a page of results asks for the same one some thirty times."""
    phrases = sorted({term.strip() for term in terms if term and term.strip()}, key=len, reverse=True)
    if not phrases:
        return None
    alternatives = (r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in phrases)
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _escape_then_mark(text: str) -> SafeString:
    return mark_safe(escape(text).replace(START, "<mark>").replace(END, "</mark>"))  # noqa: S308 - escaped first


def _clean(text):
    return " ".join((text or "").replace(START, "").replace(END, "").split())


def mark(text: str, terms) -> SafeString:
    """All of ``text``, escaped, with every whole-word occurrence of ``terms`` (words or phrases) marked."""
    text = _clean(text)
    pattern = _pattern(terms)
    if pattern is not None:
        text = pattern.sub(lambda match: f"{START}{match.group(0)}{END}", text)
    return _escape_then_mark(text)


def contains(text: str, terms) -> bool:
    pattern = _pattern(terms)
    return bool(pattern and pattern.search(text or ""))


def snippet(text: str, terms, length: int = 240) -> SafeString:
    """About ``length`` characters of ``text`` around the first match, escaped and marked.

    Without a match, the start of the text.
    """
    text = _clean(text)
    pattern = _pattern(terms)
    match = pattern.search(text) if pattern is not None else None
    start = 0
    if match and match.start() > length // 3:
        start = text.rfind(" ", 0, match.start() - length // 3) + 1
    end = start + length
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (match.end() if match else start) else end
    excerpt = text[start:end]
    marked = mark(excerpt, terms)
    prefix = ELLIPSIS + " " if start > 0 else ""
    suffix = " " + ELLIPSIS if end < len(text) else ""
    return mark_safe(f"{prefix}{marked}{suffix}")  # noqa: S308 - ``marked`` is escaped, the rest is ours


def from_sentinels(fragment: str) -> SafeString:
    """Escape a fragment whose matches are bracketed by ``START``/``END`` and mark them.

    For engines (such as Elasticsearch's highlighter with ``pre_tags=[START]``
    and ``post_tags=[END]``) that return plain text with the matches bracketed.
    """
    fragment = fragment or ""
    if fragment.count(START) != fragment.count(END):
        fragment = fragment.replace(START, "").replace(END, "")
    return _escape_then_mark(fragment)

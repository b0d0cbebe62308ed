"""Length-preserving text preparation, so offsets into the prepared text are offsets into the input.

- Control characters (other than tab, newline, carriage return), bidi controls and lone surrogates become spaces.
- HTML documents have their markup, scripts and styles blanked out with spaces (documented: "stripped" by
  blanking, never by deleting, so every offset still points into the original string).
- Very long documents are cut into chunks at paragraph or sentence boundaries, processed separately and merged.
"""
import re
from typing import List, Tuple

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
_HTML_HINT = re.compile(r"^\s*(<!doctype html|<html|<head|<body)|</(p|div|span|a|td|li|h[1-6])>", re.I)
_BLOCKS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<!--.*?-->|<[^<>]{0,2000}>", re.S)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.I)


def looks_like_html(text: str) -> bool:
    """RETURNS (bool): Whether the text is an HTML page or fragment."""
    return _HTML_HINT.search(text[:5000]) is not None


def _blank(match: "re.Match[str]") -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def prepare_text(text: str) -> str:
    """RETURNS (str): A same-length string safe to process (control characters and HTML markup blanked)."""
    prepared = _CONTROL.sub(" ", text)
    if looks_like_html(prepared):
        prepared = _BLOCKS.sub(_blank, prepared)
        prepared = _TAG.sub(_blank, prepared)
        prepared = _ENTITY.sub(_blank, prepared)
    return prepared


def chunk_spans(text: str, max_chars: int) -> List[Tuple[int, int]]:
    """Cut a text into spans of at most max_chars, preferring paragraph, then sentence, then word boundaries.

    RETURNS (List[Tuple[int, int]]): Consecutive (start, end) spans covering the text.
    """
    spans = []
    start = 0
    while len(text) - start > max_chars:
        window = text[start:start + max_chars]
        cut = max(window.rfind("\n\n"), -1)
        if cut < max_chars // 2:
            cut = max(window.rfind(". "), window.rfind("\n"))
        if cut < max_chars // 2:
            cut = window.rfind(" ")
        end = start + (cut + 1 if cut >= max_chars // 2 else max_chars)
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans

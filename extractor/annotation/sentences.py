"""A small rule-based sentence splitter with character offsets (standard library only).

Gold evidence spans are defined on these sentences so that the annotation files do not depend on a
statistical model that may change between versions.
"""
import re
from typing import List, Tuple

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "maj", "capt", "sgt", "st", "jr", "sr", "prof", "rev",
    "no", "vol", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "e.g", "i.e", "etc", "vs", "approx", "est", "gov", "sen", "rep", "brig", "cpl", "pvt", "adm",
}
_BOUNDARY = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+)|\n\s*\n")


def split_sentences(text: str) -> List[Tuple[int, int]]:
    """Split text into sentence spans.

    text (str): The document text.
    RETURNS (List[Tuple[int, int]]): (start, end) character offsets, whitespace trimmed, in order.
    """
    spans: List[Tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group().startswith((".", "!", "?")) and not _is_boundary(text, match.start(), end):
            continue
        _append_trimmed(text, start, end, spans)
        start = end
    _append_trimmed(text, start, len(text), spans)
    return spans


def _is_boundary(text: str, punct_start: int, end: int) -> bool:
    word_start = punct_start
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:punct_start].lower().strip("(\"'")
    if word in _ABBREVIATIONS:
        return False
    # Initials ("U.S.", "A.") rarely end a sentence when a capitalised name follows.
    if len(word.replace(".", "")) <= 1 and word:
        return False
    following = text[end:end + 40].lstrip()
    if not following:
        return True
    return following[0].isupper() or following[0].isdigit() or following[0] in "\"'\u201c\u2018("


def _append_trimmed(text: str, start: int, end: int, spans: List[Tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))

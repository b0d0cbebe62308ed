"""Candidate entity pairs for relation classification, registered so configs can swap them."""
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Sequence, Tuple

from spacy.tokens import Doc
from spacy.util import registry

from ..extensions import ENTITIES_ATTR, NOMINALS_ATTR
from ..labels import RELATION_LABELS, arguments_allowed


@dataclass(frozen=True)
class MentionRef:
    """A named or nominal mention of a document entity."""
    entity: str
    label: str
    start: int
    end: int
    nominal: bool


@dataclass(frozen=True)
class Window:
    """A span of one or more consecutive sentences, encoded once, with all mentions inside it."""
    start: int
    end: int
    mentions: Tuple[MentionRef, ...]
    sentence_breaks: Tuple[int, ...]


@dataclass(frozen=True)
class Candidate:
    """An ordered pair of mentions of two different entities inside one window."""
    window: int
    head: MentionRef
    tail: MentionRef


@lru_cache(maxsize=64)
def allowed_labels(head_label: str, tail_label: str) -> Tuple[str, ...]:
    """RETURNS (Tuple[str, ...]): Relation labels whose argument types fit head -> tail."""
    return tuple(rel for rel in RELATION_LABELS if arguments_allowed(rel, head_label, tail_label))


def document_mentions(doc: Doc) -> List[MentionRef]:
    """Named mentions from doc._.entities and nominal references from doc._.nominals, in text order."""
    labels = {}
    refs = []
    for entity in doc._.get(ENTITIES_ATTR):
        labels[entity.id] = entity.label
        refs.extend(MentionRef(entity.id, entity.label, m.start, m.end, False) for m in entity.mentions)
    for nominal in doc._.get(NOMINALS_ATTR):
        refs.extend(MentionRef(eid, labels[eid], nominal["start"], nominal["end"], True)
                    for eid in nominal["refers"] if eid in labels)
    return sorted(refs, key=lambda m: (m.start, m.end, m.entity))


def make_windows(doc: Doc, *, max_sentences: int) -> List[Window]:
    """Single sentences, plus runs of up to max_sentences sentences for cross-sentence pairs.

    doc (Doc): Doc with sentence boundaries and doc._.entities.
    max_sentences (int): Longest run of consecutive sentences treated as one window.
    RETURNS (List[Window]): Windows that hold at least two different entities.
    """
    mentions = document_mentions(doc)
    mention_starts = [m.start for m in mentions]
    sentences = [(s.start_char, s.end_char) for s in doc.sents]
    windows = []
    for first in range(len(sentences)):
        lowest = bisect_left(mention_starts, sentences[first][0])
        for size in range(1, max_sentences + 1):
            if first + size > len(sentences):
                break
            start, end = sentences[first][0], sentences[first + size - 1][1]
            highest = bisect_left(mention_starts, end, lo=lowest)
            inside = tuple(m for m in mentions[lowest:highest] if m.end <= end)
            if len({m.entity for m in inside}) >= 2:
                breaks = tuple(sentences[i][0] for i in range(first + 1, first + size))
                windows.append(Window(start, end, inside, breaks))
    return windows


def _one_reference(head: MentionRef, tail: MentionRef) -> bool:
    """Whether two nominal mentions are the referents of one reference ("the two groups" clashed)."""
    return (head.start, head.end) == (tail.start, tail.end)


def _sentence_of(window: Window, position: int) -> int:
    return sum(1 for b in window.sentence_breaks if position >= b)


def make_candidates(windows: Sequence[Window], *, max_candidates_per_window: int = 200) -> List[Candidate]:
    """Ordered mention pairs of different entities with at least one allowed label: a named mention with any
    other mention, or the two referents of one plural reference ("the two groups"), which share one marker.

    In a multi-sentence window only pairs whose mentions lie in different sentences are kept, and only
    when one of them is in the window's first sentence and the other in its last, so each pair is scored once.
    """
    candidates = []
    for index, window in enumerate(windows):
        last = len(window.sentence_breaks)
        found = 0
        for head in window.mentions:
            for tail in window.mentions:
                if head.entity == tail.entity or head.nominal and tail.nominal and not _one_reference(head, tail):
                    continue
                if not allowed_labels(head.label, tail.label):
                    continue
                if last:
                    sides = {_sentence_of(window, head.start), _sentence_of(window, tail.start)}
                    if sides != {0, last}:
                        continue
                candidates.append(Candidate(index, head, tail))
                found += 1
                if found >= max_candidates_per_window:
                    break
            if found >= max_candidates_per_window:
                break
    return candidates


@registry.misc("extractor.candidate_windows.v1")
def candidate_windows_v1(max_sentences: int = 2) -> Dict[str, int]:
    """Config block for candidate generation: windows of up to max_sentences sentences."""
    return {"max_sentences": max_sentences}

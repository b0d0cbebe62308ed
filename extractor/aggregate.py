"""From scored mention pairs to document-level triples with evidence, hedging and time."""
import math
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from spacy.tokens import Doc

from .cues import is_hedged, nearest_time
from .document import Evidence, Relation
from .extensions import ENTITIES_ATTR
from .labels import SYMMETRIC
from .ml.candidates import Candidate, Window

ScoredPair = Tuple[Candidate, str, float]


def _entity_order(doc: Doc) -> Dict[str, int]:
    return {entity.id: number for number, entity in enumerate(doc._.get(ENTITIES_ATTR))}


def _sentence_for(text: str, window: Window, candidate: Candidate) -> Tuple[int, int]:
    """The evidence span: the sentence, or the sentences from one argument to the other."""
    first = min(candidate.head.start, candidate.tail.start)
    last = max(candidate.head.end, candidate.tail.end)
    start = max([window.start] + [b for b in window.sentence_breaks if b <= first])
    ends = [b for b in window.sentence_breaks if b >= last]
    end = ends[0] if ends else window.end
    return start, _trim_end(text, start, end)


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def aggregate(doc: Doc, windows: Sequence[Window], scored: Iterable[ScoredPair], *,
              threshold: float, text: Optional[str] = None) -> List[Relation]:
    """Merge pair-level decisions into one triple per entity pair and label.

    doc (Doc): The processed Doc (doc._.entities set).
    windows (Sequence[Window]): Windows the candidates point into.
    scored (Iterable[ScoredPair]): (candidate, label, probability) for each labelled pair.
    threshold (float): Minimum probability for a pair to count as evidence.
    text (Optional[str]): doc.text, when the caller already has it.
    RETURNS (List[Relation]): Triples sorted by head, label and tail; symmetric pairs emitted once.
    """
    order = _entity_order(doc)
    text = doc.text if text is None else text  # Doc.text joins every token on each access
    grouped: Dict[Tuple[str, str, str], Dict[Tuple[int, int, int, int, int, int], float]] = {}
    for candidate, label, probability in scored:
        if probability < threshold:
            continue
        head, tail = candidate.head, candidate.tail
        if label in SYMMETRIC and order[head.entity] > order[tail.entity]:
            head, tail = tail, head
        start, end = _sentence_for(text, windows[candidate.window], candidate)
        key = (head.entity, label, tail.entity)
        span_key = (start, end, head.start, head.end, tail.start, tail.end)
        evidence = grouped.setdefault(key, {})
        evidence[span_key] = max(probability, evidence.get(span_key, 0.0))
    relations = []
    for (head_id, label, tail_id), evidence in grouped.items():
        items = sorted(evidence.items())
        confidence = max(p for _, p in items)
        best_span = max(items, key=lambda item: item[1])[0]
        relations.append(Relation(
            head=head_id, relation=label, tail=tail_id, confidence=confidence,
            evidence=[Evidence(s, e, (hs, he), (ts, te), p) for (s, e, hs, he, ts, te), p in items],
            hedged=all(is_hedged(text[s:e]) for (s, e, *_), _p in items),
            time=_time_for(text, best_span)))
    relations.sort(key=lambda r: (order[r.head], r.relation, order[r.tail]))
    return relations


def _time_for(text: str, span: Tuple[int, int, int, int, int, int]) -> Optional[dict]:
    start, end, head_start, _, tail_start, _ = span
    anchor = (head_start + tail_start) // 2 - start
    return nearest_time(text[start:end], anchor)


def triple_features(relation: Relation) -> List[float]:
    """RETURNS (List[float]): [logit(max evidence probability), log(evidence count)] of a triple."""
    raw = min(max(max((e.confidence for e in relation.evidence), default=relation.confidence), 1e-6), 1 - 1e-6)
    return [math.log(raw / (1 - raw)), math.log(max(1, len(relation.evidence)))]


def calibrated_confidence(relation: Relation, calibration: Dict[str, Any]) -> float:
    """RETURNS (float): The calibrated probability of a triple, rounded to 4 places."""
    score = calibration["bias"] + sum(w * x for w, x in zip(calibration["weights"], triple_features(relation)))
    return round(1.0 / (1.0 + math.exp(-score)), 4)

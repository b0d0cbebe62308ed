"""NER and linking evaluation: mention-level P/R/F per label (exact span) and entity-level P/R/F."""
from collections import Counter
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from spacy.language import Language

from ..annotation.markup import parse_markup  # noqa: F401  (records come from the authoring format)
from ..document import Entity
from ..extensions import ENTITIES_ATTR
from ..labels import ENTITY_LABELS
from ..pipeline.entity_linker import normalize_name


def _prf(c: Counter) -> Dict[str, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "tp": c["tp"], "fp": c["fp"], "fn": c["fn"]}


def match_entities(predicted: Sequence[Entity], record: Dict[str, Any]) -> List[Tuple[Optional[str], Optional[str]]]:
    """One-to-one matches between predicted and gold entities sharing an exact mention span and label.

    RETURNS (List[Tuple[Optional[str], Optional[str]]]): (predicted id, gold id) pairs; None on either side
        for unmatched entities.
    """
    gold_at = {(m["start"], m["end"]): (e["id"], e["label"]) for e in record["entities"] for m in e["mentions"]}
    votes = []
    for entity in predicted:
        counter = Counter(gold_at[(m.start, m.end)][0] for m in entity.mentions
                          if (m.start, m.end) in gold_at and gold_at[(m.start, m.end)][1] == entity.label)
        for gold_id, count in counter.items():
            votes.append((count, entity.id, gold_id))
    matched_pred: Set[str] = set()
    matched_gold: Set[str] = set()
    pairs: List[Tuple[Optional[str], Optional[str]]] = []
    for _, pred_id, gold_id in sorted(votes, reverse=True):
        if pred_id not in matched_pred and gold_id not in matched_gold:
            matched_pred.add(pred_id)
            matched_gold.add(gold_id)
            pairs.append((pred_id, gold_id))
    pairs.extend((e.id, None) for e in predicted if e.id not in matched_pred)
    pairs.extend((None, e["id"]) for e in record["entities"] if e["id"] not in matched_gold)
    return pairs


def evaluate_ner(nlp: Language, records: Sequence[Dict[str, Any]], *,
                 seen_names: Optional[Set[str]] = None) -> Dict[str, Any]:
    """Run a pipeline over raw texts and score entities against gold.

    nlp (Language): Pipeline with NER and the entity linker.
    records (Sequence[Dict[str, Any]]): Gold records.
    seen_names (Optional[Set[str]]): Normalized surface forms seen in training or the gazetteer; when given,
        recall is also reported separately for mentions with unseen names.
    RETURNS (Dict[str, Any]): {"mentions": {label: prf, "micro": prf}, "entities": {...}, "unseen": {...}}.
    """
    mention_counts = {label: Counter() for label in ENTITY_LABELS}
    entity_counts = {label: Counter() for label in ENTITY_LABELS}
    unseen = Counter()
    docs = nlp.pipe((r["text"] for r in records), batch_size=8)
    for record, doc in zip(records, docs):
        gold = {(m["start"], m["end"], e["label"]) for e in record["entities"] for m in e["mentions"]}
        predicted = {(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents if ent.label_ in ENTITY_LABELS}
        for label in ENTITY_LABELS:
            g = {x for x in gold if x[2] == label}
            p = {x for x in predicted if x[2] == label}
            mention_counts[label].update(tp=len(g & p), fp=len(p - g), fn=len(g - p))
        if seen_names is not None:
            for start, end, label in gold:
                if label in ("MILITANT_GROUP", "PERSON") and normalize_name(record["text"][start:end]) not in seen_names:
                    unseen["total"] += 1
                    unseen["found"] += (start, end, label) in predicted
        entities = list(doc._.get(ENTITIES_ATTR))
        labels = {e.id: e.label for e in entities}
        gold_labels = {e["id"]: e["label"] for e in record["entities"]}
        for pred_id, gold_id in match_entities(entities, record):
            if pred_id and gold_id:
                entity_counts[labels[pred_id]]["tp"] += 1
            elif pred_id:
                entity_counts[labels[pred_id]]["fp"] += 1
            else:
                entity_counts[gold_labels[gold_id]]["fn"] += 1
    report: Dict[str, Any] = {
        "mentions": {label: _prf(c) for label, c in mention_counts.items()},
        "entities": {label: _prf(c) for label, c in entity_counts.items()},
    }
    report["mentions"]["micro"] = _prf(sum(mention_counts.values(), Counter()))
    report["entities"]["micro"] = _prf(sum(entity_counts.values(), Counter()))
    groups_people = Counter()
    for label in ("MILITANT_GROUP", "PERSON"):
        groups_people.update(entity_counts[label])
    report["entities"]["MILITANT_GROUP+PERSON"] = _prf(groups_people)
    if seen_names is not None:
        report["unseen_name_recall"] = {
            "mentions": unseen["total"],
            "recall": round(unseen["found"] / unseen["total"], 4) if unseen["total"] else None}
    return report


def names_in(records: Iterable[Dict[str, Any]]) -> Set[str]:
    """RETURNS (Set[str]): Normalized surface forms of all gold mentions in the records."""
    return {normalize_name(m["text"]) for r in records for e in r["entities"] for m in e["mentions"]}

"""Document-level relation scoring: P/R/F per label and micro, threshold sweeps, confusion, calibration."""
from collections import Counter
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from ..document import Entity, Relation
from ..labels import COARSE_LABELS, COARSE_OF, RELATION_LABELS, SYMMETRIC

Triple = Tuple[str, str, str]


def normalize(head: str, label: str, tail: str, *, coarse: bool) -> Triple:
    """A comparable triple: coarse label when asked, symmetric pairs in sorted order."""
    label = COARSE_OF[label] if coarse else label
    if label in SYMMETRIC and tail < head:
        head, tail = tail, head
    return head, label, tail


def gold_triples(record: Dict[str, Any], *, coarse: bool) -> Set[Triple]:
    return {normalize(r["head"], r["relation"], r["tail"], coarse=coarse) for r in record["relations"]}


ALIGNMENTS = ("exact", "overlap")


def align_entities(predicted: Sequence[Entity], record: Dict[str, Any], *, alignment: str = "exact"
                   ) -> Dict[str, Optional[str]]:
    """Map predicted entity ids to gold entity ids by mention spans (majority vote over an entity's mentions).

    alignment (str): "exact" (same start and end) or "overlap" (the gold mention sharing most characters), for
        gold data whose spans follow other conventions ("ISIL terrorists" where the extractor marks "ISIL").
    """
    if alignment not in ALIGNMENTS:
        raise ValueError(f"alignment {alignment!r}: choose from {', '.join(ALIGNMENTS)}")
    gold_at = {(m["start"], m["end"]): e["id"] for e in record["entities"] for m in e["mentions"]}
    spans = sorted(gold_at)
    mapping: Dict[str, Optional[str]] = {}
    for entity in predicted:
        votes: Counter = Counter()
        for mention in entity.mentions:
            if (mention.start, mention.end) in gold_at:
                votes[gold_at[(mention.start, mention.end)]] += 1
            elif alignment == "overlap":
                shared = [(min(end, mention.end) - max(start, mention.start), (start, end)) for start, end in spans
                          if start < mention.end and mention.start < end]
                if shared:
                    votes[gold_at[max(shared)[1]]] += 1
        mapping[entity.id] = votes.most_common(1)[0][0] if votes else None
    return mapping


def predicted_triples(relations: Iterable[Relation], mapping: Dict[str, Optional[str]], *, coarse: bool,
                      threshold: float = 0.0) -> Dict[Triple, float]:
    """Predicted triples in gold ids (unmatched entities keep a '?' id, so they count as false positives)."""
    triples: Dict[Triple, float] = {}
    for rel in relations:
        if rel.confidence < threshold:
            continue
        key = mapped_triple(rel, mapping, coarse=coarse)
        triples[key] = max(rel.confidence, triples.get(key, 0.0))
    return triples


def mapped_triple(relation: Relation, mapping: Dict[str, Optional[str]], *, coarse: bool) -> Triple:
    """RETURNS (Triple): A predicted relation in gold entity ids ('?'-prefixed predicted id when unmatched)."""
    head = mapping.get(relation.head) or f"?{relation.head}"
    tail = mapping.get(relation.tail) or f"?{relation.tail}"
    return normalize(head, relation.relation, tail, coarse=coarse)


def prf(gold: Sequence[Set[Triple]], predicted: Sequence[Iterable[Triple]], labels: Sequence[str]
        ) -> Dict[str, Dict[str, float]]:
    """Precision, recall and F1 per label and micro over documents."""
    counts = {label: Counter() for label in labels}
    for gold_set, predicted_set in zip(gold, predicted):
        predicted_set = set(predicted_set)
        for label in labels:
            g = {t for t in gold_set if t[1] == label}
            p = {t for t in predicted_set if t[1] == label}
            counts[label]["tp"] += len(g & p)
            counts[label]["fp"] += len(p - g)
            counts[label]["fn"] += len(g - p)
    result = {label: _scores(c) for label, c in counts.items()}
    result["micro"] = _scores(sum(counts.values(), Counter()))
    return result


def _scores(c: Counter) -> Dict[str, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": c["tp"], "fp": c["fp"], "fn": c["fn"]}


def score_documents(records: Sequence[Dict[str, Any]], outputs: Sequence[Tuple[List[Entity], List[Relation]]],
                    *, gold_entities: bool, thresholds: Sequence[float] = (0.5,),
                    alignment: str = "exact") -> Dict[str, Any]:
    """Fine and coarse P/R/F, a threshold sweep, a confusion matrix and calibration for one system.

    records (Sequence[Dict[str, Any]]): Gold records.
    outputs (Sequence[Tuple[List[Entity], List[Relation]]]): Each document's predicted entities and relations.
    gold_entities (bool): Whether the predicted entity ids already are gold ids.
    thresholds (Sequence[float]): Confidence thresholds to sweep.
    alignment (str): How predicted entities are matched to gold ones (align_entities).
    RETURNS (Dict[str, Any]): The report.
    """
    report: Dict[str, Any] = {}
    mapped = []
    for record, (entities, relations) in zip(records, outputs):
        mapping = ({e.id: e.id for e in entities} if gold_entities
                   else align_entities(entities, record, alignment=alignment))
        mapped.append((record, mapping, relations))
    for coarse, labels in ((False, RELATION_LABELS), (True, COARSE_LABELS)):
        gold = [gold_triples(record, coarse=coarse) for record, _, _ in mapped]
        sweep = {}
        for threshold in thresholds:
            predicted = [predicted_triples(rels, mapping, coarse=coarse, threshold=threshold)
                         for _, mapping, rels in mapped]
            sweep[str(threshold)] = prf(gold, predicted, labels)
        report["coarse" if coarse else "fine"] = sweep
    report["confusion"] = confusion(mapped)
    report["calibration"] = calibration(mapped)
    return report


def confusion(mapped) -> Dict[str, Dict[str, int]]:
    """Gold label (or NONE) x predicted label (or NONE) over entity pairs, fine labels, direction-insensitive."""
    table: Dict[str, Counter] = {}
    for record, mapping, relations in mapped:
        gold = {}
        for r in record["relations"]:
            gold[frozenset((r["head"], r["tail"]))] = r["relation"]
        predicted = {}
        for key, confidence in predicted_triples(relations, mapping, coarse=False).items():
            pair = frozenset((key[0], key[2]))
            if pair not in predicted or predicted[pair][1] < confidence:
                predicted[pair] = (key[1], confidence)
        for pair in set(gold) | set(predicted):
            g = gold.get(pair, "NONE")
            p = predicted[pair][0] if pair in predicted else "NONE"
            table.setdefault(g, Counter())[p] += 1
    return {g: dict(c) for g, c in sorted(table.items())}


def calibration(mapped, bins: int = 10) -> Dict[str, Any]:
    """Expected calibration error of triple confidences (coarse triples) and precision at confidence >= 0.9."""
    points = []
    for record, mapping, relations in mapped:
        gold = gold_triples(record, coarse=True)
        for key, confidence in predicted_triples(relations, mapping, coarse=True).items():
            points.append((confidence, key in gold))
    if not points:
        return {"ece": None, "n": 0, "precision_at_0.9": None, "n_at_0.9": 0}
    ece = 0.0
    table = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in points if low <= c < high or (b == bins - 1 and c == 1.0)]
        if inside:
            accuracy = sum(ok for _, ok in inside) / len(inside)
            mean_conf = sum(c for c, _ in inside) / len(inside)
            ece += len(inside) / len(points) * abs(accuracy - mean_conf)
            table.append({"bin": f"{low:.1f}-{high:.1f}", "n": len(inside), "accuracy": round(accuracy, 4),
                          "confidence": round(mean_conf, 4)})
    high_conf = [ok for c, ok in points if c >= 0.9]
    return {"ece": round(ece, 4), "n": len(points), "bins": table,
            "precision_at_0.9": round(sum(high_conf) / len(high_conf), 4) if high_conf else None,
            "n_at_0.9": len(high_conf)}

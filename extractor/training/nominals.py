"""Training and scoring the reference resolver (extractor.pipeline.nominals) on the marked references."""
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence, Tuple

from spacy.tokens import Doc

from ..extensions import ENTITIES_ATTR
from ..pipeline.nominals import KINDS, NominalResolver, fit_resolver, training_rows


class _PreviousRule:
    """The linker's rule without trained weights (fewer patterns, nearest earlier entity), for comparison."""

    @staticmethod
    def resolve(doc: Doc, entities: Sequence[Any]) -> List[Dict[str, Any]]:
        from ..pipeline.entity_linker import resolve_nominals

        return resolve_nominals(doc, list(doc.ents), list(entities))


def resolution_accuracy(resolver: Any, docs_and_records: Iterable[Tuple[Doc, Dict[str, Any]]]
                        ) -> Dict[str, int]:
    """Count the annotated references the resolver gets right (same entities), wrong, or leaves unresolved.

    docs_and_records: (Doc with gold doc._.entities and sentences, gold record) pairs.
    """
    counts: Counter = Counter()
    for doc, record in docs_and_records:
        resolved = resolver.resolve(doc, doc._.get(ENTITIES_ATTR))
        for nominal in record.get("nominals", []):
            hit = next((r for r in resolved if r["start"] < nominal["end"] and nominal["start"] < r["end"]), None)
            if hit is None:
                counts["unresolved"] += 1
            elif set(hit["refers"]) == set(nominal["refers"]):
                counts["right"] += 1
            else:
                counts["wrong"] += 1
    return dict(counts)


def gold_docs(records: Sequence[Dict[str, Any]]) -> List[Tuple[Doc, Dict[str, Any]]]:
    """(Doc with the record's gold entities and sentences, record) pairs."""
    import spacy

    from .relation_data import gold_entities_doc

    nlp = spacy.blank("en")
    return [(gold_entities_doc(nlp, record), record) for record in records]


def train_nominals(output: Path, *, seed: int = 0, regularization: float = 1.0, min_probability: float = 0.6,
                   kinds: Sequence[str] = KINDS) -> Dict[str, Any]:
    """Fit the ranker on the train split, write its weights to output, and report accuracy on train and dev
    next to the nearest-entity rule.

    RETURNS (Dict[str, Any]): {"rows", "positives", "accuracy": {split: counts}, "rule_accuracy": {...},
        "previous_rule_accuracy": {...}}.
    """
    import srsly

    from .data import records_by_split

    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown reference kinds {sorted(unknown)}; choose from {list(KINDS)}")
    splits = records_by_split()
    train, dev = gold_docs(splits["train"]), gold_docs(splits["dev"])
    features, targets = training_rows(train)
    resolver = fit_resolver(features, targets, seed=seed, regularization=regularization)
    resolver.min_probability = min_probability
    resolver.kinds = tuple(kinds)
    rule = NominalResolver(kinds=kinds)
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(output, resolver.to_dict())
    return {"rows": len(targets), "positives": sum(targets),
            "accuracy": {"train": resolution_accuracy(resolver, train), "dev": resolution_accuracy(resolver, dev)},
            "rule_accuracy": {"dev": resolution_accuracy(rule, dev)},
            "previous_rule_accuracy": {"dev": resolution_accuracy(_PreviousRule(), dev)}}

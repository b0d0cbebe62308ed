"""Triple-level confidence calibration, fitted end to end on dev.

A triple's raw confidence is the highest probability among its evidence pairs, which is over-confident for
triples with many evidence sentences and ignores errors of the entity step. A logistic model on
[logit(raw confidence), log(number of evidence pairs)] maps it to the probability that the triple is right.
"""
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..aggregate import triple_features
from ..document import Entity, Relation
from .relation_eval import align_entities, gold_triples, mapped_triple


def labelled_triples(records: Sequence[Dict[str, Any]], outputs: Sequence[Tuple[List[Entity], List[Relation]]]
                     ) -> List[Tuple[Relation, bool]]:
    """Each predicted triple with whether it is a gold triple (coarse labels, entities matched by exact span)."""
    labelled = []
    for record, (entities, relations) in zip(records, outputs):
        mapping = align_entities(entities, record)
        gold = gold_triples(record, coarse=True)
        labelled.extend((relation, mapped_triple(relation, mapping, coarse=True) in gold) for relation in relations)
    return labelled


def fit_calibration(labelled: Sequence[Tuple[Relation, bool]], *, seed: int = 0) -> Optional[Dict[str, Any]]:
    """Fit the logistic calibration; None when the triples are all right or all wrong.

    RETURNS (Optional[Dict[str, Any]]): {"weights": [...], "bias": float, "n": int}.
    """
    from sklearn.linear_model import LogisticRegression

    targets = [int(ok) for _, ok in labelled]
    if len(set(targets)) < 2:
        return None
    model = LogisticRegression(C=1.0, random_state=seed).fit([triple_features(r) for r, _ in labelled], targets)
    return {"weights": [round(float(w), 6) for w in model.coef_[0]], "bias": round(float(model.intercept_[0]), 6),
            "n": len(targets)}


def calibrate_pipeline(path: Path, records: Sequence[Dict[str, Any]], *, seed: int = 0) -> Optional[Dict[str, Any]]:
    """Fit the triple calibration of a saved pipeline end to end on records (dev) and store it in the pipeline's
    relation classifier, re-writing the pipeline's MANIFEST.sha256.

    RETURNS (Optional[Dict[str, Any]]): The fitted calibration (None: it could not be fitted and was removed).
    """
    from ..api import load, write_manifest
    from ..extensions import ENTITIES_ATTR, RELATIONS_ATTR
    from .relation_report import relation_component_name

    path = Path(path)
    nlp = load(path)
    name = relation_component_name(nlp)
    component = nlp.get_pipe(name)
    component.cfg["calibration"] = None
    docs = nlp.pipe(record["text"] for record in records)
    outputs = [(list(doc._.get(ENTITIES_ATTR)), list(doc._.get(RELATIONS_ATTR))) for doc in docs]
    component.cfg["calibration"] = fit_calibration(labelled_triples(records, outputs), seed=seed)
    component.to_disk(path / name)
    write_manifest(path)
    return component.cfg["calibration"]

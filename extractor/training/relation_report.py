"""`extractor evaluate relations`: the trained model and two baselines, end to end and on gold entities."""
import time
from typing import Any, Callable, Dict, Optional, Sequence

from spacy.language import Language

from ..extensions import ENTITIES_ATTR, RELATIONS_ATTR
from ..pipeline.cue_relations import CueRelationExtractor
from ..pipeline.relation_classifier import RelationClassifier
from .pooled_baseline import PooledPairBaseline
from .relation_data import build_examples
from .relation_eval import score_documents
from .relation_train import predict_examples

THRESHOLDS = tuple(round(0.1 * i, 1) for i in range(1, 10))


def relation_component_name(nlp: Language) -> str:
    """RETURNS (str): The name of the pipeline's relation classifier component."""
    for name, component in nlp.pipeline:
        if isinstance(component, RelationClassifier):
            return name
    raise ValueError("The pipeline has no extractor_relation_classifier component.")


def _relation_component(nlp: Language) -> RelationClassifier:
    return nlp.get_pipe(relation_component_name(nlp))


def evaluate_relations(nlp: Language, train_records: Sequence[Dict[str, Any]],
                       eval_records: Sequence[Dict[str, Any]], *, seed: int = 0, alignment: str = "exact",
                       progress: Optional[Callable[[str], None]] = None) -> Dict[str, Any]:
    """Score the model and the baselines on eval_records, end to end (raw text) and with gold entities.

    nlp (Language): The full extractor pipeline (NER, linker, relation classifier).
    train_records (Sequence[Dict[str, Any]]): Training documents, to fit the pooled-pair baseline.
    eval_records (Sequence[Dict[str, Any]]): Documents to score.
    seed (int): Seed for the baseline fit.
    alignment (str): Matching of predicted to gold entities end to end ("exact" spans, or "overlap" for gold
        data with other span conventions).
    RETURNS (Dict[str, Any]): {system: {"end_to_end": report, "gold_entities": report}}.
    """
    say = progress or (lambda _message: None)
    component = _relation_component(nlp)
    max_sentences = component.cfg["max_sentences"]
    started = time.time()
    gold_examples = build_examples(nlp, eval_records, max_sentences=max_sentences)
    predicted_docs = list(nlp.pipe((r["text"] for r in eval_records), batch_size=4))
    say(f"pipeline over {len(eval_records)} documents: {time.time() - started:.0f}s")
    end_to_end_examples = build_examples(nlp, eval_records, max_sentences=max_sentences, docs=predicted_docs)
    results: Dict[str, Any] = {"model": {}, "cue_baseline": {}, "pooled_pair_baseline": {}}

    # The model's triples are those the component emits at its own pair threshold; the sweep then filters them
    # by triple confidence (calibrated when the pipeline has a calibration), 0.0 being the operating point.
    pair_threshold = component.cfg["threshold"]
    results["model"]["end_to_end"] = score_documents(
        eval_records, [(list(d._.get(ENTITIES_ATTR)), _relations_at(component, e, pair_threshold))
                       for d, e in zip(predicted_docs, end_to_end_examples)],
        gold_entities=False, thresholds=(0.0,) + THRESHOLDS, alignment=alignment)
    results["model"]["gold_entities"] = score_documents(
        eval_records, predict_examples(component, gold_examples, threshold=pair_threshold), gold_entities=True,
        thresholds=(0.0,) + THRESHOLDS)
    results["model"]["threshold"] = 0.0
    results["model"]["pair_threshold"] = pair_threshold
    results["model"]["calibration"] = component.cfg.get("calibration")
    say("model scored")

    cue = CueRelationExtractor(nlp, "cue", skip_negated=True)
    for mode, examples in (("end_to_end", end_to_end_examples), ("gold_entities", gold_examples)):
        outputs = [(list(e.doc._.get(ENTITIES_ATTR)), list(cue(e.doc)._.get(RELATIONS_ATTR))) for e in examples]
        results["cue_baseline"][mode] = score_documents(eval_records, outputs, gold_entities=mode != "end_to_end",
                                                        thresholds=(0.5,), alignment=alignment)
    say("cue baseline scored")

    baseline = PooledPairBaseline(seed=seed).fit(build_examples(nlp, train_records, max_sentences=max_sentences))
    for mode, examples in (("end_to_end", end_to_end_examples), ("gold_entities", gold_examples)):
        outputs = [(list(e.doc._.get(ENTITIES_ATTR)), baseline.predict(e, threshold=0.0)) for e in examples]
        results["pooled_pair_baseline"][mode] = score_documents(
            eval_records, outputs, gold_entities=mode != "end_to_end", thresholds=THRESHOLDS, alignment=alignment)
    say("pooled-pair baseline scored")
    return results


def _relations_at(component: RelationClassifier, example, threshold: float):
    probabilities = component.score([(example.doc, example.windows, example.candidates)])[0]
    return component.decide(example.doc, example.windows, example.candidates, probabilities, threshold=threshold)


def summary_table(results: Dict[str, Any]) -> str:
    """RETURNS (str): Markdown table of coarse micro and per-label F1 at each system's operating threshold."""
    lines = ["| system | mode | threshold | micro P | micro R | micro F1 | ALLY_OF | RIVAL_OF | LEADER_OF | MEMBER_OF |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for system, modes in results.items():
        threshold = str(modes.get("threshold", 0.5))
        for mode in ("end_to_end", "gold_entities"):
            sweep = modes[mode]["coarse"]
            scores = sweep.get(threshold) or sweep.get("0.5")
            micro = scores["micro"]
            lines.append(f"| {system} | {mode} | {threshold if threshold in sweep else '0.5'} | {micro['p']:.3f} | "
                         f"{micro['r']:.3f} | {micro['f']:.3f} | " +
                         " | ".join(f"{scores[label]['f']:.3f}" for label in
                                    ("ALLY_OF", "RIVAL_OF", "LEADER_OF", "MEMBER_OF")) + " |")
    return "\n".join(lines)

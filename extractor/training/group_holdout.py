"""Whole-group hold-out: how NER recall holds up on militant groups the model and the gazetteer never saw.

A seeded draw of gazetteer militant groups that occur in dev or test is held out: every training document that
names one of them is dropped, and they are removed from the gazetteer rulers. A NER trained on what is left is
assembled with the reduced gazetteer and scored on the dev and test mentions of the held-out groups, beside the
same mentions scored by a pipeline built with the full training data and gazetteer.
"""
import random
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Set

import spacy
from spacy.language import Language

from ..gazetteer import Actor, read_gazetteer, write_gazetteer
from ..labels import MILITANT_GROUP
from ..pipeline.build import build_rule_pipeline
from ..pipeline.entity_linker import normalize_name
from .augment import swap_names
from .data import records_by_split, write_docbin


def _group_keys(record: Dict[str, Any]) -> Set[str]:
    """Normalized names of every gold militant-group mention in a record."""
    return {normalize_name(m["text"]) for e in record["entities"] if e["label"] == MILITANT_GROUP
            for m in e["mentions"]} | {normalize_name(e["name"]) for e in record["entities"]
                                       if e["label"] == MILITANT_GROUP}


def choose_held_out(actors: Sequence[Actor], splits: Dict[str, List[Dict[str, Any]]], *, n_groups: int,
                    seed: int, max_train_documents: int) -> List[Actor]:
    """A seeded draw of militant groups named in dev or test and in at most max_train_documents training docs
    (so holding them out does not remove most of the training data)."""
    evaluated = [_group_keys(r) for r in splits["dev"] + splits["test"]]
    trained = [_group_keys(r) for r in splits["train"]]
    eligible = []
    for actor in actors:
        if actor.label != MILITANT_GROUP:
            continue
        forms = {normalize_name(f) for f in actor.surface_forms}
        if any(forms & keys for keys in evaluated) and sum(bool(forms & keys) for keys in trained) \
                <= max_train_documents:
            eligible.append(actor)
    rng = random.Random(seed)
    return sorted(rng.sample(eligible, min(n_groups, len(eligible))), key=lambda a: a.id)


def held_out_mentions(records: Sequence[Dict[str, Any]], held_out: Sequence[Actor]) -> List[Set[tuple]]:
    """Per record, the (start, end) of gold militant-group mentions that belong to a held-out group."""
    forms = {normalize_name(f) for actor in held_out for f in actor.surface_forms}
    result = []
    for record in records:
        spans = set()
        for entity in record["entities"]:
            names = {normalize_name(entity["name"])} | {normalize_name(m["text"]) for m in entity["mentions"]}
            if entity["label"] == MILITANT_GROUP and names & forms:
                spans.update((m["start"], m["end"]) for m in entity["mentions"])
        result.append(spans)
    return result


def mention_recall(nlp: Language, records: Sequence[Dict[str, Any]], targets: Sequence[Set[tuple]]) -> Dict[str, Any]:
    """Exact-span recall of the target mentions as MILITANT_GROUP, and as any entity label."""
    found = labelled = total = 0
    disabled = [name for name in nlp.pipe_names if "relation" in name]
    with nlp.select_pipes(disable=disabled):
        for record, wanted, doc in zip(records, targets, nlp.pipe(r["text"] for r in records)):
            predicted = {(e.start_char, e.end_char): e.label_ for e in doc.ents}
            total += len(wanted)
            found += sum(span in predicted for span in wanted)
            labelled += sum(predicted.get(span) == MILITANT_GROUP for span in wanted)
    return {"mentions": total, "recall_as_militant_group": round(labelled / total, 4) if total else None,
            "recall_any_label": round(found / total, 4) if total else None}


def run_group_holdout(config: Path, work_dir: Path, *, reference: Optional[Language] = None, n_groups: int = 12,
                      seed: int = 0, max_train_documents: int = 4,
                      overrides: Optional[Dict[str, Any]] = None, augment: int = 0,
                      checkpoint: str = "model-best") -> Dict[str, Any]:
    """Train a NER without the held-out groups and compare recall on their mentions with a reference pipeline.

    config (Path): spaCy training config (the one the shipped NER was trained with).
    work_dir (Path): Folder for the reduced training data, gazetteer and model.
    augment (int): Name-swapped copies of the kept training documents (names drawn from those documents only,
        so no held-out name leaks in), as the shipped NER was trained with.
    checkpoint (str): The saved NER assembled: "model-best" (spaCy's dev score) or "model-last".
    reference (Optional[Language]): Pipeline trained on all the data (the shipped one when None).
    RETURNS (Dict[str, Any]): The held-out groups, documents dropped, and recall of both pipelines.
    """
    from spacy.cli.train import train

    from ..api import load

    work_dir = Path(work_dir)
    splits = records_by_split()
    actors = read_gazetteer()
    held_out = choose_held_out(actors, splits, n_groups=n_groups, seed=seed,
                               max_train_documents=max_train_documents)
    forms = {normalize_name(f) for actor in held_out for f in actor.surface_forms}
    kept_train = [r for r in splits["train"] if not (_group_keys(r) & forms)]
    blank = spacy.blank("en")
    augmented = swap_names(kept_train, seed=0, copies=augment) if augment else []
    write_docbin(blank, kept_train + augmented, work_dir / "train.spacy")
    write_docbin(blank, splits["dev"], work_dir / "dev.spacy")
    held_ids = {actor.id for actor in held_out}
    write_gazetteer([a for a in actors if a.id not in held_ids], work_dir / "gazetteer.jsonl")
    settings = {"paths.train": str(work_dir / "train.spacy"), "paths.dev": str(work_dir / "dev.spacy")}
    settings.update(overrides or {})
    train(Path(config), work_dir / "ner", overrides=settings)
    reduced = build_rule_pipeline(gazetteer=work_dir / "gazetteer.jsonl",
                                  ner=spacy.load(work_dir / "ner" / checkpoint), ruler="before")
    reference = reference if reference is not None else load()
    evaluated = splits["dev"] + splits["test"]
    targets = held_out_mentions(evaluated, held_out)
    return {
        "seed": seed, "augment": augment, "checkpoint": checkpoint, "held_out_groups": [actor.name for actor in held_out],
        "train_documents_kept": len(kept_train), "train_documents_dropped": len(splits["train"]) - len(kept_train),
        "evaluated_documents": sum(bool(t) for t in targets),
        "held_out": mention_recall(reduced, evaluated, targets),
        "reference_trained_on_all": mention_recall(reference, evaluated, targets),
    }


def run_in_temporary_folder(config: Path, **kwargs: Any) -> Dict[str, Any]:
    """run_group_holdout in a temporary folder that is removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        return run_group_holdout(config, Path(folder), **kwargs)

"""Relation examples from gold records: windows, candidate pairs and their gold labels."""
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from spacy.language import Language
from spacy.tokens import Doc

from ..document import Entity, Mention
from ..extensions import ENTITIES_ATTR, NOMINALS_ATTR, install_extensions
from ..labels import SYMMETRIC
from ..ml.candidates import Candidate, Window, make_candidates, make_windows
from ..ml.relation_model import NONE_LABEL
from ..pipeline.entity_linker import resolve_nominals
from ..pipeline.nominals import NominalResolver
from ..pipeline.sentences import set_sentence_starts
from .data import gold_doc


@dataclass
class RelationExample:
    """One document's candidates with gold labels (NONE where the window states no relation)."""
    doc: Doc
    windows: List[Window]
    candidates: List[Candidate]
    labels: List[str]


def gold_entities_doc(nlp: Language, record: Dict[str, Any], resolver: Optional[NominalResolver] = None) -> Doc:
    """A Doc carrying the record's gold entities as doc._.entities (ids = gold ids) and nominals: the annotated
    ones, plus those the resolver (or, without one, the nearest-entity rule) finds elsewhere."""
    install_extensions()
    doc = set_sentence_starts(gold_doc(nlp, record))
    # gold_doc contracts mentions that do not align to tokens (and skips those it cannot), so the entities
    # carry the spans the Doc actually has
    mentions_of: Dict[str, List[Mention]] = {}
    for ent in doc.ents:
        mentions_of.setdefault(ent.kb_id_, []).append(Mention(ent.start_char, ent.end_char, ent.text))
    entities = [Entity(e["id"], e["name"], e["label"], None, mentions_of.get(e["id"], []))
                for e in record["entities"]]
    doc._.set(ENTITIES_ATTR, entities)
    if resolver is not None:
        resolved = resolver.resolve(doc, entities)
    else:
        resolved = resolve_nominals(doc, list(doc.ents), entities)
    gold = {(n["start"], n["end"]): n for n in record.get("nominals", [])}
    merged = [n for n in resolved if not any(g_start < n["end"] and n["start"] < g_end for g_start, g_end in gold)]
    merged += list(gold.values())
    doc._.set(NOMINALS_ATTR, sorted(merged, key=lambda n: n["start"]))
    return doc


def window_sentences(window: Window) -> List[Tuple[int, int]]:
    bounds = [window.start, *window.sentence_breaks, window.end]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def gold_label_table(record: Dict[str, Any]) -> Dict[Tuple[str, str], List[Tuple[str, List[Tuple[int, int]]]]]:
    """(head id, tail id) -> [(label, evidence sentence spans)], with symmetric relations in both orders."""
    table: Dict[Tuple[str, str], List[Tuple[str, List[Tuple[int, int]]]]] = {}
    for rel in record["relations"]:
        spans = [(e["start"], e["end"]) for e in rel["evidence"]]
        table.setdefault((rel["head"], rel["tail"]), []).append((rel["relation"], spans))
        if rel["relation"] in SYMMETRIC:
            table.setdefault((rel["tail"], rel["head"]), []).append((rel["relation"], spans))
    return table


def _covered(sentence: Tuple[int, int], evidence: Sequence[Tuple[int, int]]) -> bool:
    start, end = sentence
    return any(s <= start + 1 and end <= e + 1 or (start <= s and e <= end) for s, e in evidence)


def label_candidate(window: Window, candidate: Candidate, table: Dict) -> str:
    """The gold label of a pair in a window: a relation whose evidence covers every sentence of the window."""
    options = table.get((candidate.head.entity, candidate.tail.entity), [])
    sentences = window_sentences(window)
    for label, evidence in options:
        if all(_covered(sentence, evidence) for sentence in sentences):
            return label
    return NONE_LABEL


def build_examples(nlp: Language, records: Sequence[Dict[str, Any]], *, max_sentences: int,
                   docs: Optional[Sequence[Doc]] = None,
                   resolver: Optional[NominalResolver] = None) -> List[RelationExample]:
    """Relation examples over gold entities (or over given Docs that already carry predicted entities)."""
    examples = []
    for index, record in enumerate(records):
        doc = docs[index] if docs is not None else gold_entities_doc(nlp, record, resolver)
        windows = make_windows(doc, max_sentences=max_sentences)
        candidates = make_candidates(windows)
        table = gold_label_table(record)
        labels = [label_candidate(windows[c.window], c, table) for c in candidates]
        examples.append(RelationExample(doc, windows, candidates, labels))
    return examples

"""Gold records -> spaCy Docs and DocBins, split by document."""
import warnings
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.util import filter_spans

from ..annotation.corpus import AUTHORING_DIR, SPLITS_FILE, assign_splits, load_authoring, read_splits, split_of
from ..errors import Warnings


def gold_doc(nlp: Language, record: Dict[str, Any]) -> Doc:
    """A Doc with the record's entity mentions as doc.ents (spans that do not align to tokens are warned about).

    nlp (Language): Pipeline whose tokenizer is used.
    record (Dict[str, Any]): Gold record.
    RETURNS (Doc): The tokenized text with gold entities; entity ids are kept in span.kb_id_.
    """
    doc = nlp.make_doc(record["text"])
    spans: List[Span] = []
    for entity in record["entities"]:
        for mention in entity["mentions"]:
            span = doc.char_span(mention["start"], mention["end"], label=entity["label"], kb_id=entity["id"],
                                 alignment_mode="contract")
            if span is None or not len(span):
                warnings.warn(Warnings.W001.format(start=mention["start"], end=mention["end"], doc_id=record["id"]))
                continue
            spans.append(span)
    doc.ents = filter_spans(spans)
    return doc


def records_by_split(authoring: Path = AUTHORING_DIR, splits_file: Path = SPLITS_FILE,
                     extra: Optional[Iterable[Dict[str, Any]]] = None,
                     strict: bool = True) -> Dict[str, List[Dict[str, Any]]]:
    """Team records grouped by their frozen split; extra records (e.g. converted re3d) go to train.

    RETURNS (Dict[str, List[Dict[str, Any]]]): {"train": [...], "dev": [...], "test": [...]}.
    """
    records = load_authoring(authoring, skipped=None if strict else [])
    manifest = read_splits(splits_file) if Path(splits_file).exists() else assign_splits(records)
    splits = split_of(manifest)
    grouped: Dict[str, List[Dict[str, Any]]] = {"train": [], "dev": [], "test": []}
    for record in records:
        grouped[splits.get(record["id"], "train")].append(record)
    grouped["train"].extend(extra or [])
    return grouped


def write_docbin(nlp: Language, records: Iterable[Dict[str, Any]], path: Path) -> int:
    """Write gold Docs to a .spacy file. RETURNS (int): Number of documents."""
    docbin = DocBin(store_user_data=True)
    count = 0
    for record in records:
        docbin.add(gold_doc(nlp, record))
        count += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return count

"""Checks for gold records (annotations/documents.jsonl), standard library only."""
import hashlib
import json
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

from ..labels import ENTITY_LABELS, RELATION_LABELS, SYMMETRIC, arguments_allowed


def validate_record(record: Dict[str, Any]) -> List[str]:
    """List what is wrong with one gold record.

    record (Dict[str, Any]): A gold record as written by parse_markup or a converter.
    RETURNS (List[str]): Problems found; empty when the record is valid.
    """
    problems: List[str] = []
    text = record.get("text")
    if not isinstance(record.get("id"), str) or not record.get("id"):
        problems.append("record has no string id")
    if not isinstance(text, str):
        return problems + ["record has no string text"]
    labels: Dict[str, str] = {}
    spans: List[Tuple[int, int, str]] = []
    for entity in record.get("entities", []):
        entity_id = entity.get("id")
        if entity_id in labels:
            problems.append(f"entity id {entity_id!r} used twice")
        labels[entity_id] = entity.get("label")
        if entity.get("label") not in ENTITY_LABELS:
            problems.append(f"entity {entity_id!r}: unknown label {entity.get('label')!r}")
        if not entity.get("mentions"):
            problems.append(f"entity {entity_id!r} has no mentions")
        for mention in entity.get("mentions", []):
            problems.extend(_check_span(text, mention, f"mention of {entity_id!r}"))
            spans.append((mention["start"], mention["end"], entity_id))
    spans.sort()
    for (start_a, end_a, id_a), (start_b, end_b, id_b) in zip(spans, spans[1:]):
        if start_b < end_a:
            problems.append(f"overlapping mentions {text[start_a:end_a]!r} ({id_a}) and "
                            f"{text[start_b:end_b]!r} ({id_b}) at {start_b}")
    for nominal in record.get("nominals", []):
        problems.extend(_check_span(text, nominal, "nominal"))
        for ref in nominal.get("refers", []):
            if ref not in labels:
                problems.append(f"nominal {nominal.get('text')!r} refers to missing entity {ref!r}")
    seen = set()
    for kind in ("relations", "negated"):
        for rel in record.get(kind, []):
            problems.extend(_check_relation(rel, labels, text, record, kind))
            if kind == "relations":
                key = _relation_key(rel)
                if key in seen:
                    problems.append(f"relation {rel['head']} {rel['relation']} {rel['tail']} annotated twice")
                seen.add(key)
    return problems


def _relation_key(rel: Dict[str, Any]) -> Tuple[str, str, str]:
    head, tail = rel["head"], rel["tail"]
    if rel["relation"] in SYMMETRIC and tail < head:
        head, tail = tail, head
    return head, rel["relation"], tail


def _check_span(text: str, span: Dict[str, Any], what: str) -> List[str]:
    start, end = span.get("start"), span.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return [f"{what}: offsets {start}-{end} outside the text"]
    if "text" in span and text[start:end] != span["text"]:
        return [f"{what}: offsets {start}-{end} give {text[start:end]!r}, not {span['text']!r}"]
    return []


def _check_relation(rel: Dict[str, Any], labels: Dict[str, str], text: str,
                    record: Dict[str, Any], kind: str) -> List[str]:
    name = f"{kind[:-1] if kind == 'relations' else 'negated'} {rel.get('head')} {rel.get('relation')} {rel.get('tail')}"
    problems = []
    if rel.get("relation") not in RELATION_LABELS:
        return [f"{name}: unknown relation label"]
    for role in ("head", "tail"):
        if rel.get(role) not in labels:
            problems.append(f"{name}: {role} entity {rel.get(role)!r} is missing")
    if problems:
        return problems
    if rel["head"] == rel["tail"]:
        problems.append(f"{name}: head and tail are the same entity")
    if not arguments_allowed(rel["relation"], labels[rel["head"]], labels[rel["tail"]]):
        problems.append(f"{name}: {rel['relation']} cannot join {labels[rel['head']]} -> {labels[rel['tail']]}")
    if not rel.get("evidence"):
        problems.append(f"{name}: no evidence sentence")
    for span in rel.get("evidence", []):
        problems.extend(_check_span(text, span, f"{name} evidence"))
    if not problems:
        for role in ("head", "tail"):
            if not _evidence_refers_to(rel[role], rel, record):
                problems.append(
                    f"{name}: the evidence sentences never refer to the {role} {rel[role]!r}: quote the sentence "
                    f"that names it too, or mark the pronoun/nominal that refers to it, e.g. [[he|id|NOM]], "
                    f"[[its|id|NOM]], [[the group|id|NOM]]")
    return problems


def _evidence_refers_to(entity_id: str, rel: Dict[str, Any], record: Dict[str, Any]) -> bool:
    windows = [(span["start"], span["end"]) for span in rel["evidence"]]

    def inside(span: Dict[str, Any]) -> bool:
        return any(start <= span["start"] and span["end"] <= end for start, end in windows)

    for entity in record.get("entities", []):
        if entity["id"] == entity_id and any(inside(m) for m in entity["mentions"]):
            return True
    return any(inside(n) and entity_id in n.get("refers", []) for n in record.get("nominals", []))


def read_records(path: Path) -> Iterable[Tuple[int, Dict[str, Any]]]:
    """Read gold records from a JSONL file.

    path (Path): A .jsonl file with one record a line.
    YIELDS (Tuple[int, Dict[str, Any]]): Line number and record.
    """
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, json.loads(line)


def validate_collection(paths: Iterable[Path]) -> List[str]:
    """Validate gold JSONL files and .ann authoring files together, including duplicate documents.

    paths (Iterable[Path]): Files, or folders searched recursively for *.jsonl and *.ann.
    RETURNS (List[str]): Problems, each prefixed with its file; empty when everything is valid.
    """
    from .markup import MarkupError, parse_markup

    problems: List[str] = []
    ids: Dict[str, str] = {}
    texts: Dict[str, str] = {}
    for path in _expand(paths):
        records: List[Tuple[str, Dict[str, Any]]] = []
        if path.suffix == ".ann":
            try:
                records.append((str(path), parse_markup(path.read_text(encoding="utf-8"), origin=str(path))))
            except MarkupError as err:
                problems.append(str(err))
        else:
            try:
                records.extend((f"{path}:{number}", record) for number, record in read_records(path))
            except json.JSONDecodeError as err:
                problems.append(f"{path}: not valid JSONL ({err})")
        for where, record in records:
            problems.extend(f"{where}: {problem}" for problem in validate_record(record))
            doc_id = record.get("id")
            digest = hashlib.sha256(str(record.get("text", "")).encode("utf-8")).hexdigest()
            if doc_id in ids:
                problems.append(f"{where}: duplicate document id {doc_id!r} (also {ids[doc_id]})")
            elif digest in texts:
                problems.append(f"{where}: duplicate document text (same as {texts[digest]})")
            ids.setdefault(doc_id, where)
            texts.setdefault(digest, where)
    return problems


def _expand(paths: Iterable[Path]) -> List[Path]:
    found: List[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".jsonl", ".ann")))
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"No such file or folder: {path}")
    return found

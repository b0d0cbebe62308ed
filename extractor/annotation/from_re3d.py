"""Convert Dstl's re3d (../shared/data/re3d) into the team's gold record format.

Decisions (see annotations/FORMAT.md):
- Person -> PERSON; Location -> GPE (re3d's Location is mostly countries, provinces and towns); Organisation ->
  MILITANT_GROUP when its text, without a leading "the", is a militant group's name or alias in the gazetteer,
  otherwise ORG (armies, coalitions, governments, agencies). Other entity types are dropped.
- Mentions with the same normalised text, or joined by IsSynonymOf, form one entity.
- FightingAgainst -> RIVAL_OF, AlliesOf -> ALLY_OF, InChargeOf (Person -> Organisation) -> LEADER_OF,
  BelongsTo (Person -> Organisation) -> MEMBER_OF; relations whose arguments do not fit these types are dropped.
- Evidence is the sentence(s) holding both arguments; overlapping mentions keep the longer one.
"""
import json
import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from ..labels import GPE, MILITANT_GROUP, ORG, PERSON, arguments_allowed
from .sentences import split_sentences

RELATION_MAP = {"FightingAgainst": "RIVAL_OF", "AlliesOf": "ALLY_OF", "InChargeOf": "LEADER_OF",
                "BelongsTo": "MEMBER_OF"}
TYPE_MAP = {"Person": PERSON, "Location": GPE, "Organisation": ORG}


def _key(text: str) -> str:
    text = re.sub(r"^the\s+", "", text.strip(), flags=re.I)
    return re.sub(r"[\W_]+", "", text.lower())


def _read_jsonl(path: Path) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def convert_re3d(folder: Path, *, militant_names: Set[str]) -> List[Dict[str, Any]]:
    """Gold records for every re3d document under folder (one sub-folder per source).

    folder (Path): ../shared/data/re3d.
    militant_names (Set[str]): Normalised names and aliases of militant groups (from the gazetteer).
    RETURNS (List[Dict[str, Any]]): Records in the format of annotations/FORMAT.md, meta.source = "re3d/<folder>".
    """
    records = []
    for source in sorted(p for p in Path(folder).iterdir() if (p / "documents.json").exists()):
        entities_by_doc: Dict[str, List[Dict[str, Any]]] = {}
        for entity in _read_jsonl(source / "entities.json"):
            entities_by_doc.setdefault(entity["documentId"], []).append(entity)
        relations_by_doc: Dict[str, List[Dict[str, Any]]] = {}
        for relation in _read_jsonl(source / "relations.json"):
            relations_by_doc.setdefault(relation["documentId"], []).append(relation)
        for document in _read_jsonl(source / "documents.json"):
            record = _convert_document(document, entities_by_doc.get(document["_id"], []),
                                       relations_by_doc.get(document["_id"], []), militant_names, source.name)
            if record is not None:
                records.append(record)
    return records


def _convert_document(document: Dict[str, Any], entities: List[Dict[str, Any]], relations: List[Dict[str, Any]],
                      militant_names: Set[str], source: str) -> Optional[Dict[str, Any]]:
    text = document["text"]
    spans = []
    for entity in sorted(entities, key=lambda e: (e["begin"], -(e["end"] - e["begin"]))):
        label = TYPE_MAP.get(entity["type"])
        if label is None or text[entity["begin"]:entity["end"]] != entity["value"]:
            continue
        if spans and entity["begin"] < spans[-1][1]:
            continue
        if label == ORG and _key(entity["value"]) in militant_names:
            label = MILITANT_GROUP
        spans.append((entity["begin"], entity["end"], label, entity["value"]))
    parent: Dict[Tuple[int, int], Tuple[int, int]] = {(s, e): (s, e) for s, e, _, _ in spans}

    def find(node: Tuple[int, int]) -> Tuple[int, int]:
        while parent[node] != node:
            node = parent[node]
        return node

    first_by_key: Dict[Tuple[str, str], Tuple[int, int]] = {}
    for start, end, label, value in spans:
        key = (label, _key(value))
        if key in first_by_key:
            parent[find((start, end))] = find(first_by_key[key])
        else:
            first_by_key[key] = (start, end)
    for relation in relations:
        source_span = (relation["sourceBegin"], relation["sourceEnd"])
        target_span = (relation["targetBegin"], relation["targetEnd"])
        if relation["type"] == "IsSynonymOf" and source_span in parent and target_span in parent:
            parent[find(source_span)] = find(target_span)
    clusters: Dict[Tuple[int, int], List[Tuple[int, int, str, str]]] = {}
    for span in spans:
        clusters.setdefault(find(span[:2]), []).append(span)
    entity_of: Dict[Tuple[int, int], str] = {}
    out_entities = []
    for number, members in enumerate(sorted(clusters.values(), key=lambda m: m[0][0]), start=1):
        labels = [m[2] for m in members]
        label = max(dict.fromkeys(labels), key=labels.count)
        entity_id = f"e{number}"
        for start, end, _, _ in members:
            entity_of[(start, end)] = entity_id
        out_entities.append({"id": entity_id, "label": label, "name": max((m[3] for m in members), key=len),
                             "mentions": [{"start": s, "end": e, "text": v} for s, e, _, v in members]})
    labels_by_id = {e["id"]: e["label"] for e in out_entities}
    sentences = split_sentences(text)
    out_relations: Dict[Tuple[str, str, str], Dict[str, Any]] = {}
    for relation in relations:
        label = RELATION_MAP.get(relation["type"])
        head = entity_of.get((relation["sourceBegin"], relation["sourceEnd"]))
        tail = entity_of.get((relation["targetBegin"], relation["targetEnd"]))
        if not label or not head or not tail or head == tail:
            continue
        if not arguments_allowed(label, labels_by_id[head], labels_by_id[tail]):
            continue
        if label in ("ALLY_OF", "RIVAL_OF") and tail < head:
            head, tail = tail, head
        low = min(relation["sourceBegin"], relation["targetBegin"])
        high = max(relation["sourceEnd"], relation["targetEnd"])
        evidence = [{"start": s, "end": e} for s, e in sentences if s < high and low < e]
        entry = out_relations.setdefault((head, label, tail), {
            "head": head, "relation": label, "tail": tail, "hedged": False, "time": None, "hard": [],
            "quotes": [], "evidence": []})
        for span in evidence:
            if span not in entry["evidence"]:
                entry["evidence"].append(span)
    if not out_entities:
        return None
    return {"id": f"re3d-{document['_id'][:12].lower()}", "text": text,
            "meta": {"title": document.get("title", ""), "region": "Levant/Iraq", "genre": "government report",
                     "author": "re3d", "licence": f"see ../shared/data/re3d/{source}/LICENSE",
                     "source": f"re3d/{source}"},
            "entities": out_entities, "nominals": [], "relations": list(out_relations.values()), "negated": []}


def militant_names_from(actors: Iterable[Any]) -> Set[str]:
    """RETURNS (Set[str]): Normalised names and aliases of the gazetteer's militant groups."""
    return {_key(form) for actor in actors if actor.label == MILITANT_GROUP for form in actor.surface_forms}

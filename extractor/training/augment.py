"""Training data augmentation by name swapping: copies of training documents in which every militant group and
person is renamed after another entity of the same label from another training document.

The copies keep each sentence's context and change the names, so a model learns to label a name, or a relation
between two names, from the context rather than memorise the corpus's own names and pairs (mention replacement,
Dai and Adel, 2020). Relations, their evidence and the marked references carry over with shifted offsets.
"""
import random
from bisect import bisect_right
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ..labels import MILITANT_GROUP, PERSON

SWAPPED_LABELS = (MILITANT_GROUP, PERSON)


def _is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(text) <= 8 and " " not in text and sum(c.isupper() for c in letters) >= max(2, len(letters) - 1)


def _forms(entity: Dict[str, Any]) -> Tuple[str, Optional[str]]:
    """(full name, acronym or None) of a gold entity, from its mentions."""
    texts = [m["text"] for m in entity["mentions"]]
    written = [t for t in texts if not _is_acronym(t)]
    acronyms = [t for t in texts if _is_acronym(t)]
    full = max(written, key=len) if written else entity["name"]
    return full, (acronyms[0] if acronyms else None)


def _replacement(mention: str, label: str, full: str, acronym: Optional[str]) -> str:
    if _is_acronym(mention):
        return acronym or full
    if label == PERSON and " " not in mention and " " in full:
        return full.split()[-1]
    return full


def swap_names(records: Sequence[Dict[str, Any]], *, seed: int, copies: int = 1) -> List[Dict[str, Any]]:
    """Name-swapped copies of records, with entities, relations and nominals at their new offsets.

    records (Sequence[Dict[str, Any]]): Gold training records.
    seed (int): Seed of the draw of replacement names.
    copies (int): Copies per record.
    RETURNS (List[Dict[str, Any]]): New records with ids "<id>#swap<n>", offsets recomputed.
    """
    rng = random.Random(seed)
    pool: Dict[str, List[Tuple[str, str, Optional[str]]]] = {label: [] for label in SWAPPED_LABELS}
    for record in records:
        for entity in record["entities"]:
            if entity["label"] in pool and entity["mentions"]:
                pool[entity["label"]].append((record["id"], *_forms(entity)))
    augmented = []
    for copy in range(1, copies + 1):
        for record in records:
            names = {}
            for entity in record["entities"]:
                others = [item for item in pool.get(entity["label"], []) if item[0] != record["id"]]
                if others:
                    names[entity["id"]] = rng.choice(others)[1:]
            augmented.append(_renamed(record, names, f"{record['id']}#swap{copy}"))
    return augmented


def _renamed(record: Dict[str, Any], names: Dict[str, Tuple[str, Optional[str]]], new_id: str) -> Dict[str, Any]:
    text = record["text"]
    mentions = sorted(((m["start"], m["end"], entity) for entity in record["entities"] for m in entity["mentions"]),
                      key=lambda item: (item[0], -item[1]))
    pieces: List[str] = []
    position = shift = 0
    placed: Dict[str, List[Dict[str, Any]]] = {}
    edits: List[Tuple[int, int]] = []
    for start, end, entity in mentions:
        if start < position:
            continue
        surface = text[start:end]
        if entity["id"] in names:
            surface = _replacement(surface, entity["label"], *names[entity["id"]])
        pieces.append(text[position:start])
        new_start = start + shift
        pieces.append(surface)
        shift += len(surface) - (end - start)
        edits.append((end, shift))
        position = end
        placed.setdefault(entity["id"], []).append({"start": new_start, "end": new_start + len(surface),
                                                    "text": surface})
    pieces.append(text[position:])
    moved = _offset_mover(edits)
    entities = [{**{k: v for k, v in entity.items() if k != "mentions"},
                 "name": names[entity["id"]][0] if entity["id"] in names else entity["name"],
                 "mentions": placed.get(entity["id"], [])} for entity in record["entities"]]
    statements = {key: [_with_moved_spans(item, moved) for item in record.get(key, [])]
                  for key in ("relations", "negated")}
    nominals = [moved(nominal) for nominal in record.get("nominals", [])]
    return {**record, "id": new_id, "text": "".join(pieces), "entities": entities, "nominals": nominals, **statements}


def _with_moved_spans(statement: Dict[str, Any], moved: Callable[[Dict[str, Any]], Dict[str, Any]]
                      ) -> Dict[str, Any]:
    """A relation or negated statement with its quotes and evidence moved to the renamed text."""
    return {**statement, **{part: [moved(span) for span in statement.get(part, [])] for part in ("quotes", "evidence")}}


def _offset_mover(edits: Sequence[Tuple[int, int]]) -> Callable[[Dict[str, Any]], Dict[str, Any]]:
    """A function moving a {"start", "end"} span of the original text to the renamed text.

    edits (Sequence[Tuple[int, int]]): (end of a replaced mention, total shift after it), in text order.
    """
    ends = [end for end, _ in edits]

    def shifted(position: int) -> int:
        index = bisect_right(ends, position)
        return position + (edits[index - 1][1] if index else 0)

    return lambda span: {**span, "start": shifted(span["start"]), "end": shifted(span["end"])}

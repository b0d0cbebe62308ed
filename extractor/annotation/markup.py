"""The authoring format: articles with inline entity markup and relation lines.

Authors write one ``.ann`` file per document (see annotations/FORMAT.md). This module turns it into the
gold record stored in annotations/documents.jsonl, with exact character offsets into the clean text.
Standard library only, so authors can check a file with ``python3 -m extractor.annotation.markup FILE``.
"""
import re
import sys
from typing import Any, Dict, List, Optional, Tuple

from .sentences import split_sentences

MENTION = re.compile(r"\[\[([^\[\]|]+)\|([^\[\]|]+)(?:\|([^\[\]|]+))?\]\]")
HEADER = re.compile(r"^#\s*([a-z_]+)\s*:\s*(.*?)\s*$")
ENTITY_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
QUOTE = re.compile(r"\"([^\"]+)\"")
HARD_CASES = ("cross-sentence", "coref", "hedged", "temporal", "list", "negation")
REQUIRED_META = ("id", "title", "region", "genre", "author", "licence")
NOMINAL_TAG = "NOM"


class MarkupError(ValueError):
    """An authoring file that cannot be turned into a gold record."""


def parse_markup(source: str, *, origin: str = "<string>") -> Dict[str, Any]:
    """Turn an authoring file into a gold record.

    source (str): Contents of an .ann file.
    origin (str): File name used in error messages.
    RETURNS (Dict[str, Any]): Record with id, text, meta, entities, nominals, relations and negated.
    """
    errors: List[str] = []
    lines = source.splitlines()
    meta: Dict[str, str] = {}
    body_start = 0
    for index, line in enumerate(lines):
        match = HEADER.match(line)
        if match:
            meta[match.group(1)] = match.group(2)
            body_start = index + 1
        elif line.strip():
            break
        else:
            body_start = index + 1
    sections = _split_sections(lines[body_start:])
    text, mention_marks = _strip_mentions(sections.get("body", "").strip("\n"))
    for key in REQUIRED_META:
        if not meta.get(key):
            errors.append(f"missing header '# {key}: ...'")

    entities: Dict[str, Dict[str, Any]] = {}
    for number, line in sections.get("entities_lines", []):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3:
            errors.append(f"entities line {number}: expected 'id | LABEL | canonical name', got {line!r}")
            continue
        entity_id, label, name = parts
        if not ENTITY_ID.match(entity_id):
            errors.append(f"entities line {number}: bad id {entity_id!r} (lowercase letters, digits, _ and -)")
        if entity_id in entities:
            errors.append(f"entities line {number}: id {entity_id!r} defined twice")
        entities[entity_id] = {"id": entity_id, "label": label, "name": name, "mentions": []}

    nominals: List[Dict[str, Any]] = []
    for surface, start, end, ref, tag in mention_marks:
        if tag == NOMINAL_TAG:
            refs = ref.split("+")
            for one in refs:
                if one not in entities:
                    errors.append(f"nominal {surface!r} refers to undefined entity {one!r}")
            nominals.append({"start": start, "end": end, "text": surface, "refers": refs})
        elif tag is not None:
            errors.append(f"mention {surface!r}: unknown tag {tag!r} (only {NOMINAL_TAG})")
        elif ref not in entities:
            errors.append(f"mention {surface!r} uses undefined entity id {ref!r}")
        else:
            entities[ref]["mentions"].append({"start": start, "end": end, "text": surface})
    for entity in entities.values():
        if not entity["mentions"]:
            errors.append(f"entity {entity['id']!r} is never mentioned in the text")

    sentences = split_sentences(text)
    relations = [
        rel for number, line in sections.get("relations_lines", [])
        if (rel := _parse_relation(line, number, text, sentences, errors)) is not None
    ]
    negated = [
        rel for number, line in sections.get("negated_lines", [])
        if (rel := _parse_relation(line, number, text, sentences, errors)) is not None
    ]
    for rel in negated:
        rel.pop("hedged", None)
    if errors:
        raise MarkupError(f"{origin}:\n  " + "\n  ".join(errors))
    return {
        "id": meta["id"],
        "text": text,
        "meta": {key: value for key, value in meta.items() if key != "id"},
        "entities": list(entities.values()),
        "nominals": nominals,
        "relations": relations,
        "negated": negated,
    }


def _split_sections(lines: List[str]) -> Dict[str, Any]:
    sections: Dict[str, Any] = {"body": [], "entities_lines": [], "relations_lines": [], "negated_lines": []}
    current = "body"
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.lower() in ("## entities", "## relations", "## negated"):
            current = stripped[3:].lower() + "_lines"
            continue
        if current == "body":
            sections["body"].append(line)
        elif stripped and not stripped.startswith("//"):
            sections[current].append((number, stripped))
    sections["body"] = "\n".join(sections["body"])
    return sections


def _strip_mentions(marked: str) -> Tuple[str, List[Tuple[str, int, int, str, Optional[str]]]]:
    pieces: List[str] = []
    marks = []
    cursor = 0
    length = 0
    for match in MENTION.finditer(marked):
        before = marked[cursor:match.start()]
        pieces.append(before)
        length += len(before)
        surface = match.group(1)
        marks.append((surface, length, length + len(surface), match.group(2).strip(), match.group(3)))
        pieces.append(surface)
        length += len(surface)
        cursor = match.end()
    pieces.append(marked[cursor:])
    text = "".join(pieces)
    for leftover in ("[[", "]]"):
        if leftover in text:
            raise MarkupError(f"unbalanced or malformed mention markup near {text[text.index(leftover):][:60]!r}")
    return text, marks


def _parse_relation(line: str, number: int, text: str, sentences: List[Tuple[int, int]],
                    errors: List[str]) -> Optional[Dict[str, Any]]:
    fields = [field.strip() for field in line.split(" | ")]
    triple = fields[0].split()
    if len(triple) != 3:
        errors.append(f"relation line {number}: expected 'head RELATION tail | \"quote\" | ...', got {line!r}")
        return None
    head, relation, tail = triple
    record: Dict[str, Any] = {"head": head, "relation": relation, "tail": tail, "hedged": False,
                              "time": None, "hard": [], "quotes": [], "evidence": []}
    quotes = QUOTE.findall(fields[1]) if len(fields) > 1 else []
    if not quotes:
        errors.append(f"relation line {number}: no evidence quote in {line!r}")
    for quote in quotes:
        first = text.find(quote)
        if first < 0:
            errors.append(f"relation line {number}: quote not found verbatim in text: {quote!r}")
            continue
        if text.find(quote, first + 1) >= 0:
            errors.append(f"relation line {number}: quote occurs more than once, lengthen it: {quote!r}")
            continue
        record["quotes"].append({"start": first, "end": first + len(quote)})
    for field in fields[2:]:
        key, _, value = field.partition("=")
        key, value = key.strip(), value.strip()
        if key == "hedged":
            if value not in ("yes", "no"):
                errors.append(f"relation line {number}: hedged must be yes or no")
            record["hedged"] = value == "yes"
        elif key == "time":
            record["time"] = value or None
        elif key == "hard":
            tags = [tag.strip() for tag in value.split(",") if tag.strip()]
            unknown = [tag for tag in tags if tag not in HARD_CASES]
            if unknown:
                errors.append(f"relation line {number}: unknown hard-case tag(s) {unknown}; use {HARD_CASES}")
            record["hard"] = tags
        else:
            errors.append(f"relation line {number}: unknown field {field!r}")
    covered = []
    for quote in record["quotes"]:
        for start, end in sentences:
            if start < quote["end"] and quote["start"] < end and (start, end) not in covered:
                covered.append((start, end))
    record["evidence"] = [{"start": start, "end": end} for start, end in sorted(covered)]
    return record


def main(argv: List[str]) -> int:
    """Check authoring files and print what each contains (for authors; the library never prints)."""
    from .validate import validate_record

    failed = 0
    totals = {"docs": 0, "words": 0, "relations": 0}
    for path in argv:
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
        try:
            record = parse_markup(source, origin=path)
        except MarkupError as err:
            print(f"FAIL {err}")
            failed += 1
            continue
        problems = validate_record(record)
        if problems:
            print(f"FAIL {path}:\n  " + "\n  ".join(problems))
            failed += 1
            continue
        words = len(record["text"].split())
        totals["docs"] += 1
        totals["words"] += words
        totals["relations"] += len(record["relations"])
        hard = sum(1 for rel in record["relations"] if rel["hard"])
        print(f"ok   {path}: {words} words, {len(record['entities'])} entities, "
              f"{len(record['relations'])} relations ({hard} hard), {len(record['negated'])} negated")
    print(f"{totals['docs']} ok, {failed} failed; {totals['words']} words, {totals['relations']} relations")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

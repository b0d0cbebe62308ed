"""The actor gazetteer: a readable JSONL data file of groups and people, and importers for it.

Each line is {"id", "label", "name", "aliases", ...}; see extractor/resources/gazetteer.jsonl. Aliases are names
of the same organisation or person; a group's earlier incarnation under another name (Jabhat al-Nusra before
Hay'at Tahrir al-Sham, the GSPC before AQIM) is an entry of its own with "successor" set, as analysts and our
annotations keep them apart. Other optional fields: "parent" (a group's parent organisation), "groups" (a
person's groups), "region".
"""
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Union

from .labels import ENTITY_LABELS, MILITANT_GROUP

DEFAULT_GAZETTEER = "gazetteer.jsonl"


@dataclass
class Actor:
    """One gazetteer entry."""
    id: str
    label: str
    name: str
    aliases: List[str] = field(default_factory=list)
    extra: Dict[str, Any] = field(default_factory=dict)

    @property
    def surface_forms(self) -> List[str]:
        forms = [self.name] + [a for a in self.aliases if a]
        return list(dict.fromkeys(forms))


def default_gazetteer_path() -> Path:
    """RETURNS (Path): The gazetteer shipped with the package."""
    return Path(str(resources.files("extractor.resources").joinpath(DEFAULT_GAZETTEER)))


def read_gazetteer(path: Optional[Union[str, Path]] = None) -> List[Actor]:
    """Read a gazetteer JSONL file.

    path (Optional[Union[str, Path]]): The file; the shipped gazetteer when None.
    RETURNS (List[Actor]): Entries in file order.
    """
    path = Path(path) if path is not None else default_gazetteer_path()
    actors = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            if record.get("label") not in ENTITY_LABELS or not record.get("name") or not record.get("id"):
                raise ValueError(f"{path}:{number}: gazetteer entries need id, name and a label in {ENTITY_LABELS}")
            extra = {k: v for k, v in record.items() if k not in ("id", "label", "name", "aliases")}
            actors.append(Actor(record["id"], record["label"], record["name"], list(record.get("aliases", [])),
                                extra))
    return actors


def write_gazetteer(actors: Iterable[Actor], path: Union[str, Path]) -> None:
    """Write actors as gazetteer JSONL.

    actors (Iterable[Actor]): Entries to write.
    path (Union[str, Path]): Output file.
    """
    with Path(path).open("w", encoding="utf-8") as handle:
        for actor in actors:
            record = {"id": actor.id, "label": actor.label, "name": actor.name, "aliases": actor.aliases}
            record.update(actor.extra)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def is_acronym(form: str) -> bool:
    """RETURNS (bool): Whether a surface form should match case-sensitively (LeT, ISWAP, AQIM)."""
    letters = [c for c in form if c.isalpha()]
    return len(form) <= 6 and " " not in form and sum(c.isupper() for c in letters) >= max(2, len(letters) // 2)


# Joining particles of transliterated names: Tehrik-e / Tehrik-i, Lashkar-e / Lashkar-i, Harakat-ul / Harakat ul
_PARTICLE_SWAPS = {"e": "i", "i": "e"}
_APOSTROPHES = re.compile(r"['\u2019\u02bc\u02bf\u2018`]")
MAX_HYPHEN_VARIANTS = 16


def spelling_variants(form: str) -> List[str]:
    """Transliteration variants of a name that analysts write interchangeably: each hyphen as a hyphen or a
    space ("Tehrik-e-Taliban" / "Tehrik-e Taliban"), the joining particle -e- as -i- and back, and apostrophes
    dropped or curled ("Jama'at" / "Jamaat" / "Jama’at").

    form (str): A gazetteer surface form.
    RETURNS (List[str]): The form first, then its variants, without duplicates.
    """
    pieces = re.split(r"(-)", form)
    hyphens = [i for i, piece in enumerate(pieces) if piece == "-"]
    variants = [form]
    if hyphens and 2 ** len(hyphens) <= MAX_HYPHEN_VARIANTS:
        for mask in range(1, 2 ** len(hyphens)):
            joined = list(pieces)
            for bit, index in enumerate(hyphens):
                if mask >> bit & 1:
                    joined[index] = " "
            variants.append("".join(joined))
    elif hyphens:
        variants.append(form.replace("-", " "))
    swapped = []
    for variant in variants:
        words = re.split(r"([\s-])", variant)
        inner = [i for i in range(1, len(words) - 1) if words[i].lower() in _PARTICLE_SWAPS]
        if inner:
            swapped.append("".join(_PARTICLE_SWAPS[w.lower()] if i in inner else w for i, w in enumerate(words)))
    variants.extend(swapped)
    for variant in list(variants):
        if _APOSTROPHES.search(variant):
            variants.append(_APOSTROPHES.sub("", variant))
            variants.append(_APOSTROPHES.sub("\u2019", variant))
            variants.append(_APOSTROPHES.sub("'", variant))
    return list(dict.fromkeys(variants))


def ruler_patterns(actors: Iterable[Actor], *, acronyms: bool) -> List[Dict[str, Any]]:
    """Phrase patterns for spaCy's entity_ruler, one per surface form, with the actor id as pattern id.

    Phrase patterns run on spaCy's PhraseMatcher, much faster than token patterns for thousands of names.
    Acronyms go to a ruler matching exact text (ORTH), so "LeT" never matches "let"; names go to a ruler
    matching lowercase text, with their spelling variants (spelling_variants).
    actors (Iterable[Actor]): Gazetteer entries.
    acronyms (bool): Return the acronym patterns (True) or the name patterns (False).
    RETURNS (List[Dict[str, Any]]): Patterns for entity_ruler.add_patterns.
    """
    patterns = []
    seen = set()
    for actor in actors:
        for form in actor.surface_forms:
            if not form.strip() or is_acronym(form) != acronyms:
                continue
            for variant in [form] if acronyms else spelling_variants(form):
                key = variant if acronyms else variant.lower()
                if (key, actor.id) not in seen:
                    seen.add((key, actor.id))
                    patterns.append({"label": actor.label, "pattern": key, "id": actor.id})
    return patterns


_PHOENIX_ENTRY = re.compile(r"^([^\s+#][^\[#]*?)\s*(?:\[([^\]]*)\])?\s*(?:#.*)?$")
_PHOENIX_PAREN_ACRONYM = re.compile(r"\(([A-Z0-9\-]{2,})\)")


def _phoenix_name(raw: str) -> List[str]:
    raw = raw.strip().strip("+").strip()
    acronyms = _PHOENIX_PAREN_ACRONYM.findall(raw)
    name = _PHOENIX_PAREN_ACRONYM.sub("", raw).replace("_", " ")
    name = re.sub(r"\s+", " ", name).strip(" -")
    forms = [_titlecase(name)] if name else []
    return forms + acronyms


def _titlecase(name: str) -> str:
    small = {"of", "the", "and", "for", "in", "al", "el", "wa", "wal", "de", "la", "del", "e"}
    words = name.lower().split(" ")
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def read_phoenix(path: Union[str, Path], *, label: str = MILITANT_GROUP, id_prefix: str = "phx:") -> List[Actor]:
    """Import a PETRARCH/Phoenix actor dictionary (NAME [CODE] lines followed by +ALIAS lines).

    path (Union[str, Path]): The actor dictionary.
    label (str): Entity label given to every entry.
    id_prefix (str): Prefix for the generated stable ids.
    RETURNS (List[Actor]): One actor per entry with its aliases; the CAMEO code is kept as "code".
    """
    actors: List[Actor] = []
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("+") and actors:
            for chunk in stripped.split("+"):
                chunk = chunk.split("#")[0]
                actors[-1].aliases.extend(f for f in _phoenix_name(chunk) if f != actors[-1].name)
            continue
        match = _PHOENIX_ENTRY.match(stripped)
        if not match:
            continue
        forms = _phoenix_name(match.group(1))
        if not forms:
            continue
        slug = re.sub(r"[^a-z0-9]+", "-", forms[0].lower()).strip("-")
        actor = Actor(f"{id_prefix}{slug}", label, forms[0], forms[1:],
                      {"code": (match.group(2) or "").strip() or None})
        actors.append(actor)
    for actor in actors:
        actor.aliases = list(dict.fromkeys(actor.aliases))
    return actors


def iter_kb(actors: Iterable[Actor]) -> Iterator[Dict[str, Any]]:
    """RETURNS (Iterator[Dict[str, Any]]): {"id", "label", "name"} for each actor, for the linker's kb."""
    for actor in actors:
        yield {"id": actor.id, "label": actor.label, "name": actor.name}

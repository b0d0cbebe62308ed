"""Merge entity mentions into canonical document entities and resolve nominal references."""
import re
from bisect import bisect_left
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..document import Entity, Mention
from ..extensions import ENTITIES_ATTR, NOMINALS_ATTR, install_extensions
from ..labels import ENTITY_LABELS, GPE, MILITANT_GROUP, ORG, PERSON
from .nominals import NominalResolver

_NOMINAL = re.compile(
    r"\b(?P<plural>[Tt]he two (?:groups|organi[sz]ations|movements|factions|militias)|[Bb]oth (?:groups|organi[sz]ations|movements|factions))\b"
    r"|\b(?P<single>[Tt]he (?:group|organi[sz]ation|movement|militia|faction|network|outfit|jihadist group|militant group|latter)|[Ii]ts)\b"
    r"|\b(?P<person>[Hh]e|[Hh]is|[Hh]im)\b")
_NOMINAL_WINDOW = 1200
RESOLVER_FILE = "nominal_resolver.json"
_NORMALIZE = re.compile(r"[\W_]+", re.UNICODE)
_GROUP_LIKE = (MILITANT_GROUP, ORG)
_ABBREVIATED = (MILITANT_GROUP, ORG, GPE)  # "US" for "United States", "DRC", "UAE"


def _family(label: str) -> str:
    return "GROUP" if label in _GROUP_LIKE else label


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def normalize_name(text: str) -> str:
    """RETURNS (str): A matching key that ignores case, punctuation, spacing and a leading 'the'."""
    lowered = text.lower()
    if lowered.startswith("the "):
        lowered = lowered[4:]
    return _NORMALIZE.sub("", lowered)


def initials(text: str) -> str:
    """RETURNS (str): Upper-case initials of the name's words (Tehrik-e Taliban Pakistan -> TTP)."""
    words = [w for w in re.split(r"[\s\-]+", text) if w and w[0].isupper()]
    return "".join(w[0] for w in words)


class EntityLinker:
    """Group doc.ents into canonical entities on doc._.entities, and nominal references on doc._.nominals
    (by the trained ranker of .nominals when the linker has one, else by the nearest earlier entity).

    Mentions merge when they share a gazetteer id, when one is an acronym defined in parentheses after the
    other or built from its initials, when they are the same name up to case and punctuation, or when a short
    person name ("Shekau", "Ag Ghaly") ends a longer one in the document.
    """

    def __init__(self, nlp: Language, name: str, *, kb_names: Optional[Dict[str, str]] = None,
                 kb_aliases: Optional[Dict[str, str]] = None) -> None:
        self.name = name
        self.kb_names: Dict[str, str] = dict(kb_names or {})
        self.kb_aliases: Dict[str, str] = dict(kb_aliases or {})
        self.resolver: Optional[NominalResolver] = None
        install_extensions()

    def set_kb(self, actors: Iterable[Any]) -> None:
        """Fill the canonical-name and alias tables from gazetteer actors (aliases shared by two actors are left
        out, since they cannot decide between them)."""
        self.kb_names = {actor.id: actor.name for actor in actors}
        seen: Dict[str, str] = {}
        ambiguous = set()
        for actor in actors:
            for form in actor.surface_forms:
                key = f"{_family(actor.label)}:{normalize_name(form)}"
                if key in seen and seen[key] != actor.id:
                    ambiguous.add(key)
                seen[key] = actor.id
        self.kb_aliases = {key: kb_id for key, kb_id in seen.items() if key not in ambiguous}

    def kb_id_of(self, ent: Span) -> str:
        """RETURNS (str): The gazetteer id of a mention: set by the ruler, else looked up by its name."""
        return ent.ent_id_ or self.kb_aliases.get(f"{_family(ent.label_)}:{normalize_name(ent.text)}", "")

    def __call__(self, doc: Doc) -> Doc:
        mentions = [ent for ent in doc.ents if ent.label_ in ENTITY_LABELS]
        clusters = self._cluster(doc, mentions)
        entities = self._build_entities(mentions, clusters)
        mentions = _harmonize_labels(doc, mentions, entities)
        doc._.set(ENTITIES_ATTR, entities)
        if self.resolver is not None:
            doc._.set(NOMINALS_ATTR, self.resolver.resolve(doc, entities))
        else:
            doc._.set(NOMINALS_ATTR, resolve_nominals(doc, mentions, entities))
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def _cluster(self, doc: Doc, mentions: List[Span]) -> List[int]:
        union = _UnionFind(len(mentions))
        by_key: Dict[Tuple[str, str], int] = {}
        for index, ent in enumerate(mentions):
            family = _family(ent.label_)
            kb_id = self.kb_id_of(ent)
            keys = [(family, "kb:" + kb_id)] if kb_id else []
            keys.append((family, normalize_name(ent.text)))
            for key in keys:
                if key in by_key:
                    union.union(by_key[key], index)
                else:
                    by_key[key] = index
        for index, ent in enumerate(mentions):
            if ent.label_ != PERSON and index + 1 < len(mentions):
                nxt = mentions[index + 1]
                between = doc[ent.end:nxt.start].text.strip()
                after = doc[nxt.end:nxt.end + 1].text if nxt.end < len(doc) else ""
                if between == "(" and after == ")" and nxt.label_ != PERSON:
                    union.union(index, index + 1)
        first_with_initials: Dict[Tuple[str, str], int] = {}
        for index, ent in enumerate(mentions):
            if ent.label_ in _ABBREVIATED and len(ent) > 1:
                first_with_initials.setdefault((_family(ent.label_), initials(ent.text)), index)
        for index, ent in enumerate(mentions):
            if ent.label_ in _ABBREVIATED and ent.text.isupper() and len(ent.text) >= 2:
                expansion = first_with_initials.get((_family(ent.label_), ent.text))
                if expansion is not None:
                    union.union(index, expansion)
        group_tokens = {i: tuple(t.lower_ for t in ent if t.lower_ != "the") for i, ent in enumerate(mentions)
                        if ent.label_ in _GROUP_LIKE}
        first_longer_with_suffix: Dict[Tuple[str, ...], int] = {}
        for index, tokens in group_tokens.items():
            for size in range(2, len(tokens)):
                first_longer_with_suffix.setdefault(tokens[-size:], index)
        for index, tokens in group_tokens.items():
            if tokens in first_longer_with_suffix:
                union.union(index, first_longer_with_suffix[tokens])
        self._link_person_short_forms(mentions, union)
        return [union.find(i) for i in range(len(mentions))]

    @staticmethod
    def _link_person_short_forms(mentions: List[Span], union: _UnionFind) -> None:
        """Join a person name to the nearest longer person name in the document that ends with it ("Shekau"),
        or to the only longer name that starts with it ("Baitullah" for "Baitullah Mehsud", as South Asian and
        Arabic names are often shortened to the given names)."""
        longer_with_suffix: Dict[Tuple[str, ...], List[int]] = {}
        longer_with_prefix: Dict[Tuple[str, ...], List[int]] = {}
        names_with_prefix: Dict[Tuple[str, ...], set] = {}
        person_tokens = {i: tuple(t.lower_ for t in ent) for i, ent in enumerate(mentions) if ent.label_ == PERSON}
        for index, tokens in person_tokens.items():
            for size in range(1, len(tokens)):
                longer_with_suffix.setdefault(tokens[-size:], []).append(index)
                longer_with_prefix.setdefault(tokens[:size], []).append(index)
                names_with_prefix.setdefault(tokens[:size], set()).add(tokens)
        for index, tokens in person_tokens.items():
            holders = longer_with_suffix.get(tokens)
            if not holders:
                if len(names_with_prefix.get(tokens, ())) != 1:
                    continue
                holders = longer_with_prefix[tokens]
            position = bisect_left(holders, index)
            nearby = holders[max(position - 1, 0):position + 1]
            union.union(index, min(nearby, key=lambda other: (abs(other - index), other)))

    def _build_entities(self, mentions: List[Span], clusters: List[int]) -> List[Entity]:
        members: Dict[int, List[Span]] = {}
        for ent, root in zip(mentions, clusters):
            members.setdefault(root, []).append(ent)
        entities = []
        for number, root in enumerate(sorted(members, key=lambda r: members[r][0].start_char), start=1):
            spans = members[root]
            label = _entity_label(spans)
            kb_id = next((self.kb_id_of(s) for s in spans if self.kb_id_of(s)), None)
            name = self.kb_names.get(kb_id) if kb_id else None
            if not name:
                name = max((s.text for s in spans), key=lambda t: (not t.isupper(), len(t)))
            entities.append(Entity(f"E{number}", name, label, kb_id,
                                   [Mention(s.start_char, s.end_char, s.text) for s in spans]))
        return entities

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        srsly.write_json(Path(path) / "kb_names.json", self.kb_names)
        srsly.write_json(Path(path) / "kb_aliases.json", self.kb_aliases)
        if self.resolver is not None:
            srsly.write_json(Path(path) / RESOLVER_FILE, self.resolver.to_dict())

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> "EntityLinker":
        names = Path(path) / "kb_names.json"
        if names.exists():
            self.kb_names = srsly.read_json(names)
        aliases = Path(path) / "kb_aliases.json"
        if aliases.exists():
            self.kb_aliases = srsly.read_json(aliases)
        resolver = Path(path) / RESOLVER_FILE
        self.resolver = NominalResolver.from_dict(srsly.read_json(resolver)) if resolver.exists() else None
        return self


def _harmonize_labels(doc: Doc, mentions: List[Span], entities: List[Entity]) -> List[Span]:
    """Give every mention its entity's label in doc.ents too, so one entity never carries two labels.

    RETURNS (List[Span]): The mentions as they now are in doc.ents.
    """
    label_at = {(m.start, m.end): e.label for e in entities for m in e.mentions}
    if all(label_at[(ent.start_char, ent.end_char)] == ent.label_ for ent in mentions):
        return mentions
    relabelled = {}
    ents = []
    for ent in doc.ents:
        wanted = label_at.get((ent.start_char, ent.end_char), ent.label_)
        if wanted != ent.label_:
            ent = Span(doc, ent.start, ent.end, label=wanted, kb_id=ent.kb_id, span_id=ent.id)
        relabelled[(ent.start_char, ent.end_char)] = ent
        ents.append(ent)
    doc.ents = ents
    return [relabelled[(ent.start_char, ent.end_char)] for ent in mentions]


def _entity_label(spans: List[Span]) -> str:
    """The label most mentions carry; on a tie, that of the longest written-out mention (an acronym's label is
    the NER's guess, its expansion's is better informed)."""
    counts = Counter(s.label_ for s in spans)  # one pass: an entity of a long document has thousands of mentions
    top = max(counts.values())
    tied = [s for s in spans if counts[s.label_] == top]
    return max(tied, key=lambda s: (not s.text.isupper(), len(s.text))).label_


def resolve_nominals(doc: Doc, mentions: List[Span], entities: List[Entity]) -> List[Dict[str, Any]]:
    """Resolve "the group", "the two groups", "its", "he" and the like to the nearest earlier entities.

    doc (Doc): The document.
    mentions (List[Span]): Entity mentions in text order, each a mention of one of `entities`.
    entities (List[Entity]): The document's entities.
    RETURNS (List[Dict[str, Any]]): {"start", "end", "text", "refers": [entity ids]} per resolved reference.
    """
    entity_at = {(m.start, m.end): e.id for e in entities for m in e.mentions}
    groups = [(ent.start_char, entity_at[(ent.start_char, ent.end_char)])
              for ent in mentions if ent.label_ == MILITANT_GROUP]
    people = [(ent.start_char, entity_at[(ent.start_char, ent.end_char)])
              for ent in mentions if ent.label_ == PERSON]
    group_positions = [pos for pos, _ in groups]
    person_positions = [pos for pos, _ in people]
    resolved = []
    for match in _NOMINAL.finditer(doc.text):
        start, end = match.span()
        antecedents = people if match.group("person") else groups
        positions = group_positions if antecedents is groups else person_positions
        earlier = [eid for _, eid in antecedents[bisect_left(positions, start - _NOMINAL_WINDOW):
                                                 bisect_left(positions, start)]]
        distinct = list(dict.fromkeys(reversed(earlier)))
        wanted = 2 if match.group("plural") else 1
        if len(distinct) >= wanted:
            resolved.append({"start": start, "end": end, "text": match.group(0), "refers": distinct[:wanted]})
    return resolved


@Language.factory("extractor_entity_linker", requires=["doc.ents"],
                  assigns=["doc.ents", f"doc._.{ENTITIES_ATTR}", f"doc._.{NOMINALS_ATTR}"], default_config={})
def make_entity_linker(nlp: Language, name: str) -> EntityLinker:
    """Build the entity linker; its canonical-name table is filled by set_kb or loaded from disk."""
    return EntityLinker(nlp, name)

"""Place names that the NER mistook for people or groups ("Abuja", "Andhra Pradesh") become GPE."""
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, List

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..labels import GPE, MILITANT_GROUP, PERSON
from .entity_linker import normalize_name

PLACES_FILE = "places.txt"
PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "from", "to", "into", "across", "around", "outside", "inside"})


def read_place_names(path: Any = None) -> List[str]:
    """The shipped place list (GeoNames cities of 15,000+ people, countries, ISO 3166-2 subdivisions; built by
    scripts/build_place_names.py), or a file with one name per line."""
    source = Path(path) if path is not None else resources.files("extractor.resources").joinpath(PLACES_FILE)
    return [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]


class PlaceNames:
    """Relabel NER spans labelled PERSON or MILITANT_GROUP whose text is a known place name as GPE.

    Spans the gazetteer ruler matched are left alone: a listed actor wins over a place of the same name. A
    surname of a person named in full elsewhere in the document ("Atar" after "Oussama Atar") is that person:
    it stays PERSON even when it is a place name, and becomes PERSON when the NER called it a place, unless it is
    a known place after "in", "near" and the like.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.keys: frozenset = frozenset()

    def set_places(self, names: Iterable[str]) -> None:
        self.keys = frozenset(key for key in map(normalize_name, names) if key)

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        surnames = person_surnames(ents)
        labels = [self._label(ent, surnames) for ent in ents]
        if any(label != ent.label_ for label, ent in zip(labels, ents)):
            doc.ents = [ent if label == ent.label_ else Span(doc, ent.start, ent.end, label=label)
                        for ent, label in zip(ents, labels)]
        return doc

    def _label(self, ent: Span, surnames: frozenset) -> str:
        if ent.ent_id_ or ent.label_ not in (PERSON, MILITANT_GROUP, GPE):
            return ent.label_
        key = normalize_name(ent.text)
        if key in surnames and (ent.label_ == PERSON
                                or ent.label_ == GPE and not self._after_place_preposition(ent, key)):
            return PERSON
        if ent.label_ != GPE and key in self.keys:
            return GPE
        return ent.label_

    def _after_place_preposition(self, ent: Span, key: str) -> bool:
        """Whether a known place name (normalized `key`) follows "in", "near", "from" and the like ("stayed in
        Atar")."""
        return ent.start > 0 and ent.doc[ent.start - 1].lower_ in PLACE_PREPOSITIONS and key in self.keys

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        srsly.write_json(Path(path) / "places.json", sorted(self.keys))

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> "PlaceNames":
        self.keys = frozenset(srsly.read_json(Path(path) / "places.json"))
        return self


def person_surnames(ents: Iterable[Span]) -> frozenset:
    """RETURNS (frozenset): Name keys of the trailing words of multi-word PERSON spans ("Oussama Atar" -> "atar",
    "Ag Ghaly" from "Iyad Ag Ghaly")."""
    keys = set()
    for ent in ents:
        if ent.label_ == PERSON and len(ent) > 1:
            keys.update(normalize_name(ent[i:].text) for i in range(1, len(ent)))
    keys.discard("")
    return frozenset(keys)


@Language.factory("extractor_place_names", requires=["doc.ents"], assigns=["doc.ents"], default_config={})
def make_place_names(nlp: Language, name: str) -> PlaceNames:
    """Build the place-name corrector; its list is filled by set_places or loaded from disk."""
    return PlaceNames(nlp, name)

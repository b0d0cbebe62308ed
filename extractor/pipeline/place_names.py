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


def read_place_names(path: Any = None) -> List[str]:
    """The shipped place list (GeoNames cities of 15,000+ people, countries, ISO 3166-2 subdivisions; built by
    scripts/build_place_names.py), or a file with one name per line."""
    source = Path(path) if path is not None else resources.files("extractor.resources").joinpath(PLACES_FILE)
    return [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]


class PlaceNames:
    """Relabel NER spans labelled PERSON or MILITANT_GROUP whose text is a known place name as GPE.

    Spans the gazetteer ruler matched are left alone: a listed actor wins over a place of the same name.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.keys: frozenset = frozenset()

    def set_places(self, names: Iterable[str]) -> None:
        self.keys = frozenset(key for key in map(normalize_name, names) if key)

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        places = [self._is_place(ent) for ent in ents]
        if any(places):
            doc.ents = [Span(doc, ent.start, ent.end, label=GPE) if place else ent for ent, place in zip(ents, places)]
        return doc

    def _is_place(self, ent: Span) -> bool:
        return ent.label_ in (PERSON, MILITANT_GROUP) and not ent.ent_id_ and normalize_name(ent.text) in self.keys

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        srsly.write_json(Path(path) / "places.json", sorted(self.keys))

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> "PlaceNames":
        self.keys = frozenset(srsly.read_json(Path(path) / "places.json"))
        return self


@Language.factory("extractor_place_names", requires=["doc.ents"], assigns=["doc.ents"], default_config={})
def make_place_names(nlp: Language, name: str) -> PlaceNames:
    """Build the place-name corrector; its list is filled by set_places or loaded from disk."""
    return PlaceNames(nlp, name)

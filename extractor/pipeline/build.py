"""Assemble the extractor pipeline from its parts (used by 'extractor package' and the tests)."""
from pathlib import Path
from typing import Optional, Union

import spacy
import srsly
from spacy.language import Language

from ..gazetteer import read_gazetteer, ruler_patterns
from . import cue_relations, entity_cleanup, entity_linker, sentences  # noqa: F401  (registers factories)
from .nominals import NominalResolver
from .place_names import read_place_names


def build_rule_pipeline(*, gazetteer: Optional[Union[str, Path]] = None, ner: Optional[Language] = None,
                        ruler: str = "after", relations: Optional[Union[str, Path]] = None,
                        nominals: Optional[Union[str, Path]] = None) -> Language:
    """The pipeline without trained relation weights: sentences, gazetteer ruler, optional trained NER,
    possessive groups, place-name corrections of the NER, entity linking and the cue-word relation baseline.

    gazetteer (Optional[Union[str, Path]]): Gazetteer JSONL; the shipped one when None.
    ner (Optional[Language]): A trained pipeline whose 'ner' component is sourced when given.
    ruler (str): Where the gazetteer ruler goes relative to the NER: "before" (its matches are fixed and the NER
        fills the rest), "after" (it only adds entities where the NER found none) or "none".
    relations (Optional[Union[str, Path]]): A trained relation classifier folder; the cue baseline when None.
    nominals (Optional[Union[str, Path]]): Trained reference-resolver weights (JSON, `extractor train nominals`);
        the nearest-entity rule when None.
    RETURNS (Language): The assembled pipeline.
    """
    if ruler not in ("before", "after", "none"):
        raise ValueError(f"ruler must be 'before', 'after' or 'none', not {ruler!r}")
    nlp = spacy.blank("en")
    nlp.add_pipe("extractor_sentences")
    actors = read_gazetteer(gazetteer)
    if ner is None or ruler == "before":
        _add_gazetteer_rulers(nlp, actors)
    if ner is not None:
        if "tok2vec" in ner.pipe_names:
            nlp.add_pipe("tok2vec", source=ner)
        nlp.add_pipe("ner", source=ner)
        if ruler == "after":
            _add_gazetteer_rulers(nlp, actors)
    nlp.add_pipe("extractor_entity_cleanup")
    if ner is not None:
        nlp.add_pipe("extractor_place_names").set_places(read_place_names())
    linker = nlp.add_pipe("extractor_entity_linker")
    linker.set_kb(actors)
    if nominals is not None:
        linker.resolver = NominalResolver.from_dict(srsly.read_json(nominals))
    if relations is None:
        nlp.add_pipe("extractor_cue_relations")
    else:
        from . import relation_classifier  # noqa: F401

        nlp.add_pipe("extractor_relation_classifier").from_disk(relations)
    nlp.meta["name"] = "extractor_pipeline"
    return nlp


def _add_gazetteer_rulers(nlp: Language, actors) -> None:
    """Two phrase-matching rulers: gazetteer names by lowercase text, acronyms by exact text."""
    names = nlp.add_pipe("entity_ruler", name="gazetteer_names",
                         config={"phrase_matcher_attr": "LOWER", "overwrite_ents": False})
    names.add_patterns(ruler_patterns(actors, acronyms=False))
    acronyms = nlp.add_pipe("entity_ruler", name="gazetteer_acronyms",
                            config={"phrase_matcher_attr": "ORTH", "overwrite_ents": False})
    acronyms.add_patterns(ruler_patterns(actors, acronyms=True))

"""Assemble the extractor pipeline from its parts (used by 'extractor package' and the tests)."""
from pathlib import Path
from typing import Optional, Union

import spacy
from spacy.language import Language

from ..gazetteer import read_gazetteer, ruler_patterns
from . import cue_relations, entity_linker, possessive_groups, sentences  # noqa: F401  (registers factories)


def build_rule_pipeline(*, gazetteer: Optional[Union[str, Path]] = None, ner: Optional[Language] = None) -> Language:
    """The pipeline without trained relation weights: sentences, gazetteer ruler, optional trained NER,
    possessive groups, entity linking and the cue-word relation baseline.

    gazetteer (Optional[Union[str, Path]]): Gazetteer JSONL; the shipped one when None.
    ner (Optional[Language]): A trained pipeline whose 'ner' component is sourced when given.
    RETURNS (Language): The assembled pipeline.
    """
    nlp = spacy.blank("en")
    nlp.add_pipe("extractor_sentences")
    actors = read_gazetteer(gazetteer)
    if ner is not None:
        nlp.add_pipe("tok2vec", source=ner) if "tok2vec" in ner.pipe_names else None
        nlp.add_pipe("ner", source=ner)
        ruler = nlp.add_pipe("entity_ruler", after="ner", config={"overwrite_ents": False})
    else:
        ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(ruler_patterns(actors, nlp.make_doc))
    nlp.add_pipe("extractor_possessive_groups")
    linker = nlp.add_pipe("extractor_entity_linker")
    linker.kb_names = {actor.id: actor.name for actor in actors}
    nlp.add_pipe("extractor_cue_relations")
    nlp.meta["name"] = "extractor_pipeline"
    return nlp

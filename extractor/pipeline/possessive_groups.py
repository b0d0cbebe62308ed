"""Possessive group names: "Mokhtar Belmokhtar's faction" is a militant group, not a person."""
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..labels import MILITANT_GROUP, PERSON

GROUP_NOUNS = frozenset({"faction", "group", "wing", "network", "brigade", "battalion", "katiba", "militia",
                         "men", "loyalists", "followers", "movement", "organisation", "organization", "cell"})


@Language.component("extractor_possessive_groups", requires=["doc.ents"], assigns=["doc.ents"])
def merge_possessive_groups(doc: Doc) -> Doc:
    """Turn PERSON + 's + group noun into one MILITANT_GROUP entity covering the phrase."""
    new_ents = list(doc.ents)
    changed = False
    for ent in doc.ents:
        if ent.label_ != PERSON or ent.end + 1 >= len(doc):
            continue
        possessive, noun = doc[ent.end], doc[ent.end + 1]
        if possessive.lower_ in ("'s", "\u2019s", "'") and noun.lower_ in GROUP_NOUNS:
            new_ents.remove(ent)
            new_ents.append(Span(doc, ent.start, ent.end + 2, label=MILITANT_GROUP))
            changed = True
    if changed:
        doc.ents = filter_spans(new_ents)
    return doc

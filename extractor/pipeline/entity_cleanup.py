"""Entity span conventions of the guidelines, applied after NER and the gazetteer ruler:
no leading "the", no trailing possessive "'s", and "Mokhtar Belmokhtar's faction" as one militant group."""
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..labels import MILITANT_GROUP, ORG, PERSON

GROUP_NOUNS = frozenset({"faction", "group", "wing", "network", "brigade", "battalion", "katiba", "militia",
                         "men", "loyalists", "followers", "movement", "organisation", "organization", "cell"})
POSSESSIVES = frozenset({"'s", "\u2019s", "'", "\u2019"})
# Heads of state institutions: a span ending in one of these that the gazetteer does not know as a militant
# group ("Bangladesh Army", "Philippine National Police") is an ORG, whatever the NER guessed.
STATE_HEADS = frozenset({"army", "police", "directorate", "ministry", "government", "agency", "gendarmerie",
                         "navy", "europol", "interpol", "dgsi", "command", "guard", "parliament", "court"})


@Language.component("extractor_entity_cleanup", requires=["doc.ents"], assigns=["doc.ents"])
def clean_entities(doc: Doc) -> Doc:
    """Trim determiners and possessive markers from entity spans; merge PERSON + 's + group noun; state
    institutions the gazetteer does not list as militant groups become ORG."""
    cleaned = []
    for ent in doc.ents:
        start, end = ent.start, ent.end
        if end - start > 1 and doc[start].lower_ == "the":
            start += 1
        if end - start > 1 and doc[end - 1].lower_ in POSSESSIVES:
            end -= 1
        label = ent.label_
        if label == MILITANT_GROUP and not ent.ent_id_ and doc[end - 1].lower_ in STATE_HEADS:
            label = ORG
        if label == PERSON and end + 1 < len(doc) and doc[end].lower_ in POSSESSIVES \
                and doc[end + 1].lower_ in GROUP_NOUNS:
            end, label = end + 2, MILITANT_GROUP
        cleaned.append(Span(doc, start, end, label=label, kb_id=ent.kb_id, span_id=ent.id))
    doc.ents = filter_spans(cleaned)
    return doc

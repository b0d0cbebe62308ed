"""Entity span conventions of the guidelines, applied after NER and the gazetteer ruler:
no leading "the", no trailing possessive "'s", "Mokhtar Belmokhtar's faction" as one militant group, but
"Kadyrov's men" as the person alone, and no trailing "fighters"/"leadership" on a group name."""
from importlib import resources
from typing import FrozenSet, List

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..labels import MILITANT_GROUP, ORG, PERSON

# "X's faction" names an armed group (annotated as one MILITANT_GROUP); "X's men" / "X's network" do not.
GROUP_NOUNS = frozenset({"faction", "group", "wing", "brigade", "battalion", "katiba", "militia", "cell", "branch"})
POSSESSIVES = frozenset({"'s", "\u2019s", "'", "\u2019"})
# Lowercase words that follow a group name without being part of it ("Houthi fighters", "Maute leadership").
ATTRIBUTE_NOUNS = frozenset({
    "fighters", "units", "unit", "members", "member", "commander", "commanders", "cells", "leader", "leaders",
    "leadership", "officials", "official", "forces", "operations", "operation", "camps", "camp", "propaganda",
    "positions", "operatives", "gunmen", "spokesman", "spokesperson", "supporters", "loyalists", "men", "family",
    "brothers", "authorities", "office", "militants", "ranks", "figures", "figure", "remnants", "attack",
    "attacks", "offensive", "campaign", "followers", "recruits", "militiamen", "territory", "stronghold"})
# Ranks and offices written before a name but not part of it (the guidelines: "emir Abubakar Shekau" ->
# "Abubakar Shekau"); religious honorifics such as Mullah, Hafiz or Sheikh are kept, as the annotators keep them.
TITLES = frozenset({"President", "Minister", "MP", "General", "Gen.", "Colonel", "Col.", "Major", "Maj.", "Captain",
                    "Capt.", "Lieutenant", "Lt.", "Brigadier", "Senator", "Sen.", "Judge", "Governor",
                    "Emir", "Ambassador", "Prosecutor"})
# Heads of state institutions: a span ending in one of these that the gazetteer does not know as a militant
# group ("Bangladesh Army", "Philippine National Police") is an ORG, whatever the NER guessed.
STATE_HEADS = frozenset({"army", "police", "directorate", "ministry", "government", "agency", "gendarmerie",
                         "navy", "europol", "interpol", "dgsi", "command", "guard", "parliament", "court",
                         "division", "headquarters", "corps"})
STATE_HEAD_PAIRS = frozenset({("armed", "forces"), ("air", "force"), ("security", "forces"),
                              ("defence", "forces"), ("defense", "forces"), ("armed", "force")})
# A possessor ending in one of these is a group ("the Sauerland cell's leader"), otherwise a person.
GROUP_HEADS = GROUP_NOUNS | {"network", "front", "army", "movement", "organisation", "organization", "party",
                             "state", "council", "jihad"}


def _read_demonyms() -> FrozenSet[str]:
    lines = resources.files("extractor.resources").joinpath("demonyms.txt").read_text(encoding="utf-8").splitlines()
    words = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return frozenset(words + [word + "s" for word in words if not word.endswith(("s", "sh", "ch", "ese"))])


# "Pakistani", "Dutch", "Uzbeks": peoples, not places, and never annotated on their own.
DEMONYMS = _read_demonyms()


def _is_state_institution(doc: Doc, start: int, end: int) -> bool:
    last = doc[end - 1].lower_
    if last in STATE_HEADS:
        return True
    return end - start >= 2 and (doc[end - 2].lower_, last) in STATE_HEAD_PAIRS


def _possessive_at(doc: Doc, start: int, end: int) -> int:
    """RETURNS (int): Index of the first possessive marker inside the span, or -1."""
    return next((i for i in range(start + 1, end - 1) if doc[i].lower_ in POSSESSIVES), -1)


@Language.component("extractor_entity_cleanup", requires=["doc.ents"], assigns=["doc.ents"])
def clean_entities(doc: Doc) -> Doc:
    """Trim determiners, possessive markers and trailing attribute nouns from entity spans; merge PERSON + 's
    + group noun; split "X's men" back to X; state institutions the gazetteer does not list become ORG; drop a
    lone nationality or ethnic adjective ("Pakistanis")."""
    cleaned = []
    relabelled = []
    for ent in doc.ents:
        start, end = ent.start, ent.end
        label = ent.label_
        if end - start > 1 and doc[start].lower_ == "the":
            start += 1
        while label == PERSON and end - start > 1 and doc[start].text in TITLES:
            start += 1
        if label == MILITANT_GROUP and not ent.ent_id_:
            possessive = _possessive_at(doc, start, end)
            if possessive > 0 and doc[possessive + 1].lower_ not in GROUP_NOUNS and doc[possessive + 1].is_lower:
                end = possessive
                label = MILITANT_GROUP if doc[end - 1].lower_ in GROUP_HEADS else PERSON
            while end - start > 1 and doc[end - 1].lower_ in ATTRIBUTE_NOUNS and doc[end - 1].is_lower:
                end -= 1
        if end - start > 1 and doc[end - 1].lower_ in POSSESSIVES:
            end -= 1
        if label == MILITANT_GROUP and not ent.ent_id_ and _is_state_institution(doc, start, end):
            label = ORG
        if end - start == 1 and not ent.ent_id_ and doc[start].text in DEMONYMS:
            continue
        if label == PERSON and end + 1 < len(doc) and doc[end].lower_ in POSSESSIVES \
                and doc[end + 1].lower_ in GROUP_NOUNS:
            end, label = end + 2, MILITANT_GROUP
        if label == ent.label_:
            cleaned.append(Span(doc, start, end, label=label, kb_id=ent.kb_id, span_id=ent.id))
        else:  # a person's gazetteer id does not name their faction, nor a group's id the person
            cleaned.append(Span(doc, start, end, label=label))
            relabelled.append((start, end))
    doc.ents = filter_spans(_join_split_names(doc, cleaned))
    for start, end in relabelled:  # spaCy keeps a token's old ent_id when the new span has none
        for token in doc[start:end]:
            token.ent_id = 0
    return doc


def _join_split_names(doc: Doc, spans: List[Span]) -> List[Span]:
    """Join a span that ends in a hyphen to the span right after it ("Kuki-" + "Chin National Front"), and two
    touching person names ("Roch Marc" + "Christian Kaboré"): a name never ends in a hyphen and two people are
    never named without a word between them, so the NER (or a gazetteer match) cut one name in two."""
    joined: List[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        previous = joined[-1] if joined else None
        touching = previous is not None and previous.end == span.start
        if touching and (previous[-1].text.endswith("-") and not previous[-1].whitespace_
                         or previous.label_ == span.label_ == PERSON):
            label = previous.label_ if len(previous) >= len(span) else span.label_
            joined[-1] = Span(doc, previous.start, span.end, label=label)
        else:
            joined.append(span)
    return joined

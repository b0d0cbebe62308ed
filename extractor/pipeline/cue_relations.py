"""The cue-word baseline: a relation wherever two entities share a sentence with a cue word for it.

This is what a user would otherwise hack together; it is kept as the comparison point for the trained
classifier and as the fallback pipeline when no trained relation model is installed.
"""
import re
from typing import Dict, Iterable, List

from spacy.language import Language
from spacy.tokens import Doc

from ..aggregate import ScoredPair, aggregate
from ..cues import is_negated
from ..extensions import RELATIONS_ATTR, install_extensions
from ..labels import AFFILIATE_OF, ALLY_OF, LEADER_OF, MEMBER_OF, RIVAL_OF
from ..ml.candidates import allowed_labels, make_candidates, make_windows

CUES: Dict[str, re.Pattern] = {
    LEADER_OF: re.compile(r"\b(lead(s|er|ers|ing)?|led|emir|head(s|ed)?|chief|command(er|s|ed)|founder|"
                          r"founded|wali|governor|chairman|deputy)\b", re.I),
    MEMBER_OF: re.compile(r"\b(member|fighter|spokes(man|person|woman)|joined|operative|militant|ideologue|"
                          r"recruiter|defected)\b", re.I),
    AFFILIATE_OF: re.compile(r"\b(branch|province|wilaya[th]?|affiliate[sd]?|franchise|allegiance|bay'?ah|"
                             r"merged|wing|faction of|offshoot|splinter)\b", re.I),
    ALLY_OF: re.compile(r"\b(all(y|ied|iance|ies)|support(s|ed|ing)?|back(s|ed|ing)?|cooperat\w*|joint(ly)?|"
                        r"coalition|partner\w*|alongside|aid(s|ed)?|arm(s|ed)|fund(s|ed|ing)?)\b", re.I),
    RIVAL_OF: re.compile(r"\b(clash\w*|fight\w*|fought|against|rival\w*|attack\w*|war|hostil\w*|kill\w*|"
                         r"feud\w*|oppos\w*|offensive|battle\w*|enem\w*|target\w*)\b", re.I),
}
PRIORITY = (LEADER_OF, MEMBER_OF, AFFILIATE_OF, RIVAL_OF, ALLY_OF)
CUE_CONFIDENCE = 0.5


def cue_label(sentence: str, allowed: Iterable[str]) -> str:
    """RETURNS (str): The first allowed label (in PRIORITY order) whose cue occurs in the sentence, or ''."""
    allowed = set(allowed)
    for label in PRIORITY:
        if label in allowed and CUES[label].search(sentence):
            return label
    return ""


class CueRelationExtractor:
    """Rule baseline writing doc._.relations from same-sentence co-occurrence and cue words."""

    def __init__(self, nlp: Language, name: str, *, skip_negated: bool) -> None:
        self.name = name
        self.skip_negated = skip_negated
        install_extensions()

    def __call__(self, doc: Doc) -> Doc:
        windows = make_windows(doc, max_sentences=1)
        scored: List[ScoredPair] = []
        text = doc.text  # Doc.text joins every token on each access
        for candidate in make_candidates(windows):
            window = windows[candidate.window]
            sentence = text[window.start:window.end]
            if candidate.head.nominal or candidate.tail.nominal:
                continue
            if self.skip_negated and is_negated(sentence):
                continue
            label = cue_label(sentence, allowed_labels(candidate.head.label, candidate.tail.label))
            if label:
                scored.append((candidate, label, CUE_CONFIDENCE))
        doc._.set(RELATIONS_ATTR, aggregate(doc, windows, scored, threshold=0.0, text=text))
        return doc


@Language.factory("extractor_cue_relations", requires=["doc._.entities", "doc.sents"],
                  assigns=[f"doc._.{RELATIONS_ATTR}"], default_config={"skip_negated": True})
def make_cue_relations(nlp: Language, name: str, *, skip_negated: bool) -> CueRelationExtractor:
    return CueRelationExtractor(nlp, name, skip_negated=skip_negated)

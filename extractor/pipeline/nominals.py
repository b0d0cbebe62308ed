"""References that name no one ("the group", "its", "he", "the army", "the two groups") and a trained antecedent
ranker that resolves them to the document's entities, so that the relation step can pair them.

The ranker is a logistic model over hand-built features of (reference, candidate entity) pairs, trained on the
references the annotators marked (`[[the group|id|NOM]]`); `extractor train nominals` fits it. Without weights
the nearest earlier entity of a fitting label is taken.
"""
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from spacy.tokens import Doc

from ..labels import GPE, MILITANT_GROUP, ORG, PERSON

# Head nouns of definite descriptions of armed groups and of state bodies, as the corpus's annotators met them.
GROUP_HEADS = ("group", "groups", "organisation", "organization", "movement", "militia", "faction", "network",
               "outfit", "latter", "council", "coalition", "emirate", "party", "brigade", "front", "alliance",
               "jihadists", "insurgents", "rebels", "militants", "guerrillas", "separatists", "dissidents",
               "mercenaries", "cell", "cells", "branch", "wing", "affiliate", "franchise", "province", "battalion",
               "federation", "command", "force", "caliphate")
STATE_HEADS = ("army", "military", "government", "junta", "ministry", "department", "agency", "service", "police",
               "authorities", "armed forces", "security forces", "forces", "administration", "regime")
PLURAL_NOUNS = ("groups", "organisations", "organizations", "movements", "factions", "militias", "sides", "men",
                "forces", "leaders", "networks")
_ADJECTIVE = r"(?:[A-Za-z][a-z'\-]+ ){0,2}"
_PATTERN = re.compile(
    r"\b(?P<plural>[Tt]he two(?: (?:" + "|".join(PLURAL_NOUNS) + r"))?|[Bb]oth (?:" + "|".join(PLURAL_NOUNS) + r"))\b"
    r"|\b(?P<they>[Tt]hey|[Tt]hem|[Tt]heir)\b"
    r"|\b(?P<person>[Hh]e|[Hh]is|[Hh]im)\b"
    r"|\b(?P<its>[Ii]ts)\b"
    r"|\b(?P<it>[Ii]t)\b"
    r"|\b(?P<state>[Tt]he " + _ADJECTIVE + r"(?:" + "|".join(sorted(STATE_HEADS, key=len, reverse=True)) + r"))\b"
    r"|\b(?P<group>[Tt]he " + _ADJECTIVE + r"(?:" + "|".join(sorted(GROUP_HEADS, key=len, reverse=True)) + r"))\b")
KINDS = ("plural", "they", "person", "its", "it", "state", "group")
ANTECEDENT_LABELS = {"plural": (MILITANT_GROUP, ORG, PERSON, GPE), "they": (MILITANT_GROUP, ORG, PERSON),
                     "person": (PERSON,), "its": (MILITANT_GROUP, ORG, GPE), "it": (MILITANT_GROUP, ORG, GPE),
                     "state": (ORG, MILITANT_GROUP, GPE), "group": (MILITANT_GROUP, ORG)}
WINDOW_CHARS = 1500
MAX_RANK = 4
_PRONOUN_KINDS = ("its", "person", "they", "it")
# Words of a name that say nothing about what kind of actor it names.
_NAME_STOPWORDS = frozenset(("the", "of", "al", "and", "in", "for", "de", "la", "el"))


@dataclass(frozen=True)
class Reference:
    """A reference found in the text: its span, its kind (a KINDS value) and its head noun, if any."""
    start: int
    end: int
    text: str
    kind: str
    head: str


def find_references(text: str) -> List[Reference]:
    """RETURNS (List[Reference]): Pronouns and definite descriptions that may refer to an entity, in order."""
    found = []
    for match in _PATTERN.finditer(text):
        kind = match.lastgroup
        words = match.group(0).lower().split()
        found.append(Reference(match.start(), match.end(), match.group(0), kind,
                               words[-1] if kind in ("plural", "state", "group") else ""))
    return found


def wanted_referents(reference: Reference) -> int:
    """RETURNS (int): How many entities the reference names ("the two groups": 2)."""
    return 2 if reference.kind == "plural" else 1


@dataclass
class _Mentions:
    """Entity mentions of a document sorted by start, with sentence starts for sentence distances."""
    starts: List[int]
    ends: List[int]
    entity: List[str]
    label: Dict[str, str]
    names: Dict[str, str]
    sentence_starts: List[int]
    text: str
    document_count: Dict[str, int]
    first_entity: str
    name_words: Dict[str, frozenset]


def _mentions(doc: Doc, entities: Sequence[Any]) -> _Mentions:
    rows = sorted((m.start, m.end, e.id) for e in entities for m in e.mentions)
    sentence_starts = [s.start_char for s in doc.sents] if doc.has_annotation("SENT_START") else [0]
    names = {e.id: " ".join([e.name] + [m.text for m in e.mentions[:5]]).lower() for e in entities}
    return _Mentions([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                     {e.id: e.label for e in entities}, names,
                     sentence_starts, doc.text, {e.id: len(e.mentions) for e in entities},
                     rows[0][2] if rows else "",
                     {eid: frozenset(re.findall(r"[a-z]+", name)) - _NAME_STOPWORDS for eid, name in names.items()})


def _inside_a_name(reference: Reference, mentions: _Mentions) -> bool:
    """Whether the reference overlaps a named mention ("the Nigerian Army" is a name, not a description)."""
    index = bisect_left(mentions.starts, reference.end)
    return any(mentions.ends[i] > reference.start for i in range(max(0, index - 3), index))


def candidate_features(reference: Reference, mentions: _Mentions) -> List[Tuple[str, Dict[str, float]]]:
    """(entity id, features) for each entity of a fitting label mentioned in the WINDOW_CHARS before the
    reference, most recent first."""
    allowed = ANTECEDENT_LABELS[reference.kind]
    low = bisect_left(mentions.starts, reference.start - WINDOW_CHARS)
    high = bisect_left(mentions.starts, reference.start)
    last: Dict[str, int] = {}
    count: Dict[str, int] = {}
    for i in range(low, high):
        entity = mentions.entity[i]
        if mentions.ends[i] <= reference.start and mentions.label[entity] in allowed:
            last[entity] = i
            count[entity] = count.get(entity, 0) + 1
    if not last:
        return []
    sentence = bisect_right(mentions.sentence_starts, reference.start) - 1
    sentence_start = mentions.sentence_starts[sentence]
    first_in_sentence = bisect_left(mentions.starts, sentence_start)
    most_mentioned = max(count.values())
    most_in_document = max(mentions.document_count[e] for e in last)
    starts_sentence = not mentions.text[sentence_start:reference.start].strip()
    ordered = sorted(last, key=lambda e: -last[e])
    rows = []
    for rank, entity in enumerate(ordered):
        index = last[entity]
        label = mentions.label[entity]
        mention_sentence = bisect_right(mentions.sentence_starts, mentions.starts[index]) - 1
        gap = sentence - mention_sentence
        features = {
            f"kind={reference.kind}|label={label}": 1.0,
            f"kind={reference.kind}|rank={min(rank, MAX_RANK)}": 1.0,
            f"rank={min(rank, MAX_RANK)}": 1.0,
            f"sentence_gap={min(gap, 3)}": 1.0,
            f"kind={reference.kind}|same_sentence": float(gap == 0),
            "log_distance": math.log1p((reference.start - mentions.ends[index]) / 100),
            "log_count_in_window": math.log1p(count[entity]),
            "most_mentioned": float(count[entity] == most_mentioned),
            "first_entity_of_its_sentence": float(
                bisect_left(mentions.starts, mentions.sentence_starts[mention_sentence]) == index),
            "first_entity_of_this_sentence": float(gap == 0 and index == first_in_sentence),
            "adjacent": float(reference.start - mentions.ends[index] <= 6),
        }
        features.update(_context_features(reference, mentions, index, mention_sentence, gap, rank, starts_sentence))
        features["log_count_in_document"] = math.log1p(mentions.document_count[entity])
        features[f"kind={reference.kind}|log_count_in_document"] = features["log_count_in_document"]
        features["most_mentioned_in_document"] = float(mentions.document_count[entity] == most_in_document)
        features["first_entity_of_document"] = float(entity == mentions.first_entity)
        features[f"word={reference.text.lower()}|label={label}"] = 1.0
        if reference.head:
            features["head_in_name"] = float(re.search(rf"\b{re.escape(reference.head.rstrip('s'))}",
                                                       mentions.names[entity]) is not None)
            features[f"kind={reference.kind}|head={reference.head}|label={label}"] = 1.0
        if reference.head or reference.kind in _PRONOUN_KINDS:
            key = reference.head or reference.text.lower()
            for word in mentions.name_words[entity]:
                features[f"head={key}|name_word={word}"] = 1.0
        rows.append((entity, features))
    return rows


def _context_features(reference: Reference, mentions: _Mentions, index: int, mention_sentence: int, gap: int,
                      rank: int, reference_starts_sentence: bool) -> Dict[str, float]:
    """Where the candidate's last mention stands (sentence subject, possessor, object of "of"/"by",
    parenthesis) and where the reference stands, since a sentence-initial "The group" usually continues
    the previous sentence's subject."""
    text = mentions.text
    start, end = mentions.starts[index], mentions.ends[index]
    words_before = len(text[mentions.sentence_starts[mention_sentence]:start].split())
    preceding = text[max(0, start - 4):start].lower()
    subject = float(words_before <= 1)
    return {
        "candidate_starts_sentence": subject,
        "candidate_early_in_sentence": float(words_before <= 4),
        "candidate_possessive": float(text[end:end + 2] in ("'s", "\u2019s")),
        "candidate_after_of": float(preceding.endswith("of ")),
        "candidate_after_by": float(preceding.endswith("by ")),
        "candidate_in_parentheses": float(text[max(0, start - 1):start] == "("),
        f"kind={reference.kind}|reference_starts_sentence|rank={min(rank, 2)}": float(reference_starts_sentence),
        f"kind={reference.kind}|reference_starts_sentence|candidate_starts_sentence":
            float(reference_starts_sentence) * subject,
        f"sentence_gap={min(gap, 3)}|candidate_starts_sentence": subject,
        "said_between": float(" said" in text[end:reference.start]),
    }


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, value))))


class NominalResolver:
    """Scores candidate antecedents with a logistic model; weights map feature names to coefficients."""

    def __init__(self, weights: Optional[Dict[str, float]] = None, bias: float = 0.0,
                 min_probability: float = 0.0, kinds: Sequence[str] = KINDS) -> None:
        self.weights = dict(weights or {})
        self.bias = bias
        self.min_probability = min_probability
        self.kinds = tuple(kinds)

    def probability(self, features: Dict[str, float]) -> float:
        return _sigmoid(self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items()))

    def resolve(self, doc: Doc, entities: Sequence[Any]) -> List[Dict[str, Any]]:
        """RETURNS (List[Dict[str, Any]]): {"start", "end", "text", "refers": [entity ids]} per resolved reference."""
        mentions = _mentions(doc, entities)
        resolved = []
        for reference in find_references(doc.text):
            if reference.kind not in self.kinds or _inside_a_name(reference, mentions):
                continue
            rows = candidate_features(reference, mentions)
            wanted = wanted_referents(reference)
            if len(rows) < wanted:
                continue
            if self.weights:
                scored = sorted(((self.probability(f), e) for e, f in rows), key=lambda x: -x[0])
                if scored[wanted - 1][0] < self.min_probability:
                    continue
                refers = [e for _, e in scored[:wanted]]
            else:
                refers = [e for e, _ in rows[:wanted]]
            resolved.append({"start": reference.start, "end": reference.end, "text": reference.text,
                             "refers": refers})
        return resolved

    def to_dict(self) -> Dict[str, Any]:
        return {"weights": self.weights, "bias": self.bias, "min_probability": self.min_probability,
                "kinds": list(self.kinds)}

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "NominalResolver":
        return cls(data["weights"], data["bias"], data.get("min_probability", 0.0), data.get("kinds", KINDS))


def training_rows(docs_and_records: Iterable[Tuple[Doc, Dict[str, Any]]]) -> Tuple[List[Dict[str, float]], List[int]]:
    """Features and 0/1 targets of every candidate antecedent of every annotated reference the patterns find.

    docs_and_records: (Doc with gold doc._.entities and sentences, gold record) pairs.
    """
    from ..extensions import ENTITIES_ATTR

    features, targets = [], []
    for doc, record in docs_and_records:
        gold = record.get("nominals", [])
        if not gold:
            continue
        mentions = _mentions(doc, doc._.get(ENTITIES_ATTR))
        for reference in find_references(doc.text):
            referents = annotated_referents(reference, gold)
            if not referents or _inside_a_name(reference, mentions):
                continue
            for entity, row in candidate_features(reference, mentions):
                features.append(row)
                targets.append(int(entity in referents))
    return features, targets


def annotated_referents(reference: Reference, nominals: Sequence[Dict[str, Any]]) -> set:
    """RETURNS (set): Entity ids of the annotated reference that overlaps the found one (spans may differ:
    "the two" annotated, "the two groups" found), or an empty set."""
    for nominal in nominals:
        if nominal["start"] < reference.end and reference.start < nominal["end"]:
            return set(nominal["refers"])
    return set()


def fit_resolver(features: List[Dict[str, float]], targets: List[int], *, seed: int = 0,
                 regularization: float = 1.0) -> NominalResolver:
    """Fit the logistic model (scikit-learn, L2, lbfgs) and keep its weights by feature name."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(features)
    model = LogisticRegression(C=regularization, max_iter=2000, random_state=seed).fit(matrix, targets)
    weights = {name: round(float(w), 6) for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0])
               if abs(w) > 1e-6}
    return NominalResolver(weights, round(float(model.intercept_[0]), 6))

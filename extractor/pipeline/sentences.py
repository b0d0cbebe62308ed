"""Sentence boundaries from the same rule splitter that defines gold evidence spans."""
from spacy.language import Language
from spacy.tokens import Doc

from ..annotation.sentences import split_sentences


@Language.component("extractor_sentences", assigns=["token.is_sent_start"])
def set_sentence_starts(doc: Doc) -> Doc:
    """Mark the first token of each rule-based sentence as a sentence start."""
    if not len(doc):
        return doc
    starts = {start for start, _ in split_sentences(doc.text)}
    for token in doc:
        token.is_sent_start = token.i == 0 or token.idx in starts
    return doc

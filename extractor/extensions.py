"""Custom attribute names, each declared once and installed idempotently."""
from typing import Any, Callable, Optional

import srsly
from spacy.tokens import Doc

ENTITIES_ATTR = "entities"
RELATIONS_ATTR = "relations"
NOMINALS_ATTR = "nominals"
DOC_ID_ATTR = "doc_id"
_ENTITY_KEY = "__extractor_entity__"
_RELATION_KEY = "__extractor_relation__"


def install_extensions() -> None:
    """Register the Doc extensions the extractor components write, and their msgpack codecs (so Docs with
    results cross process boundaries in nlp.pipe(n_process=...) and DocBin)."""
    for name, default in ((ENTITIES_ATTR, []), (RELATIONS_ATTR, []), (NOMINALS_ATTR, []), (DOC_ID_ATTR, None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    if "extractor" not in srsly.msgpack_encoders.get_all():
        srsly.msgpack_encoders.register("extractor", func=encode_result)
        srsly.msgpack_decoders.register("extractor", func=decode_result)


def encode_result(obj: Any, chain: Optional[Callable] = None) -> Any:
    """msgpack encoder for Entity and Relation values on doc._."""
    from .document import Entity, Relation

    if isinstance(obj, Entity):
        return {_ENTITY_KEY: [obj.id, obj.name, obj.label, obj.kb_id,
                              [[m.start, m.end, m.text] for m in obj.mentions]]}
    if isinstance(obj, Relation):
        return {_RELATION_KEY: [obj.head, obj.relation, obj.tail, obj.confidence,
                                [[e.start, e.end, list(e.head), list(e.tail), e.confidence] for e in obj.evidence],
                                obj.hedged, obj.time]}
    return obj if chain is None else chain(obj)


def decode_result(obj: Any, chain: Optional[Callable] = None) -> Any:
    """msgpack decoder matching encode_result."""
    from .document import Entity, Evidence, Mention, Relation

    if isinstance(obj, dict) and _ENTITY_KEY in obj:
        entity_id, name, label, kb_id, mentions = obj[_ENTITY_KEY]
        return Entity(entity_id, name, label, kb_id, [Mention(s, e, t) for s, e, t in mentions])
    if isinstance(obj, dict) and _RELATION_KEY in obj:
        head, relation, tail, confidence, evidence, hedged, time = obj[_RELATION_KEY]
        return Relation(head, relation, tail, confidence,
                        [Evidence(s, e, tuple(h), tuple(t), c) for s, e, h, t, c in evidence], hedged, time)
    return obj if chain is None else chain(obj)

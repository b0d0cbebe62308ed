"""Custom attribute names, each declared once and installed idempotently."""
from spacy.tokens import Doc

ENTITIES_ATTR = "entities"
RELATIONS_ATTR = "relations"
NOMINALS_ATTR = "nominals"
DOC_ID_ATTR = "doc_id"


def install_extensions() -> None:
    """Register the Doc extensions the extractor components write."""
    for name, default in ((ENTITIES_ATTR, []), (RELATIONS_ATTR, []), (NOMINALS_ATTR, []), (DOC_ID_ATTR, None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)

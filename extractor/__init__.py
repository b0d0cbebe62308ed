"""extractor: militant-group entities and relations from analytic prose.

`load()` gives a spaCy pipeline (doc._.entities, doc._.relations); `extract()` and `extract_many()` give
plain-data Documents whose `to_dict()` is the published JSON record (extractor/resources/document.schema.json).
Attributes are imported lazily so that the annotation tools work without the ML stack.
"""
from typing import Any

from .about import __version__

__all__ = ["load", "extract", "extract_many", "Document", "Entity", "Mention", "Relation", "Evidence",
           "__version__"]

_API = {"load", "extract", "extract_many"}
_TYPES = {"Document", "Entity", "Mention", "Relation", "Evidence"}


def __getattr__(name: str) -> Any:
    if name in _API:
        from . import api
        return getattr(api, name)
    if name in _TYPES:
        from . import document
        return getattr(document, name)
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")

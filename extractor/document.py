"""Plain-data results: the output contract of one processed document."""
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from .labels import COARSE_OF


@dataclass(frozen=True)
class Mention:
    """A surface mention of an entity, as character offsets into the input text."""
    start: int
    end: int
    text: str


@dataclass
class Entity:
    """A canonical entity: all mentions of one real-world actor in a document."""
    id: str
    name: str
    label: str
    kb_id: Optional[str]
    mentions: List[Mention] = field(default_factory=list)


@dataclass(frozen=True)
class Evidence:
    """One sentence stating a relation, with the argument mentions it pairs and its score."""
    start: int
    end: int
    head: Tuple[int, int]
    tail: Tuple[int, int]
    confidence: float


@dataclass
class Relation:
    """A document-level triple between two entity ids."""
    head: str
    relation: str
    tail: str
    confidence: float
    evidence: List[Evidence] = field(default_factory=list)
    hedged: bool = False
    time: Optional[Dict[str, Any]] = None

    @property
    def coarse(self) -> str:
        return COARSE_OF[self.relation]


@dataclass
class Document:
    """The extraction record of one input document.

    id (str): The input id or file name.
    entities (List[Entity]): Canonical entities with their mentions.
    relations (List[Relation]): Document-level triples.
    error (Optional[str]): Why the document could not be processed; None on success.
    """
    id: str
    entities: List[Entity] = field(default_factory=list)
    relations: List[Relation] = field(default_factory=list)
    error: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The record of the JSON output contract (document.schema.json)."""
        return {
            "id": self.id,
            "entities": [
                {"id": e.id, "name": e.name, "label": e.label, "kb_id": e.kb_id,
                 "mentions": [asdict(m) for m in e.mentions]}
                for e in self.entities
            ],
            "relations": [
                {"head": r.head, "relation": r.relation, "coarse": r.coarse, "tail": r.tail,
                 "confidence": round(float(r.confidence), 4),
                 "evidence": [{"start": ev.start, "end": ev.end, "head": list(ev.head), "tail": list(ev.tail),
                               "confidence": round(float(ev.confidence), 4)} for ev in r.evidence],
                 "hedged": r.hedged, "time": r.time}
                for r in self.relations
            ],
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, record: Dict[str, Any]) -> "Document":
        """Rebuild a Document from its output record.

        record (Dict[str, Any]): A record as produced by to_dict.
        RETURNS (Document): The equivalent Document.
        """
        entities = [Entity(e["id"], e["name"], e["label"], e.get("kb_id"),
                           [Mention(**m) for m in e["mentions"]]) for e in record.get("entities", [])]
        relations = [Relation(r["head"], r["relation"], r["tail"], r["confidence"],
                              [Evidence(ev["start"], ev["end"], tuple(ev["head"]), tuple(ev["tail"]),
                                        ev["confidence"]) for ev in r["evidence"]],
                              r.get("hedged", False), r.get("time")) for r in record.get("relations", [])]
        return cls(str(record["id"]), entities, relations, record.get("error"))

    @classmethod
    def failed(cls, doc_id: str, error: str) -> "Document":
        """RETURNS (Document): An empty record carrying an error message."""
        return cls(doc_id, error=error)

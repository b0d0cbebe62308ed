"""The plain-data library API: load a pipeline, extract Documents from texts."""
import os
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Tuple, Union

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

from .batching import bounded_batches  # noqa: E402
from .document import Document, Entity, Evidence, Mention, Relation  # noqa: E402
from .errors import Errors  # noqa: E402
from .inputs import InputRecord  # noqa: E402
from .labels import SYMMETRIC  # noqa: E402
from .textprep import chunk_spans, prepare_text  # noqa: E402
from .extensions import DOC_ID_ATTR, ENTITIES_ATTR, RELATIONS_ATTR, install_extensions  # noqa: E402


class _ReadFailure:
    """Stands in for the text of an input that could not be read."""

    def __init__(self, message: str) -> None:
        self.message = message


_LOADED: dict = {}


def default_model_path() -> Path:
    """RETURNS (Path): The shipped pipeline: models/pipeline, installed as the extractor.models package."""
    try:
        return Path(str(resources.files("extractor.models").joinpath("pipeline")))
    except ModuleNotFoundError:  # running from a source checkout on sys.path rather than the install
        return Path(__file__).resolve().parent.parent / "models" / "pipeline"


MANIFEST = "MANIFEST.sha256"


def write_manifest(path: Union[str, Path]) -> Path:
    """Record the sha256 of every file of a saved pipeline in MANIFEST.sha256 (sha256sum format).

    RETURNS (Path): The manifest file.
    """
    from .ml.encoder import sha256_file

    path = Path(path)
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.name != MANIFEST)
    lines = [f"{sha256_file(p)}  {p.relative_to(path).as_posix()}" for p in files]
    (path / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path / MANIFEST


def verify_manifest(path: Union[str, Path]) -> None:
    """Check every file listed in a pipeline's MANIFEST.sha256; raise ValueError on any mismatch or missing file."""
    from .ml.encoder import verify_file

    path = Path(path)
    for line in (path / MANIFEST).read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split("  ", 1)
            if not (path / name).is_file():
                raise ValueError(Errors.E004.format(path=path / name, expected=digest, found="missing file"))
            verify_file(path / name, digest)


def load(path: Optional[Union[str, Path]] = None) -> Language:
    """Load the extractor pipeline, checking its files against MANIFEST.sha256 when it has one (the shipped
    pipeline always has one).

    path (Optional[Union[str, Path]]): A saved pipeline folder; the shipped pipeline when None.
    RETURNS (Language): The spaCy pipeline; results are on doc._.entities and doc._.relations.
    """
    install_extensions()
    path = Path(path) if path is not None else default_model_path()
    if not (path / "config.cfg").exists():
        raise FileNotFoundError(Errors.E003.format(path=path))
    if (path / MANIFEST).exists():
        verify_manifest(path)
    return spacy.load(path)


def _default_nlp() -> Language:
    if "default" not in _LOADED:
        _LOADED["default"] = load()
    return _LOADED["default"]


def document_from_doc(doc: Doc, doc_id: str) -> Document:
    """Read the plain-data record off a processed Doc.

    doc (Doc): A Doc processed by the extractor pipeline.
    doc_id (str): The id to give the record.
    RETURNS (Document): The record.
    """
    return Document(doc_id, list(doc._.get(ENTITIES_ATTR)), list(doc._.get(RELATIONS_ATTR)))


def normalize_id(raw: Any, position: int) -> str:
    """RETURNS (str): The record id for an input id (str or int), or 'doc-N' when the input has none."""
    if raw is None:
        return f"doc-{position}"
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise TypeError(Errors.E002.format(type_name=type(raw).__name__))
    return str(raw)


def extract(text: str, *, id: Optional[Union[str, int]] = None, nlp: Optional[Language] = None) -> Document:
    """Extract entities and relations from one text.

    text (str): The document text; offsets in the result index into it exactly as given.
    id (Optional[Union[str, int]]): Id for the record ('doc-0' when None).
    nlp (Optional[Language]): Pipeline to use; the shipped one when None.
    RETURNS (Document): The record; raises TypeError for a non-str text.
    """
    if not isinstance(text, str):
        raise TypeError(Errors.E001.format(type_name=type(text).__name__))
    return next(extract_many([(id if id is not None else "doc-0", text)], nlp=nlp))


def _as_pairs(inputs: Any, text_column: str, id_column: str) -> Iterator[Tuple[Any, Any]]:
    try:
        import datasets
    except ImportError:  # datasets is a pinned dependency, but a user may run a slimmer install
        datasets = None
    if datasets is not None and isinstance(inputs, datasets.Dataset):
        if text_column not in inputs.column_names:
            raise ValueError(Errors.E013.format(column=text_column, columns=inputs.column_names))
        has_ids = id_column in inputs.column_names
        for position, row in enumerate(inputs):
            yield (row[id_column] if has_ids else position), row[text_column]
        return
    for position, item in enumerate(inputs):
        if isinstance(item, InputRecord):
            yield item.id, (item.text if item.error is None else _ReadFailure(item.error))
        elif isinstance(item, str):
            yield position, item
        elif isinstance(item, dict):
            yield item.get(id_column, position), item.get(text_column)
        elif isinstance(item, tuple) and len(item) == 2:
            yield item
        else:
            yield position, item


MAX_CHUNK_CHARS = 100_000


# Texts go through nlp.pipe in groups of about this many characters: enough short documents for the relation
# classifier to batch windows well, and one chunk of a long document at a time so memory stays bounded.
MAX_BATCH_CHARS = 100_000


def _input_records(inputs: Iterable[Any], text_column: str, id_column: str) -> Iterator[InputRecord]:
    """Inputs as InputRecords with their final ids (so workers never renumber them)."""
    for position, (raw_id, text) in enumerate(_as_pairs(inputs, text_column, id_column)):
        try:
            doc_id = normalize_id(raw_id, position)
        except TypeError as err:
            yield InputRecord(repr(raw_id), None, str(err))
            continue
        if isinstance(text, _ReadFailure):
            yield InputRecord(doc_id, None, text.message)
        elif not isinstance(text, str):
            yield InputRecord(doc_id, None, Errors.E001.format(type_name=type(text).__name__))
        else:
            yield InputRecord(doc_id, text)


def extract_many(inputs: Iterable[Any], *, n_process: int = 1, batch_size: int = 16,
                 nlp: Optional[Language] = None, text_column: str = "text",
                 id_column: str = "id") -> Iterator[Document]:
    """Extract from many documents, in input order, one Document per input.

    Texts are prepared without changing their length (control characters and HTML markup blanked, see
    extractor.textprep), and texts over MAX_CHUNK_CHARS are processed in chunks whose results are merged, so
    memory stays bounded and offsets always index the input as given.
    inputs (Iterable[Any]): Texts, (id, text) pairs, dicts with id/text keys, InputRecords or a datasets.Dataset.
    n_process (int): Worker processes (engines.pool_extract_many; a pipeline built in memory is forked, and
        where processes cannot fork it goes through spaCy's nlp.pipe(n_process=...)).
    batch_size (int): Documents per batch.
    nlp (Optional[Language]): Pipeline to use; the shipped one when None.
    text_column (str): Text key for dicts and Datasets.
    id_column (str): Id key for dicts and Datasets.
    YIELDS (Document): One record per input; an input that cannot be processed yields a record with error set.
    """
    from .engines import fork_available, pool_extract_many

    nlp = nlp if nlp is not None else _default_nlp()
    if n_process > 1 and (nlp.path is not None or fork_available()):
        # a pipeline built in memory cannot be reloaded by spawned workers, so its workers are forked;
        # spaCy's own nlp.pipe(n_process=...) forks without limiting torch threads and hangs then
        records = _input_records(inputs, text_column, id_column)
        in_memory = nlp.path is None
        yield from pool_extract_many(records, model_path=f"<in-memory {id(nlp)}>" if in_memory else nlp.path,
                                     n_workers=n_process, batch_size=batch_size, nlp=nlp,
                                     start_method="fork" if in_memory else None)
        return
    failures: dict = {}
    originals: dict = {}

    def chunks() -> Iterator[Tuple[str, Tuple[str, int, int, int]]]:
        for position, record in enumerate(_input_records(inputs, text_column, id_column)):
            if record.error is not None:
                failures[position] = Document.failed(record.id, record.error)
                continue
            prepared = prepare_text(record.text)
            spans = chunk_spans(prepared, MAX_CHUNK_CHARS)
            originals[position] = record.text
            for start, end in spans:
                yield prepared[start:end], (record.id, position, start, len(spans))

    def flush_failures_before(position: int) -> Iterator[Document]:
        for earlier in sorted(p for p in failures if p < position):
            yield failures.pop(earlier)

    if n_process > 1:
        processed = nlp.pipe(chunks(), as_tuples=True, n_process=n_process, batch_size=batch_size)
    else:
        batches = bounded_batches(chunks(), max_items=MAX_BATCH_CHARS, max_size=MAX_BATCH_CHARS,
                                  size_of=lambda item: len(item[0]))
        processed = (item for batch in batches for item in nlp.pipe(batch, as_tuples=True, batch_size=batch_size))
    pending: list = []
    for doc, (doc_id, position, offset, n_chunks) in processed:
        yield from flush_failures_before(position)
        pending.append((offset, document_from_doc(doc, doc_id)))
        if len(pending) == n_chunks:
            merged = merge_chunks(doc_id, pending) if n_chunks > 1 else pending[0][1]
            yield restore_surface(merged, originals.pop(position))
            pending = []
    yield from flush_failures_before(float("inf"))


def restore_surface(document: Document, text: str) -> Document:
    """Set every mention's text to the slice of the input it points to (the input, not the prepared text)."""
    for entity in document.entities:
        entity.mentions = [Mention(m.start, m.end, text[m.start:m.end]) for m in entity.mentions]
    return document


def _absorb(relations: dict, key: tuple, relation: Relation) -> None:
    """Add a relation under key, merging it into one already there (evidence joined, max confidence)."""
    kept = relations.get(key)
    if kept is None:
        relations[key] = relation
        return
    kept.evidence.extend(relation.evidence)
    kept.confidence = max(kept.confidence, relation.confidence)
    kept.hedged = kept.hedged and relation.hedged
    kept.time = kept.time or relation.time


def merge_chunks(doc_id: str, chunks: list) -> Document:
    """Merge per-chunk records of one long document: shift offsets, join entities by gazetteer id or name.

    chunks (list): (character offset, Document) in order.
    RETURNS (Document): One record for the whole text.
    """
    from .graph import node_key

    entities: dict = {}
    relations: dict = {}
    for offset, part in chunks:
        local = {}
        for entity in part.entities:
            key = node_key({"kb_id": entity.kb_id, "label": entity.label, "name": entity.name})
            merged = entities.setdefault(key, Entity("", entity.name, entity.label, entity.kb_id, []))
            merged.mentions.extend(Mention(m.start + offset, m.end + offset, m.text) for m in entity.mentions)
            local[entity.id] = key
        for rel in part.relations:
            key = (local[rel.head], rel.relation, local[rel.tail])
            shifted = [Evidence(e.start + offset, e.end + offset, (e.head[0] + offset, e.head[1] + offset),
                                (e.tail[0] + offset, e.tail[1] + offset), e.confidence) for e in rel.evidence]
            _absorb(relations, key, Relation(key[0], rel.relation, key[2], rel.confidence, shifted, rel.hedged,
                                             rel.time))
    ordered = sorted(entities.items(), key=lambda item: item[1].mentions[0].start)
    new_ids = {key: f"E{number}" for number, (key, _) in enumerate(ordered, start=1)}
    for key, entity in ordered:
        entity.id = new_ids[key]
    merged_relations: dict = {}
    for rel in relations.values():
        rel.head, rel.tail = new_ids[rel.head], new_ids[rel.tail]
        if rel.relation in SYMMETRIC and int(rel.head[1:]) > int(rel.tail[1:]):
            rel.head, rel.tail = rel.tail, rel.head
            rel.evidence = [Evidence(e.start, e.end, e.tail, e.head, e.confidence) for e in rel.evidence]
        _absorb(merged_relations, (rel.head, rel.relation, rel.tail), rel)
    merged_relations = list(merged_relations.values())
    merged_relations.sort(key=lambda r: (int(r.head[1:]), r.relation, int(r.tail[1:])))
    return Document(doc_id, [entity for _, entity in ordered], merged_relations)

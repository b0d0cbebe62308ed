"""Resumable, lossless batch extraction: one JSONL record per input id, appended atomically."""
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, List, Optional, Set, TextIO, Union

from spacy.language import Language

from .api import extract_many
from .document import Document
from .inputs import InputRecord


@dataclass
class BatchSummary:
    """What a batch run did."""
    written: int = 0
    skipped: int = 0
    failed: List[str] = field(default_factory=list)
    duplicates: List[str] = field(default_factory=list)


def record_line(document: Document) -> str:
    """RETURNS (str): The document's JSON record as one line, with a stable key order. Lone surrogates from
    broken input become JSON escapes, so the line is always valid UTF-8."""
    line = json.dumps(document.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n"
    return line.encode("utf-8", "backslashreplace").decode("utf-8")


def existing_ids(path: Path) -> Set[str]:
    """Ids already written to an output file, dropping a final line cut short by a crash.

    path (Path): The JSONL output.
    RETURNS (Set[str]): Ids of complete records.
    """
    if not path.exists():
        return set()
    ids: Set[str] = set()
    with path.open("rb+") as handle:
        good_end = 0
        for line in handle:
            if not line.endswith(b"\n"):
                break
            try:
                ids.add(json.loads(line)["id"])
            except (json.JSONDecodeError, KeyError, TypeError):
                break
            good_end += len(line)
        handle.truncate(good_end)
    return ids


class JsonlAppender:
    """Appends whole records with one write each, so a killed run leaves at most one partial line."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, line: str) -> None:
        os.write(self.fd, line.encode("utf-8"))

    def close(self) -> None:
        os.close(self.fd)


class StreamWriter:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, line: str) -> None:
        self.stream.write(line)
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


def run_batch(records: Iterable[InputRecord], output: Union[Path, TextIO], *, nlp: Optional[Language] = None,
              resume: bool = False, n_process: int = 1, batch_size: int = 16,
              on_record: Optional[Callable[[Document], None]] = None,
              engine: Optional[Callable[[Iterable[InputRecord]], Iterable[Document]]] = None) -> BatchSummary:
    """Extract every input record and write one JSONL record per id.

    records (Iterable[InputRecord]): Inputs (see extractor.inputs.iter_inputs).
    output (Union[Path, TextIO]): Output file (appended to) or an open text stream.
    nlp (Optional[Language]): Pipeline; the shipped one when None.
    resume (bool): Skip ids already in the output file.
    n_process (int): Worker processes.
    batch_size (int): Documents per batch.
    on_record (Optional[Callable[[Document], None]]): Called after each record is written (progress).
    engine (Optional[Callable]): Turns input records into Documents in order; nlp.pipe in this process when None.
    RETURNS (BatchSummary): Counts, failed ids and duplicate ids.
    """
    summary = BatchSummary()
    done: Set[str] = set()
    if isinstance(output, Path):
        done = existing_ids(output) if resume else set()
        if not resume and output.exists():
            output.write_bytes(b"")
        writer = JsonlAppender(output)
    else:
        writer = StreamWriter(output)
    seen: Set[str] = set()

    def to_process() -> Iterator[InputRecord]:
        for record in records:
            if record.id in seen:
                summary.duplicates.append(record.id)
                continue
            seen.add(record.id)
            if record.id in done:
                summary.skipped += 1
                continue
            yield record

    try:
        if engine is None:
            documents = extract_many(to_process(), nlp=nlp, n_process=n_process, batch_size=batch_size)
        else:
            documents = engine(to_process())
        for document in documents:
            writer.write(record_line(document))
            summary.written += 1
            if document.error:
                summary.failed.append(document.id)
            if on_record is not None:
                on_record(document)
    finally:
        writer.close()
    return summary


def jsonl_to_parquet(source: Path, target: Path) -> int:
    """Write the records of a JSONL output file as a Parquet file (a Hugging Face datasets table).

    The JSONL file stays beside it: it is what --resume reads. Relation "time" objects are stored as JSON strings,
    since Arrow needs one type per column.
    RETURNS (int): Number of records.
    """
    import datasets

    with source.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    for record in records:
        for relation in record["relations"]:
            relation["time"] = json.dumps(relation["time"]) if relation["time"] is not None else None
    datasets.Dataset.from_list(records).to_parquet(str(target))
    return len(records)

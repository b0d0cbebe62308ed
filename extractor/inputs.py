"""Reading documents from .txt files, JSONL files and folders, with a defined outcome for bad input."""
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from .errors import Errors

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl",)
FALLBACK_ENCODING = "cp1252"


@dataclass(frozen=True)
class InputRecord:
    """One input document, or the reason it could not be read (error set, text None)."""
    id: str
    text: Optional[str]
    error: Optional[str] = None


def decode_bytes(data: bytes, *, origin: str) -> str:
    """Decode file bytes: UTF-8 (BOM stripped), else Windows-1252/Latin-1; NUL bytes mean a binary file.

    data (bytes): File contents.
    origin (str): Name used in the error message.
    RETURNS (str): The text; raises ValueError for binary data.
    """
    if b"\x00" in data:
        raise ValueError(Errors.E011.format(path=origin))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode(FALLBACK_ENCODING)
        except UnicodeDecodeError:
            return data.decode("latin-1")


def read_text_file(path: Path, doc_id: str) -> InputRecord:
    """RETURNS (InputRecord): The decoded file, or an error record for unreadable or binary files."""
    try:
        return InputRecord(doc_id, decode_bytes(path.read_bytes(), origin=str(path)))
    except (OSError, ValueError) as err:
        return InputRecord(doc_id, None, str(err))


def read_jsonl_file(path: Path, *, text_field: str = "text", id_field: str = "id") -> Iterator[InputRecord]:
    """Records of a JSONL file; a malformed line yields an error record named after its line.

    path (Path): The .jsonl file.
    text_field (str): Key holding the text.
    id_field (str): Key holding the id (line-based id when absent).
    YIELDS (InputRecord): One per non-empty line.
    """
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            fallback_id = f"{path.name}:{number}"
            try:
                record = json.loads(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as err:
                yield InputRecord(fallback_id, None, Errors.E007.format(line=number, path=path, reason=err))
                continue
            if not isinstance(record, dict):
                yield InputRecord(fallback_id, None,
                                  Errors.E007.format(line=number, path=path, reason="not an object"))
                continue
            raw_id = record.get(id_field, fallback_id)
            if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int, float)):
                yield InputRecord(fallback_id, None, Errors.E002.format(type_name=type(raw_id).__name__))
                continue
            doc_id = str(raw_id)
            text = record.get(text_field)
            if not isinstance(text, str):
                yield InputRecord(doc_id, None, Errors.E008.format(line=number, path=path))
                continue
            yield InputRecord(doc_id, text)


def iter_inputs(paths: Iterable[Union[str, Path]], *, text_field: str = "text") -> Iterator[InputRecord]:
    """Documents from any mix of .txt files, .jsonl files and folders (searched recursively, sorted).

    A .txt file's id is its path relative to the folder given (its file name when given directly).
    paths (Iterable[Union[str, Path]]): Inputs.
    text_field (str): Text key in JSONL records.
    YIELDS (InputRecord): Documents in a stable order.
    """
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix in TEXT_SUFFIXES:
                    yield read_text_file(child, child.relative_to(path).as_posix())
                elif child.suffix in JSONL_SUFFIXES:
                    yield from read_jsonl_file(child, text_field=text_field)
        elif path.is_file() and path.suffix in TEXT_SUFFIXES:
            yield read_text_file(path, path.name)
        elif path.is_file() and path.suffix in JSONL_SUFFIXES:
            yield from read_jsonl_file(path, text_field=text_field)
        elif not path.exists():
            raise FileNotFoundError(Errors.E005.format(path=path))
        else:
            raise ValueError(Errors.E006.format(path=path))


def iter_dataset(path: Union[str, Path], *, text_field: str = "text", id_field: str = "id") -> Iterator[InputRecord]:
    """Documents of a Hugging Face dataset saved with save_to_disk (a Dataset, not a DatasetDict).

    YIELDS (InputRecord): One per row; rows without a string text become error records.
    """
    import datasets

    dataset = datasets.load_from_disk(str(path))
    if isinstance(dataset, datasets.DatasetDict):
        raise ValueError(f"{path} holds a DatasetDict ({list(dataset)}); save a single split.")
    if text_field not in dataset.column_names:
        raise ValueError(Errors.E013.format(column=text_field, columns=dataset.column_names))
    for position, row in enumerate(dataset):
        raw_id = row.get(id_field, position)
        doc_id = str(raw_id if raw_id is not None else position)
        text = row[text_field]
        if isinstance(text, str):
            yield InputRecord(doc_id, text)
        else:
            yield InputRecord(doc_id, None, f"Row {position} of {path} has no string {text_field!r} field.")

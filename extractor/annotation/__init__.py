"""Gold annotation: the authoring format, sentence splitting and validation (standard library only)."""

"""NER data preparation and training with `spacy train` from a config in models/configs."""
from pathlib import Path
from typing import Dict, Optional

import spacy

from .data import records_by_split, write_docbin


def prepare_ner_data(output: Path = Path("data/ner"), *, strict: bool = True) -> Dict[str, int]:
    """Write train/dev/test .spacy files of gold entities from the team corpus (by frozen split).

    RETURNS (Dict[str, int]): Documents per split.
    """
    nlp = spacy.blank("en")
    return {split: write_docbin(nlp, records, Path(output) / f"{split}.spacy")
            for split, records in records_by_split(strict=strict).items()}


def train_ner(config: Path, output: Path, *, data: Path = Path("data/ner"),
              overrides: Optional[Dict[str, object]] = None) -> Path:
    """Train a NER pipeline with spaCy's trainer (seed fixed in the config).

    RETURNS (Path): The model-best folder.
    """
    from spacy.cli.train import train

    prepare_ner_data(data)
    settings = {"paths.train": str(Path(data) / "train.spacy"), "paths.dev": str(Path(data) / "dev.spacy")}
    settings.update(overrides or {})
    train(Path(config), Path(output), overrides=settings)
    return Path(output) / "model-best"

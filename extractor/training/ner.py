"""NER data preparation and training with `spacy train` from a config in models/configs."""
from pathlib import Path
from typing import Dict, Optional

import spacy

from .augment import swap_names
from .data import records_by_split, write_docbin


def prepare_ner_data(output: Path = Path("data/ner"), *, strict: bool = True, augment: int = 0,
                     seed: int = 0) -> Dict[str, int]:
    """Write train/dev/test .spacy files of gold entities from the team corpus (by frozen split).

    augment (int): Name-swapped copies of each training document added to train (training.augment).
    seed (int): Seed of the name draw.
    RETURNS (Dict[str, int]): Documents per split.
    """
    nlp = spacy.blank("en")
    splits = records_by_split(strict=strict)
    if augment:
        splits["train"] = list(splits["train"]) + swap_names(splits["train"], seed=seed, copies=augment)
    return {split: write_docbin(nlp, records, Path(output) / f"{split}.spacy") for split, records in splits.items()}


def train_ner(config: Path, output: Path, *, data: Path = Path("data/ner"),
              overrides: Optional[Dict[str, object]] = None, augment: int = 0) -> Path:
    """Train a NER pipeline with spaCy's trainer (seed fixed in the config; the name draw uses seed 0).

    RETURNS (Path): The model-best folder.
    """
    from spacy.cli.train import train

    prepare_ner_data(data, augment=augment)
    settings = {"paths.train": str(Path(data) / "train.spacy"), "paths.dev": str(Path(data) / "dev.spacy")}
    settings.update(overrides or {})
    train(Path(config), Path(output), overrides=settings)
    return Path(output) / "model-best"

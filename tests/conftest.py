from pathlib import Path

import pytest

from extractor.pipeline.build import build_rule_pipeline

RESOURCES = Path(__file__).parent / "resources"


@pytest.fixture(scope="session")
def resources() -> Path:
    return RESOURCES


@pytest.fixture(scope="session")
def sample_text() -> str:
    return (RESOURCES / "sample_article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def rule_nlp():
    """The rule pipeline over a tiny gazetteer: fast, deterministic, no trained weights."""
    return build_rule_pipeline(gazetteer=RESOURCES / "tiny_gazetteer.jsonl")


@pytest.fixture(scope="session")
def saved_rule_pipeline(rule_nlp, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pipeline") / "rule_pipeline"
    rule_nlp.to_disk(path)
    return path

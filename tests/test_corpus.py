from collections import Counter
from pathlib import Path

import pytest

from extractor.annotation.corpus import load_authoring, read_splits, record_digest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def records():
    return load_authoring(ROOT / "annotations" / "authoring")


@pytest.fixture(scope="module")
def manifest():
    return read_splits(ROOT / "annotations" / "splits.json")


def test_corpus_texts_match_authoring_files(records):
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "corpus").glob("*.txt")}
    assert set(texts) == {r["id"] for r in records}
    for record in records:
        assert texts[record["id"]] == record["text"] + "\n"


def test_corpus_test_split_is_frozen(records, manifest):
    by_id = {r["id"]: r for r in records}
    assert len(manifest["test"]) >= 30
    for doc_id, digest in manifest["test"].items():
        assert record_digest(by_id[doc_id]) == digest, f"frozen test document {doc_id} changed"


def test_corpus_splits_are_disjoint_and_complete(records, manifest):
    test, dev, train = set(manifest["test"]), set(manifest["dev"]), set(manifest["train"])
    assert not (test & dev or test & train or dev & train)
    assert test | dev | train == {r["id"] for r in records}


def test_corpus_test_split_spans_regions_and_genres(records, manifest):
    test = [r for r in records if r["id"] in manifest["test"]]
    assert {r["meta"]["region"] for r in test} == {r["meta"]["region"] for r in records}
    assert len({r["meta"]["genre"] for r in test}) >= 5


def test_corpus_meets_size_targets(records):
    assert len(records) >= 150
    assert sum(len(r["text"].split()) for r in records) >= 80000
    assert sum(len(r["relations"]) for r in records) >= 2000
    assert len(Counter(r["meta"]["region"] for r in records)) >= 8
    assert len(Counter(r["meta"]["genre"] for r in records)) >= 5

import json
from importlib import resources

import jsonschema
import pytest

from extractor.api import extract, extract_many
from extractor.document import Document


@pytest.fixture(scope="module")
def schema():
    return json.loads(resources.files("extractor.resources").joinpath("document.schema.json").read_text())


def assert_offsets_match(record, text):
    for entity in record["entities"]:
        for mention in entity["mentions"]:
            assert text[mention["start"]:mention["end"]] == mention["text"]
    entity_spans = {e["id"]: {(m["start"], m["end"]) for m in e["mentions"]} for e in record["entities"]}
    for rel in record["relations"]:
        for ev in rel["evidence"]:
            assert 0 <= ev["start"] < ev["end"] <= len(text)
            assert ev["start"] <= ev["head"][0] and ev["tail"][1] <= ev["end"] or ev["start"] <= ev["tail"][0]


def test_document_record_validates_against_schema(rule_nlp, sample_text, schema):
    record = extract(sample_text, id="sample", nlp=rule_nlp).to_dict()
    jsonschema.validate(record, schema)
    assert record["id"] == "sample"
    assert record["error"] is None
    assert record["entities"] and record["relations"]
    assert_offsets_match(record, sample_text)


def test_document_round_trips_through_dict(rule_nlp, sample_text):
    document = extract(sample_text, id=7, nlp=rule_nlp)
    record = document.to_dict()
    assert record["id"] == "7"
    assert Document.from_dict(record).to_dict() == record


def test_document_relations_are_typed_and_symmetric_pairs_emitted_once(rule_nlp, sample_text):
    record = extract(sample_text, nlp=rule_nlp).to_dict()
    labels = {e["id"]: e["label"] for e in record["entities"]}
    seen = set()
    for rel in record["relations"]:
        if rel["relation"] in ("LEADER_OF", "MEMBER_OF"):
            assert labels[rel["head"]] == "PERSON"
        if rel["relation"] in ("ALLY_OF", "RIVAL_OF"):
            pair = frozenset((rel["head"], rel["tail"]))
            assert (pair, rel["relation"]) not in seen
            seen.add((pair, rel["relation"]))
        assert rel["coarse"] == ("ALLY_OF" if rel["relation"] == "AFFILIATE_OF" else rel["relation"])


def test_extract_many_keeps_order_and_reports_bad_items(rule_nlp, sample_text):
    items = [("a", sample_text), ("b", 42), {"id": "c", "text": "Shekau spoke."}, ("d", "")]
    documents = list(extract_many(items, nlp=rule_nlp))
    assert [d.id for d in documents] == ["a", "b", "c", "d"]
    assert documents[1].error and "str" in documents[1].error
    assert documents[3].error is None and documents[3].entities == []


def test_extract_rejects_non_string_text(rule_nlp):
    with pytest.raises(TypeError):
        extract(b"bytes", nlp=rule_nlp)


def test_extract_many_accepts_hf_dataset(rule_nlp):
    datasets = pytest.importorskip("datasets")
    dataset = datasets.Dataset.from_dict({"doc": ["x1", "x2"], "body": ["Shekau led Boko Haram.", "Nothing."]})
    documents = list(extract_many(dataset, nlp=rule_nlp, text_column="body", id_column="doc"))
    assert [d.id for d in documents] == ["x1", "x2"]
    assert {e.name for e in documents[0].entities} == {"Abubakar Shekau", "Boko Haram"}

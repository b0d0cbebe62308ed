import json
import socket
from importlib import resources

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import extractor.api as api
from extractor.api import extract, extract_many
from extractor.textprep import chunk_spans, prepare_text

SCHEMA = json.loads(resources.files("extractor.resources").joinpath("document.schema.json").read_text())


def assert_valid(record, text):
    jsonschema.validate(record, SCHEMA)
    for entity in record["entities"]:
        for m in entity["mentions"]:
            assert 0 <= m["start"] < m["end"] <= len(text)
            assert text[m["start"]:m["end"]] == m["text"]
    for rel in record["relations"]:
        for ev in rel["evidence"]:
            assert 0 <= ev["start"] <= ev["end"] <= len(text)
            for start, end in (ev["head"], ev["tail"]):
                assert 0 <= start < end <= len(text)


@pytest.mark.parametrize("text", ["", "   \n\t  ", "\x00\x01 Shekau\x00 led Boko Haram.\x7f",
                                  "Boko Haram " * 5000 + ".",
                                  "\u0628\u0648\u0643\u0648 \u062d\u0631\u0627\u0645 and Boko Haram in \u202eBorno\u202c.",
                                  "Shekau led Boko Haram.\ud800 broken surrogate"])
def test_robustness_odd_texts_give_valid_records(rule_nlp, text):
    record = extract(text, id="x", nlp=rule_nlp).to_dict()
    assert record["error"] is None
    assert_valid(record, text)


def test_robustness_empty_text_gives_empty_record(rule_nlp):
    assert extract("", nlp=rule_nlp).to_dict() == {"id": "doc-0", "entities": [], "relations": [], "error": None}


def test_robustness_html_markup_is_blanked_keeping_offsets(rule_nlp):
    html = ("<html><head><style>.Boko{}</style><script>var ISWAP = 1;</script></head><body><p>Abubakar Shekau "
            "led <b>Boko Haram</b> until 2021.</p><a href='ISWAP'>x</a></body></html>")
    assert len(prepare_text(html)) == len(html)
    record = extract(html, nlp=rule_nlp).to_dict()
    assert_valid(record, html)
    assert sorted(e["name"] for e in record["entities"]) == ["Abubakar Shekau", "Boko Haram"]


def test_robustness_long_documents_are_chunked_and_merged(rule_nlp, monkeypatch):
    monkeypatch.setattr(api, "MAX_CHUNK_CHARS", 200)
    paragraph = "Abubakar Shekau led Boko Haram in Borno. ISWAP fought Boko Haram near Borno.\n\n"
    text = paragraph * 12
    assert len(chunk_spans(text, 200)) > 3
    record = extract(text, nlp=rule_nlp).to_dict()
    assert_valid(record, text)
    names = [e["name"] for e in record["entities"]]
    assert len(names) == len(set(names))
    boko = next(e for e in record["entities"] if e["name"] == "Boko Haram")
    assert len(boko["mentions"]) == 24
    assert len({(r["head"], r["relation"], r["tail"]) for r in record["relations"]}) == len(record["relations"])


def test_robustness_non_string_ids_and_texts_give_error_records(rule_nlp):
    documents = list(extract_many([{"id": ["a"], "text": "x"}, {"id": "b", "text": None}, {"id": 3, "text": "y"}],
                                  nlp=rule_nlp))
    assert [bool(d.error) for d in documents] == [True, True, False]
    assert documents[2].id == "3"


def test_robustness_library_opens_no_network_connection(rule_nlp, sample_text, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert extract(sample_text, nlp=rule_nlp).relations


def test_robustness_cli_reads_latin1_and_rejects_binary(tmp_path, saved_rule_pipeline, capsys):
    from extractor.cli import main

    (tmp_path / "latin.txt").write_bytes("Caf\xe9 talk: Shekau led Boko Haram.".encode("cp1252"))
    (tmp_path / "binary.txt").write_bytes(b"%PDF-1.4\x00\x00\x01binary")
    out = tmp_path / "out.jsonl"
    with pytest.raises(SystemExit) as info:
        main(["extract", str(tmp_path / "latin.txt"), str(tmp_path / "binary.txt"), "-o", str(out),
              "-m", str(saved_rule_pipeline)])
    records = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert info.value.code == 1
    assert records["latin.txt"]["error"] is None and records["latin.txt"]["entities"]
    assert "binary" in records["binary.txt"]["error"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_robustness_any_string_gives_a_valid_record(rule_nlp, text):
    assert_valid(extract(text, nlp=rule_nlp).to_dict(), text)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["Boko Haram", "Shekau", "ISWAP", " led ", " fought ", ". ", "\n\n", "(", ")",
                                 "the group", " and ", "Borno", "\u0640", "\x00", "<b>", "2016", " until "]),
                max_size=40))
def test_robustness_entity_rich_strings_give_valid_records(rule_nlp, parts):
    text = "".join(parts)
    assert_valid(extract(text, nlp=rule_nlp).to_dict(), text)


def test_robustness_load_rejects_pipeline_with_changed_file(saved_rule_pipeline, tmp_path):
    import shutil

    from extractor.api import load, write_manifest

    copy = tmp_path / "pipe"
    shutil.copytree(saved_rule_pipeline, copy)
    write_manifest(copy)
    assert load(copy).pipe_names
    patterns = copy / "gazetteer_names" / "patterns.jsonl"
    patterns.write_text(patterns.read_text() + '{"label": "PERSON", "pattern": "mallory"}\n')
    with pytest.raises(ValueError, match="Checksum mismatch"):
        load(copy)

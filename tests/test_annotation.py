import copy
import json
from pathlib import Path

import pytest

from extractor.annotation.markup import MarkupError, parse_markup
from extractor.annotation.validate import validate_collection, validate_record

GOOD = """# id: t-one
# title: T
# region: Levant
# genre: news report
# author: team
# licence: CC BY 4.0

[[Hay'at Tahrir al-Sham|hts]] ([[HTS|hts]]) is led by [[Abu Mohammed al-Julani|julani]]. [[The group|hts|NOM]] has fought [[Hurras al-Din|hd]].

[[HTS|hts]] denied any ties to [[al-Qaeda|aq]].

## entities
hts | MILITANT_GROUP | Hay'at Tahrir al-Sham
julani | PERSON | Abu Mohammed al-Julani
hd | MILITANT_GROUP | Hurras al-Din
aq | MILITANT_GROUP | al-Qaeda

## relations
julani LEADER_OF hts | "is led by Abu Mohammed al-Julani" | hedged=no
hts RIVAL_OF hd | "has fought Hurras al-Din" | hard=coref

## negated
hts ALLY_OF aq | "denied any ties to al-Qaeda"
"""


@pytest.fixture()
def record():
    return parse_markup(GOOD)


def test_markup_gives_exact_offsets_and_evidence(record):
    text = record["text"]
    for entity in record["entities"]:
        for mention in entity["mentions"]:
            assert text[mention["start"]:mention["end"]] == mention["text"]
    rival = record["relations"][1]
    evidence = text[rival["evidence"][0]["start"]:rival["evidence"][0]["end"]]
    assert evidence == "The group has fought Hurras al-Din."
    assert record["nominals"][0]["refers"] == ["hts"]
    assert validate_record(record) == []


def test_validator_rejects_offsets_not_matching_text(record):
    broken = copy.deepcopy(record)
    broken["entities"][0]["mentions"][0]["start"] += 1
    assert any("offsets" in p for p in validate_record(broken))


def test_validator_rejects_unknown_labels(record):
    broken = copy.deepcopy(record)
    broken["entities"][0]["label"] = "TERRORIST"
    broken["relations"][0]["relation"] = "FRIEND_OF"
    problems = validate_record(broken)
    assert any("unknown label" in p for p in problems)
    assert any("unknown relation label" in p for p in problems)


def test_validator_rejects_relation_on_missing_entity(record):
    broken = copy.deepcopy(record)
    broken["relations"][0]["tail"] = "nobody"
    assert any("missing" in p for p in validate_record(broken))


def test_validator_rejects_wrong_argument_types(record):
    broken = copy.deepcopy(record)
    broken["relations"][0]["head"], broken["relations"][0]["tail"] = "hts", "julani"
    assert any("cannot join" in p for p in validate_record(broken))


def test_validator_rejects_duplicate_documents(tmp_path: Path, record):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps(record) + "\n")
    assert any("duplicate document" in p for p in validate_collection([path]))


def test_markup_rejects_quote_missing_from_text():
    with pytest.raises(MarkupError, match="quote not found"):
        parse_markup(GOOD.replace('"has fought Hurras al-Din"', '"has attacked Hurras al-Din"'))


def test_markup_rejects_undefined_entity():
    with pytest.raises(MarkupError, match="undefined entity"):
        parse_markup(GOOD.replace("[[Hurras al-Din|hd]]", "[[Hurras al-Din|hdx]]"))


def test_team_annotations_are_all_valid():
    root = Path(__file__).resolve().parents[1] / "annotations"
    assert validate_collection([root]) == []

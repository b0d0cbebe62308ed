import subprocess
import sys

import pytest

import extractor
from extractor.api import default_model_path


@pytest.fixture(scope="module")
def shipped():
    return extractor.load()


def test_shipped_pipeline_finds_leadership_with_time(shipped):
    document = extractor.extract("Abubakar Shekau led Boko Haram until 2021.", nlp=shipped)
    names = {e.id: e.name for e in document.entities}
    triples = [(names[r.head], r.relation, names[r.tail]) for r in document.relations]
    assert triples == [("Abubakar Shekau", "LEADER_OF", "Boko Haram")]
    assert document.relations[0].time["end"] == "2021"


def test_shipped_pipeline_gives_no_triple_for_a_denial(shipped):
    assert extractor.extract("The Taliban denied any links to al-Qaeda.", nlp=shipped).relations == []


def test_shipped_pipeline_loads_with_spacy_load_in_fresh_interpreter():
    script = ("import spacy, sys; nlp = spacy.load(sys.argv[1]); "
              "print(nlp.pipe_names[-1], len(nlp('ISWAP fought Boko Haram.')._.entities))")
    result = subprocess.run([sys.executable, "-c", script, str(default_model_path())], capture_output=True,
                            text=True, check=True)
    assert result.stdout.split() == ["extractor_relation_classifier", "2"]

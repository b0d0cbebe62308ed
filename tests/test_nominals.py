import pytest
import spacy

from extractor.annotation.markup import parse_markup
from extractor.extensions import NOMINALS_ATTR
from extractor.pipeline.nominals import NominalResolver, find_references, fit_resolver, training_rows
from extractor.training.nominals import gold_docs, resolution_accuracy

HEADER = "# id: {id}\n# title: T\n# region: Nigeria/Lake Chad\n# genre: news report\n# author: team\n# licence: CC BY 4.0\n\n"
ENTITIES = """
## entities
army | ORG | Nigerian Army
bh | MILITANT_GROUP | Boko Haram
iswap | MILITANT_GROUP | ISWAP
"""
# The army is named first, a group last: the nearest fitting entity is the wrong antecedent of "The army".
BODY = ("The [[Nigerian Army|army]] shelled [[Boko Haram|bh]] camps that sit close to [[ISWAP|iswap]] positions. "
        "[[The army|army|NOM]] said {n} fighters died. [[ISWAP|iswap]] later raided [[Boko Haram|bh]] again, "
        "and [[the group|iswap|NOM]] took {n} rifles.\n")


def _record(number: int):
    return parse_markup(HEADER.format(id=f"t-{number}") + BODY.format(n=number + 2) + ENTITIES)


def test_references_found_by_kind():
    kinds = [(r.text, r.kind) for r in find_references(
        "The army said its men met him. The two groups and the Islamic movement answered; it rained.")]
    assert kinds == [("The army", "state"), ("its", "its"), ("him", "person"), ("The two groups", "plural"),
                     ("the Islamic movement", "group"), ("it", "it")]


def test_trained_resolver_overfits_a_state_description_that_the_nearest_entity_rule_gets_wrong():
    train = gold_docs([_record(i) for i in range(6)])
    resolver = fit_resolver(*training_rows(train), regularization=10.0)
    held_out = gold_docs([_record(10)])
    assert resolution_accuracy(NominalResolver(), held_out) == {"wrong": 2}
    assert resolution_accuracy(resolver, held_out) == {"right": 2}


def test_linker_keeps_its_resolver_through_save_and_reload(tmp_path):
    from extractor.pipeline.build import build_rule_pipeline

    train = gold_docs([_record(i) for i in range(6)])
    resolver = fit_resolver(*training_rows(train), regularization=10.0)
    nlp = build_rule_pipeline()
    nlp.get_pipe("extractor_entity_linker").resolver = resolver
    nlp.to_disk(tmp_path / "p")
    reloaded = spacy.load(tmp_path / "p")
    assert reloaded.get_pipe("extractor_entity_linker").resolver.weights == pytest.approx(resolver.weights)
    text = _record(20)["text"]
    assert nlp(text)._.get(NOMINALS_ATTR) == reloaded(text)._.get(NOMINALS_ATTR)


def test_ranker_features_tell_a_sentence_subject_from_a_possessor():
    from extractor.extensions import ENTITIES_ATTR
    from extractor.pipeline.nominals import _mentions, candidate_features

    body = ("[[Boko Haram|bh]] attacked the town of Dikwa. Officials said that [[ISWAP|iswap]]'s fighters were "
            "not there. [[The group|bh|NOM]] took rifles.\n")
    record = parse_markup(HEADER.format(id="t-subject") + body + ENTITIES.replace("army | ORG | Nigerian Army\n", ""))
    [(doc, _)] = gold_docs([record])
    [reference] = [r for r in find_references(doc.text) if r.text == "The group"]
    features = dict(candidate_features(reference, _mentions(doc, doc._.get(ENTITIES_ATTR))))
    assert features["bh"]["candidate_starts_sentence"] == 1.0 and features["bh"]["candidate_possessive"] == 0.0
    assert features["iswap"]["candidate_starts_sentence"] == 0.0 and features["iswap"]["candidate_possessive"] == 1.0
    assert features["iswap"]["kind=group|reference_starts_sentence|rank=0"] == 1.0
    assert features["bh"]["first_entity_of_document"] == 1.0


def test_ranker_learns_which_names_a_description_fits_when_position_says_nothing():
    entities = "\n## entities\ntaliban | MILITANT_GROUP | Taliban\naq | MILITANT_GROUP | al-Qaeda\n"
    orders = ("[[Taliban|taliban]] fighters met [[al-Qaeda|aq]] envoys",
              "[[al-Qaeda|aq]] envoys met [[Taliban|taliban]] fighters")

    def record(number: int):
        body = f"{orders[number % 2]} in Kandahar. [[The movement|taliban|NOM]] said {number + 2} envoys came.\n"
        return parse_markup(HEADER.format(id=f"t-lex-{number}") + body + entities)

    resolver = fit_resolver(*training_rows(gold_docs([record(i) for i in range(8)])), regularization=10.0)
    assert resolver.weights["head=movement|name_word=taliban"] > 0
    assert resolution_accuracy(resolver, gold_docs([record(20), record(21)])) == {"right": 2}

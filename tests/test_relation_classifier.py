import spacy

from extractor.annotation.markup import parse_markup
from extractor.pipeline.relation_classifier import RelationClassifier
from extractor.training.relation_data import build_examples, gold_entities_doc
from extractor.training.relation_eval import score_documents
from extractor.training.relation_train import mask_related_negatives, predict_examples, train_relations

TEMPLATE = """# id: {id}
# title: t
# region: Levant
# genre: news report
# author: team
# licence: CC BY 4.0

[[Hay'at Tahrir al-Sham|hts]] fought [[Hurras al-Din|hd]] near Idlib. [[Abu Mohammed al-Julani|julani]] leads [[Hay'at Tahrir al-Sham|hts]]. [[Ahrar al-Sham|ahrar]] and [[Hurras al-Din|hd]] were both present in [[Idlib|idlib]].

## entities
hts | MILITANT_GROUP | Hay'at Tahrir al-Sham
hd | MILITANT_GROUP | Hurras al-Din
julani | PERSON | Abu Mohammed al-Julani
ahrar | MILITANT_GROUP | Ahrar al-Sham
idlib | GPE | Idlib

## relations
hts RIVAL_OF hd | "fought Hurras al-Din near Idlib"
julani LEADER_OF hts | "Abu Mohammed al-Julani leads"
"""


def make_records():
    return [parse_markup(TEMPLATE.format(id=f"doc-{i}")) for i in range(2)]


def test_relation_classifier_candidates_label_only_stated_pairs():
    record = make_records()[0]
    example = build_examples(spacy.blank("en"), [record], max_sentences=2)[0]
    labelled = {(c.head.entity, label, c.tail.entity) for c, label in zip(example.candidates, example.labels)
                if label != "NONE"}
    assert labelled == {("hts", "RIVAL_OF", "hd"), ("hd", "RIVAL_OF", "hts"), ("julani", "LEADER_OF", "hts")}


def test_relation_training_masks_none_candidates_of_pairs_related_elsewhere():
    record = parse_markup(TEMPLATE.format(id="doc-0").replace(
        "[[Hay'at Tahrir al-Sham|hts]] fought", "[[Hay'at Tahrir al-Sham|hts]] and [[Hurras al-Din|hd]] met. "
        "[[Hay'at Tahrir al-Sham|hts]] fought"))
    example = build_examples(spacy.blank("en"), [record], max_sentences=1)[0]
    before = [(c.head.entity, c.tail.entity, label) for c, label in zip(example.candidates, example.labels)]
    assert ("hts", "hd", "NONE") in before and ("hts", "hd", "RIVAL_OF") in before
    assert mask_related_negatives([example], [record]) == 2
    after = [(c.head.entity, c.tail.entity, label) for c, label in zip(example.candidates, example.labels)]
    assert ("hts", "hd", "NONE") not in after and ("hts", "hd", "RIVAL_OF") in after
    assert ("ahrar", "hd", "NONE") in after


def test_relation_classifier_overfitting_IO(tmp_path):
    records = make_records()
    component, log = train_relations(records, records, epochs=12, batch_windows=4, learning_rate=5e-4,
                                     head_learning_rate=5e-3, none_weight=1.0)
    examples = build_examples(spacy.blank("en"), records, max_sentences=2)
    report = score_documents(records, predict_examples(component, examples), gold_entities=True)
    assert report["fine"]["0.5"]["micro"]["f"] == 1.0
    component.to_disk(tmp_path / "rel")
    reloaded = RelationClassifier(spacy.blank("en"), "rel", threshold=0.5, max_sentences=2, max_length=256,
                                  batch_size=8, trainable_layers=2, width=256, temperature=1.0,
                                  drop_negated=False, torch_threads=0).from_disk(tmp_path / "rel")
    before = [(r.head, r.relation, r.tail, round(r.confidence, 2)) for _, rels in
              predict_examples(component, examples) for r in rels]
    after = [(r.head, r.relation, r.tail, round(r.confidence, 2)) for _, rels in
             predict_examples(reloaded, examples) for r in rels]
    assert before == after
    doc = gold_entities_doc(spacy.blank("en"), records[0])
    assert [(r.head, r.relation) for r in reloaded(doc)._.relations] == [("hts", "RIVAL_OF"), ("julani", "LEADER_OF")]


def test_relation_classifier_rejects_tampered_weights(tmp_path):
    import pytest

    component = train_relations(make_records(), make_records(), epochs=1)[0]
    component.to_disk(tmp_path / "rel")
    weights = tmp_path / "rel" / "weights.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="Checksum mismatch"):
        RelationClassifier(spacy.blank("en"), "rel", threshold=0.5, max_sentences=2, max_length=256, batch_size=8,
                           trainable_layers=2, width=256, temperature=1.0, drop_negated=False,
                           torch_threads=0).from_disk(tmp_path / "rel")


def test_relation_classifier_rejects_unknown_precision():
    nlp = spacy.blank("en")
    try:
        nlp.add_pipe("extractor_relation_classifier", config={"precision": "float8"})
    except ValueError as err:
        assert "float8" in str(err) and "bfloat16" in str(err)
    else:
        raise AssertionError("an unknown precision was accepted")


def test_symmetric_labels_get_the_same_probability_in_both_orders_of_a_pair():
    from extractor.ml.candidates import Candidate, MentionRef
    from extractor.ml.relation_model import LABELS, average_symmetric_orders

    a = MentionRef("a", "MILITANT_GROUP", 0, 5, False)
    b = MentionRef("b", "MILITANT_GROUP", 10, 15, False)
    forward = [0.0] * len(LABELS)
    backward = [0.0] * len(LABELS)
    forward[LABELS.index("ALLY_OF")], forward[LABELS.index("AFFILIATE_OF")] = 0.8, 0.2
    backward[LABELS.index("ALLY_OF")], backward[LABELS.index("AFFILIATE_OF")] = 0.4, 0.6
    rows = average_symmetric_orders([Candidate(0, a, b), Candidate(0, b, a), Candidate(1, a, b)],
                                    [forward, backward, None])
    ally = LABELS.index("ALLY_OF")
    assert rows[0][ally] == rows[1][ally] and abs(rows[0][ally] - 0.6) < 1e-9
    assert rows[0][LABELS.index("AFFILIATE_OF")] == 0.2 and rows[1][LABELS.index("AFFILIATE_OF")] == 0.6
    assert rows[2] is None


def test_int8_storage_keeps_each_weight_within_half_a_step_of_its_row_scale():
    import torch

    from extractor.ml.relation_model import pack_state, unpack_state

    torch.manual_seed(0)
    state = {"layer.5.dense.weight": torch.randn(8, 384), "layer.5.dense.bias": torch.randn(8)}
    packed = pack_state(state, "int8")
    assert packed["layer.5.dense.weight.int8"].dtype == torch.int8
    assert packed["layer.5.dense.bias"].dtype == torch.float16
    restored = unpack_state(packed)
    assert set(restored) == set(state)
    step = state["layer.5.dense.weight"].abs().amax(dim=1, keepdim=True) / 127
    assert ((restored["layer.5.dense.weight"] - state["layer.5.dense.weight"]).abs() <= step / 2 + 1e-6).all()


def test_combined_runs_average_their_logits_and_reload_as_one_int8_component(tmp_path):
    import pytest
    import torch

    from extractor.ml.relation_model import pad_batch, pair_indices
    from extractor.training.relation_train import combine_relation_runs

    records = make_records()
    runs = []
    for seed in (0, 1):
        component, _ = train_relations(records, records, epochs=2, batch_windows=4, seed=seed)
        component.to_disk(tmp_path / f"seed{seed}")
        runs.append(component)
    combined, log = combine_relation_runs([tmp_path / "seed0", tmp_path / "seed1"], records)
    assert log["weights_dtype"] == "int8" and len(log["members"]) == 2
    combined.to_disk(tmp_path / "both")
    assert (tmp_path / "both" / "weights.safetensors").stat().st_size < \
        (tmp_path / "seed0" / "weights.safetensors").stat().st_size * 2
    reloaded = RelationClassifier(spacy.blank("en"), "rel", threshold=0.5, max_sentences=2, max_length=256,
                                  batch_size=8, trainable_layers=2, width=256, temperature=1.0,
                                  drop_negated=False, torch_threads=0).from_disk(tmp_path / "both")
    assert reloaded.cfg["members"] == 2

    example = build_examples(spacy.blank("en"), records, max_sentences=2)[0]
    from extractor.ml.relation_model import mark_window

    encoded = [mark_window(example.doc.text, w, reloaded.tokenizer, max_length=256) for w in example.windows]
    pairs = [(c.window, c.head, c.tail) for c in example.candidates]
    ids, mask = pad_batch(encoded, reloaded.tokenizer.pad_token_id)
    _, rows, heads, tails, types = pair_indices(encoded, pairs)
    with torch.no_grad():
        single = [run.network(ids, mask, rows, heads, tails, types) for run in runs]
        both = reloaded.network(ids, mask, rows, heads, tails, types)
    assert both == pytest.approx((single[0] + single[1]) / 2, abs=0.05)
    assert not torch.allclose(single[0], single[1])

    with pytest.raises(ValueError, match="float8"):
        combine_relation_runs([tmp_path / "seed0"], records, weights_dtype="float8")
    with pytest.raises(ValueError, match="single model"):
        combine_relation_runs([tmp_path / "both", tmp_path / "seed0"], records)


def test_overlap_alignment_matches_names_inside_gold_noun_phrases_and_exact_does_not():
    import pytest

    from extractor.document import Entity, Mention, Relation
    from extractor.training.relation_eval import align_entities

    text = "Coalition military forces struck ISIL terrorists near Raqqa."
    record = {"id": "r", "text": text, "nominals": [], "negated": [],
              "entities": [{"id": "coalition", "label": "ORG", "name": "Coalition military forces",
                            "mentions": [{"start": 0, "end": 25, "text": text[0:25]}]},
                           {"id": "isil", "label": "MILITANT_GROUP", "name": "ISIL terrorists",
                            "mentions": [{"start": 33, "end": 48, "text": text[33:48]}]}],
              "relations": [{"head": "coalition", "relation": "RIVAL_OF", "tail": "isil", "evidence": []}]}
    predicted = [Entity("E1", "Coalition", "ORG", None, [Mention(0, 9, "Coalition")]),
                 Entity("E2", "ISIL", "MILITANT_GROUP", None, [Mention(33, 37, "ISIL")]),
                 Entity("E3", "Raqqa", "GPE", None, [Mention(54, 59, "Raqqa")])]
    assert align_entities(predicted, record) == {"E1": None, "E2": None, "E3": None}
    assert align_entities(predicted, record, alignment="overlap") == {"E1": "coalition", "E2": "isil", "E3": None}
    relations = [Relation("E1", "RIVAL_OF", "E2", 0.9, [], False, None)]
    overlap = score_documents([record], [(predicted, relations)], gold_entities=False, alignment="overlap")
    assert overlap["coarse"]["0.5"]["micro"]["f"] == 1.0
    assert score_documents([record], [(predicted, relations)], gold_entities=False)["coarse"]["0.5"]["micro"]["f"] == 0.0
    with pytest.raises(ValueError, match="overlap"):
        align_entities(predicted, record, alignment="fuzzy")

from extractor.gazetteer import Actor
from extractor.training.group_holdout import choose_held_out, held_out_mentions


def _record(doc_id, names):
    text, entities = "", []
    for number, name in enumerate(names):
        start = len(text)
        text += name + " fought. "
        entities.append({"id": f"g{number}", "label": "MILITANT_GROUP", "name": name,
                         "mentions": [{"start": start, "end": start + len(name), "text": name}]})
    return {"id": doc_id, "text": text, "entities": entities}


ACTORS = [Actor("mg:a", "MILITANT_GROUP", "Alpha Front", ["AF"]), Actor("mg:b", "MILITANT_GROUP", "Beta Brigade"),
          Actor("mg:c", "MILITANT_GROUP", "Gamma Army"), Actor("p:d", "PERSON", "Delta Person")]


def test_held_out_groups_occur_in_evaluation_and_rarely_in_training():
    splits = {"train": [_record("t1", ["Alpha Front"]), _record("t2", ["Gamma Army"]),
                        _record("t3", ["Gamma Army"])],
              "dev": [_record("d1", ["AF", "Gamma Army"])], "test": [_record("x1", ["Beta Brigade"])]}
    chosen = choose_held_out(ACTORS, splits, n_groups=5, seed=0, max_train_documents=1)
    assert [a.id for a in chosen] == ["mg:a", "mg:b"]


def test_held_out_mentions_include_aliases_and_nothing_else():
    record = _record("d1", ["AF", "Gamma Army", "Alpha Front"])
    [spans] = held_out_mentions([record], [ACTORS[0]])
    assert spans == {(0, 2), (record["text"].index("Alpha Front"), record["text"].index("Alpha Front") + 11)}

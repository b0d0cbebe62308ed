import spacy

from extractor.gazetteer import is_acronym, read_gazetteer, read_phoenix, ruler_patterns


def test_gazetteer_imports_phoenix_entries_with_aliases_and_codes(resources):
    actors = read_phoenix(resources / "phoenix_sample.txt")
    assert [a.name for a in actors] == ["Aden Abyan Islamic Army", "Boko Haram"]
    assert actors[0].aliases == ["AAIA", "Aden Islamic Army", "Jaysh Adan"]
    assert actors[0].extra["code"] == "YEMREB" and actors[0].id == "phx:aden-abyan-islamic-army"


def test_gazetteer_patterns_match_acronyms_case_sensitively(resources):
    nlp = spacy.blank("en")
    actors = read_gazetteer(resources / "tiny_gazetteer.jsonl")
    names = nlp.add_pipe("entity_ruler", name="names", config={"phrase_matcher_attr": "LOWER"})
    names.add_patterns(ruler_patterns(actors, acronyms=False))
    acronyms = nlp.add_pipe("entity_ruler", name="acronyms", config={"phrase_matcher_attr": "ORTH"})
    acronyms.add_patterns(ruler_patterns(actors, acronyms=True))
    doc = nlp("ISWAP and boko haram were active, but iswap in lower case is not an acronym.")
    assert [(e.text, e.ent_id_) for e in doc.ents] == [("ISWAP", "grp:iswap"), ("boko haram", "grp:boko-haram")]
    assert is_acronym("LeT") and not is_acronym("Hamas")


def test_shipped_gazetteer_has_unique_ids_and_valid_parents():
    actors = read_gazetteer()
    ids = [a.id for a in actors]
    assert len(ids) == len(set(ids))
    known = set(ids)
    assert all(a.extra.get("parent") in (None, *known) for a in actors)
    assert sum(a.label == "MILITANT_GROUP" for a in actors) >= 300
    assert sum(a.label == "PERSON" for a in actors) >= 150


def test_gazetteer_patterns_match_hyphen_particle_and_apostrophe_variants():
    from extractor.gazetteer import Actor

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(ruler_patterns([Actor("grp:ttp", "MILITANT_GROUP", "Tehrik-i-Taliban Pakistan"),
                                       Actor("grp:jnim", "MILITANT_GROUP", "Jama'at Nusrat al-Islam")],
                                      acronyms=False))
    doc = nlp("Tehrik-e Taliban Pakistan and Jamaat Nusrat al Islam met Tehrik-i-Taliban Pakistan.")
    assert [(e.text, e.ent_id_) for e in doc.ents] == [("Tehrik-e Taliban Pakistan", "grp:ttp"),
                                                       ("Jamaat Nusrat al Islam", "grp:jnim"),
                                                       ("Tehrik-i-Taliban Pakistan", "grp:ttp")]

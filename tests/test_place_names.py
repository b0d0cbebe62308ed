import spacy
from spacy.tokens import Span

from extractor.pipeline.place_names import read_place_names


def test_place_names_relabel_ner_people_and_groups_but_not_gazetteer_matches():
    nlp = spacy.blank("en")
    places = nlp.add_pipe("extractor_place_names")
    places.set_places(["Abuja", "Andhra Pradesh", "Hamas"])
    doc = nlp.make_doc("Abuja and Andhra Pradesh answered Hamas and Shekau.")
    doc.ents = [Span(doc, 0, 1, label="PERSON"), Span(doc, 2, 4, label="MILITANT_GROUP"),
                Span(doc, 5, 6, label="MILITANT_GROUP", span_id="grp:hamas"), Span(doc, 7, 8, label="PERSON")]
    doc = places(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Abuja", "GPE"), ("Andhra Pradesh", "GPE"),
                                                      ("Hamas", "MILITANT_GROUP"), ("Shekau", "PERSON")]


def test_surname_of_a_person_named_in_full_stays_a_person_even_when_it_is_a_place():
    nlp = spacy.blank("en")
    places = nlp.add_pipe("extractor_place_names")
    places.set_places(["Atar", "Wani"])
    doc = nlp.make_doc("Oussama Atar recruited them. Atar fled, and Wani and Akrouh stayed in Atar. Chakib Akrouh died.")
    doc.ents = [Span(doc, 0, 2, label="PERSON"), Span(doc, 5, 6, label="PERSON"), Span(doc, 9, 10, label="PERSON"),
                Span(doc, 11, 12, label="GPE"), Span(doc, 14, 15, label="GPE"), Span(doc, 16, 18, label="PERSON")]
    doc = places(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Oussama Atar", "PERSON"), ("Atar", "PERSON"),
                                                      ("Wani", "GPE"), ("Akrouh", "PERSON"), ("Atar", "GPE"),
                                                      ("Chakib Akrouh", "PERSON")]


def test_place_names_survive_save_and_reload(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("extractor_place_names").set_places(["al-Bayda"])
    nlp.to_disk(tmp_path / "p")
    reloaded = spacy.load(tmp_path / "p")
    doc = reloaded.make_doc("Al Bayda fell.")
    doc.ents = [Span(doc, 0, 2, label="MILITANT_GROUP")]
    assert [e.label_ for e in reloaded.get_pipe("extractor_place_names")(doc).ents] == ["GPE"]


def test_shipped_place_list_holds_countries_cities_and_provinces():
    names = set(read_place_names())
    assert {"Mozambique", "Abuja", "Andhra Pradesh"} <= names


def test_group_named_after_a_person_in_the_document_keeps_its_label():
    nlp = spacy.blank("en")
    places = nlp.add_pipe("extractor_place_names")
    places.set_places([])
    doc = nlp.make_doc("Omar Maute founded the Maute group; Maute fighters held Marawi.")
    doc.ents = [Span(doc, 0, 2, label="PERSON"), Span(doc, 4, 5, label="MILITANT_GROUP"),
                Span(doc, 7, 8, label="MILITANT_GROUP"), Span(doc, 10, 11, label="GPE")]
    assert [e.label_ for e in places(doc).ents] == ["PERSON", "MILITANT_GROUP", "MILITANT_GROUP", "GPE"]

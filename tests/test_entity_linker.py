import spacy

from extractor.api import extract


def entities_by_name(document):
    return {e.name: e for e in document.entities}


def link_hand_annotated(rule_nlp, text, spans):
    """Run only the linker over a Doc whose entities are set by hand, as a trained NER would set them."""
    doc = rule_nlp.make_doc(text)
    doc = rule_nlp.get_pipe("extractor_sentences")(doc)
    ents = []
    for surface, label in spans:
        start = 0
        while (start := text.find(surface, start)) >= 0:
            ents.append(doc.char_span(start, start + len(surface), label=label))
            start += len(surface)
    doc.ents = spacy.util.filter_spans(ents)
    return rule_nlp.get_pipe("extractor_entity_linker")(doc)


def test_entity_linker_merges_acronym_defined_in_parentheses(rule_nlp):
    text = "Tehrik-e Taliban Pakistan (TTP) expanded. TTP later moved south, unlike Lashkar-e-Taiba."
    doc = link_hand_annotated(rule_nlp, text, [("Tehrik-e Taliban Pakistan", "MILITANT_GROUP"),
                                               ("TTP", "MILITANT_GROUP"), ("Lashkar-e-Taiba", "MILITANT_GROUP")])
    assert [sorted({m.text for m in e.mentions}) for e in doc._.entities] == [
        ["TTP", "Tehrik-e Taliban Pakistan"], ["Lashkar-e-Taiba"]]
    assert doc._.entities[0].name == "Tehrik-e Taliban Pakistan"


def test_entity_linker_merges_acronym_built_from_initials(rule_nlp):
    text = "Tehrik-e Taliban Pakistan grew. Later the TTP split."
    doc = link_hand_annotated(rule_nlp, text, [("Tehrik-e Taliban Pakistan", "MILITANT_GROUP"),
                                               ("TTP", "MILITANT_GROUP")])
    assert len(doc._.entities) == 1


def test_entity_linker_merges_a_country_abbreviation_but_not_across_label_families(rule_nlp):
    text = "The Union of Salvation fought on. The United States struck it. The US said so."
    doc = link_hand_annotated(rule_nlp, text, [("Union of Salvation", "MILITANT_GROUP"), ("United States", "GPE"),
                                               ("US", "GPE")])
    assert sorted((e.label, sorted(m.text for m in e.mentions)) for e in doc._.entities) == [
        ("GPE", ["US", "United States"]), ("MILITANT_GROUP", ["Union of Salvation"])]


def test_entity_linker_merges_gazetteer_aliases_and_uses_canonical_name(rule_nlp):
    document = extract("Boko Haram, formally Jama'atu Ahlis Sunna Lidda'awati wal-Jihad, or JAS.", nlp=rule_nlp)
    assert len(document.entities) == 1
    entity = document.entities[0]
    assert entity.name == "Boko Haram" and entity.kb_id == "grp:boko-haram" and len(entity.mentions) == 3


def test_entity_linker_merges_short_forms_of_people(rule_nlp):
    text = "Iyad Ag Ghaly founded the movement. Ag Ghaly later spoke; Hamadou Kouffa did not. Kouffa left."
    doc = link_hand_annotated(rule_nlp, text, [("Iyad Ag Ghaly", "PERSON"), ("Ag Ghaly", "PERSON"),
                                               ("Hamadou Kouffa", "PERSON"), ("Kouffa", "PERSON")])
    mentions = [sorted(m.text for m in e.mentions) for e in doc._.entities]
    assert mentions == [["Ag Ghaly", "Iyad Ag Ghaly"], ["Hamadou Kouffa", "Kouffa"]]


def test_entity_linker_merges_given_name_short_forms_only_when_one_person_has_them(rule_nlp):
    text = ("Baitullah Mehsud led the TTP. Abu Omar and Abu Hamza met. Baitullah died in 2009; "
            "Abu met no one.")
    doc = link_hand_annotated(rule_nlp, text, [("Baitullah Mehsud", "PERSON"), ("Baitullah", "PERSON"),
                                               ("Abu Omar", "PERSON"), ("Abu Hamza", "PERSON"), ("Abu", "PERSON")])
    mentions = sorted(sorted(m.text for m in e.mentions) for e in doc._.entities if e.label == "PERSON")
    assert mentions == [["Abu"], ["Abu Hamza"], ["Abu Omar"], ["Baitullah", "Baitullah Mehsud"]]


def test_entity_linker_merges_gazetteer_short_forms(rule_nlp):
    names = entities_by_name(extract("Shekau and Abubakar Shekau are one man.", nlp=rule_nlp))
    assert len(names["Abubakar Shekau"].mentions) == 2


def test_entity_linker_keeps_possessive_faction_apart_from_person(rule_nlp):
    text = "Mokhtar Belmokhtar's faction split from the group. Mokhtar Belmokhtar denied it."
    document = extract(text, nlp=rule_nlp)
    labels = {m.text: e.label for e in document.entities for m in e.mentions}
    assert labels["Mokhtar Belmokhtar's faction"] == "MILITANT_GROUP"
    assert labels["Mokhtar Belmokhtar"] == "PERSON"
    faction = [e for e in document.entities if e.label == "MILITANT_GROUP"][0]
    assert faction.kb_id is None and faction.name == "Mokhtar Belmokhtar's faction"


def test_entity_linker_resolves_the_group_to_nearest_group(rule_nlp):
    doc = rule_nlp("Boko Haram attacked Borno. Later ISWAP struck. The group said it was responsible.")
    nominal = [n for n in doc._.nominals if n["text"] == "The group"][0]
    iswap = [e for e in doc._.entities if e.name == "Islamic State West Africa Province"][0]
    assert nominal["refers"] == [iswap.id]


def test_entity_linker_resolves_the_two_groups_to_two_antecedents(rule_nlp):
    doc = rule_nlp("Boko Haram and ISWAP fought in Borno. The two groups later agreed a truce.")
    nominal = [n for n in doc._.nominals if n["text"] == "The two groups"][0]
    assert len(nominal["refers"]) == 2


def test_entity_cleanup_trims_determiners_and_relabels_state_institutions(rule_nlp):
    doc = rule_nlp.make_doc("The Houthis fought the Bangladesh Army and al-Qaeda's fighters.")
    doc.ents = [doc.char_span(0, 11, label="MILITANT_GROUP"), doc.char_span(23, 38, label="MILITANT_GROUP"),
                doc.char_span(43, 53, label="MILITANT_GROUP")]
    doc = rule_nlp.get_pipe("extractor_entity_cleanup")(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Houthis", "MILITANT_GROUP"), ("Bangladesh Army", "ORG"),
                                                      ("al-Qaeda", "MILITANT_GROUP")]


def test_entity_linker_gives_gazetteer_id_to_ner_found_alias(rule_nlp):
    doc = link_hand_annotated(rule_nlp, "Daesh struck first; later Islamic State fighters retreated.",
                              [("Daesh", "MILITANT_GROUP"), ("Islamic State", "MILITANT_GROUP")])
    assert [(e.name, e.kb_id, len(e.mentions)) for e in doc._.entities] == [("Islamic State", "grp:islamic-state", 2)]


def clean_hand_annotated(rule_nlp, text, spans):
    """Run only the entity cleanup over a Doc whose entities are set by hand, as a trained NER would set them."""
    doc = rule_nlp.make_doc(text)
    doc.ents = [doc.char_span(text.index(surface), text.index(surface) + len(surface), label=label)
                for surface, label in spans]
    return [(e.text, e.label_) for e in rule_nlp.get_pipe("extractor_entity_cleanup")(doc).ents]


def test_entity_cleanup_splits_possessive_followers_back_to_the_person(rule_nlp):
    text = "Kadyrov's men clashed with the Sauerland cell's leader."
    assert clean_hand_annotated(rule_nlp, text, [("Kadyrov's men", "MILITANT_GROUP"),
                                                 ("Sauerland cell's leader", "MILITANT_GROUP")]) == [
        ("Kadyrov", "PERSON"), ("Sauerland cell", "MILITANT_GROUP")]


def test_entity_cleanup_keeps_possessive_faction_whole(rule_nlp):
    text = "Belmokhtar's faction left."
    assert clean_hand_annotated(rule_nlp, text, [("Belmokhtar's faction", "MILITANT_GROUP")]) == [
        ("Belmokhtar's faction", "MILITANT_GROUP")]


def test_entity_cleanup_trims_trailing_attribute_nouns_from_group_names(rule_nlp):
    text = "Houthi fighters and the Maute leadership met the Lebanese Armed Forces."
    assert clean_hand_annotated(rule_nlp, text, [("Houthi fighters", "MILITANT_GROUP"),
                                                 ("Maute leadership", "MILITANT_GROUP"),
                                                 ("Lebanese Armed Forces", "MILITANT_GROUP")]) == [
        ("Houthi", "MILITANT_GROUP"), ("Maute", "MILITANT_GROUP"), ("Lebanese Armed Forces", "ORG")]


def test_entity_linker_gives_an_acronym_the_label_of_its_expansion(rule_nlp):
    text = "The Armed Forces of the Philippines (AFP) shelled Marawi."
    doc = link_hand_annotated(rule_nlp, text, [("Armed Forces of the Philippines", "ORG"), ("AFP", "MILITANT_GROUP")])
    assert [(e.label, len(e.mentions)) for e in doc._.entities if e.label != "GPE"] == [("ORG", 2)]
    assert {ent.text: ent.label_ for ent in doc.ents}["AFP"] == "ORG"


def test_entity_cleanup_joins_a_name_cut_at_a_hyphen_or_between_two_person_spans(rule_nlp):
    text = "The Kuki-Chin National Front met Roch Marc Christian Kaboré."
    doc = rule_nlp.make_doc(text)
    doc.ents = [doc.char_span(4, 9, label="MILITANT_GROUP"), doc.char_span(9, 28, label="MILITANT_GROUP"),
                doc.char_span(33, 42, label="PERSON"), doc.char_span(43, 59, label="PERSON")]
    doc = rule_nlp.get_pipe("extractor_entity_cleanup")(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Kuki-Chin National Front", "MILITANT_GROUP"),
                                                      ("Roch Marc Christian Kaboré", "PERSON")]


def test_entity_cleanup_drops_a_lone_nationality_but_keeps_names_that_contain_one(rule_nlp):
    text = "Six Pakistanis and a Dutch recruit joined the Pakistani Taliban in Syria."
    assert clean_hand_annotated(rule_nlp, text, [("Pakistanis", "PERSON"), ("Dutch", "GPE"),
                                                 ("Pakistani Taliban", "MILITANT_GROUP"), ("Syria", "GPE")]) == [
        ("Pakistani Taliban", "MILITANT_GROUP"), ("Syria", "GPE")]


def test_entity_cleanup_drops_a_rank_or_office_before_a_name_but_keeps_honorifics(rule_nlp):
    text = "MP Jo Cox and General Mazloum Abdi met Mullah Omar."
    assert clean_hand_annotated(rule_nlp, text, [("MP Jo Cox", "PERSON"), ("General Mazloum Abdi", "PERSON"),
                                                 ("Mullah Omar", "PERSON")]) == [
        ("Jo Cox", "PERSON"), ("Mazloum Abdi", "PERSON"), ("Mullah Omar", "PERSON")]


def test_the_two_referents_of_the_two_groups_are_paired_in_their_sentence(rule_nlp):
    from extractor.ml.candidates import make_candidates, make_windows

    doc = rule_nlp("Boko Haram and ISWAP fought in Borno. The two groups later agreed a truce.")
    second_sentence = list(doc.sents)[1].start_char
    candidates = make_candidates(make_windows(doc, max_sentences=1))
    names = {e.id: e.name for e in doc._.entities}
    pairs = {(names[c.head.entity], names[c.tail.entity]) for c in candidates
             if c.head.nominal and c.tail.nominal and c.head.start >= second_sentence}
    assert pairs == {("Boko Haram", "Islamic State West Africa Province"),
                     ("Islamic State West Africa Province", "Boko Haram")}

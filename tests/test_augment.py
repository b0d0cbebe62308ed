from extractor.annotation.markup import parse_markup
from extractor.training.augment import swap_names

TEMPLATE = """# id: {id}
# title: t
# region: Sahel and North Africa
# genre: news report
# author: team
# licence: CC BY 4.0

[[{group}|g]] ([[{acronym}|g]]) was founded by [[{person}|p]]. [[{short}|p]] still leads [[{acronym}|g]] in [[Mali|mali]].
[[The group|g|NOM]] fights [[Mali|mali]].

## entities
g | MILITANT_GROUP | {group}
p | PERSON | {person}
mali | GPE | Mali

## relations
p LEADER_OF g | "still leads"
g RIVAL_OF mali | "fights"
"""


def test_name_swap_renames_groups_and_people_consistently_with_exact_offsets():
    records = [parse_markup(TEMPLATE.format(id="a", group="Jama'at Nusrat al-Islam wal-Muslimin", acronym="JNIM",
                                            person="Iyad Ag Ghaly", short="Ghaly")),
               parse_markup(TEMPLATE.format(id="b", group="Ansar Dine", acronym="AD", person="Amadou Koufa",
                                            short="Koufa"))]
    swapped = swap_names(records, seed=0)
    first = swapped[0]
    assert first["id"] == "a#swap1"
    assert first["text"].startswith("Ansar Dine (AD) was founded by Amadou Koufa. Koufa still leads AD in Mali.")
    for entity in first["entities"]:
        for mention in entity["mentions"]:
            assert first["text"][mention["start"]:mention["end"]] == mention["text"]
    assert {e["id"]: e["name"] for e in first["entities"]} == {"g": "Ansar Dine", "p": "Amadou Koufa", "mali": "Mali"}
    assert swap_names(records, seed=0) == swapped


def test_name_swap_keeps_relations_evidence_and_references_on_the_renamed_text():
    records = [parse_markup(TEMPLATE.format(id="a", group="Jama'at Nusrat al-Islam wal-Muslimin", acronym="JNIM",
                                            person="Iyad Ag Ghaly", short="Ghaly")),
               parse_markup(TEMPLATE.format(id="b", group="Ansar Dine", acronym="AD", person="Amadou Koufa",
                                            short="Koufa"))]
    first = swap_names(records, seed=0)[0]
    text = first["text"]
    assert [(r["head"], r["relation"], r["tail"]) for r in first["relations"]] == [
        ("p", "LEADER_OF", "g"), ("g", "RIVAL_OF", "mali")]
    leads = first["relations"][0]
    assert [text[q["start"]:q["end"]] for q in leads["quotes"]] == ["still leads"]
    assert [text[e["start"]:e["end"]] for e in leads["evidence"]] == ["Koufa still leads AD in Mali."]
    assert [(text[n["start"]:n["end"]], n["refers"]) for n in first["nominals"]] == [("The group", ["g"])]

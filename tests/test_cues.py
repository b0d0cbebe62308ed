from extractor.cues import find_times, is_hedged, is_negated, nearest_time


def test_cues_parse_since_until_in_and_former():
    assert nearest_time("al-Shabaab's emir since 2014", 0) == {"text": "since 2014", "start": "2014", "end": None,
                                                              "former": False}
    assert nearest_time("He led the group until 2016.", 0)["end"] == "2016"
    assert nearest_time("They merged in May 2017.", 0) == {"text": "in May 2017", "start": "2017-05", "end": None,
                                                          "former": False}
    assert nearest_time("the former leader", 0)["former"] is True
    assert find_times("no dates here") == []


def test_cues_detect_hedging_and_negation():
    assert is_hedged("The group reportedly receives funds.")
    assert not is_hedged("The group receives funds.")
    assert is_negated("The Taliban denied any links to al-Qaeda.")
    assert not is_negated("The Taliban hosted al-Qaeda.")

"""Lexical cues for hedging, negation and time in evidence sentences."""
import re
from typing import Any, Dict, List, Optional

HEDGE = re.compile(
    r"\b(allegedly|alleged|reportedly|reported(ly)? to|purported(ly)?|believed to|thought to|said to|suspected|"
    r"unconfirmed|rumou?red|may have|might have|could have|may be|might be|appears? to|apparently|likely|"
    r"possibly|probably|claimed|claims?|according to|sources (say|said|suggest)|suggests?|"
    r"is understood to|are understood to)\b", re.IGNORECASE)

NEGATION = re.compile(
    r"\b(denied|denies|deny|denying|no (links?|ties|connection|relationship|evidence|contact)|"
    r"never (cooperated|allied|joined|worked|fought|pledged|had)|"
    r"rejected (reports|claims|allegations)|not (allied|affiliated|linked|connected|a member)|"
    r"has no|have no|had no|dismissed (reports|claims))\b", re.IGNORECASE)

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DATE = rf"(?:(?:early |mid-|late )?(?:{_MONTH} )?(?:1[89]|20)\d\d)"
TIME = re.compile(
    rf"\b(?:(?P<range_kw>from|between) (?P<range_a>{_DATE}) (?:to|and|until) (?P<range_b>{_DATE})"
    rf"|(?P<since_kw>since|from) (?P<since>{_DATE})"
    rf"|(?P<until_kw>until|till|up to) (?P<until>{_DATE})"
    rf"|(?P<in_kw>in|during|by|by late|by early) (?P<in>{_DATE})"
    rf"|(?P<former>former|formerly|ex-|the late|erstwhile|one-time|onetime|previous(?:ly)?))",
    re.IGNORECASE)


def is_hedged(sentence: str) -> bool:
    """RETURNS (bool): Whether the sentence hedges its claim ("reportedly", "is believed to")."""
    return HEDGE.search(sentence) is not None


def is_negated(sentence: str) -> bool:
    """RETURNS (bool): Whether the sentence denies a relation ("denied any links")."""
    return NEGATION.search(sentence) is not None


def _date_value(text: str) -> Optional[str]:
    match = re.search(rf"(?:({_MONTH}) )?((?:1[89]|20)\d\d)", text, re.IGNORECASE)
    if not match:
        return None
    year = match.group(2)
    if match.group(1):
        return f"{year}-{MONTHS[match.group(1).lower()]:02d}"
    return year


def find_times(sentence: str) -> List[Dict[str, Any]]:
    """Time expressions in a sentence, as the output contract's time objects.

    sentence (str): Evidence sentence text.
    RETURNS (List[Dict[str, Any]]): {"text", "start", "end", "former", "offset"} for each expression, in order;
        "offset" is the character position in the sentence (callers drop it before output).
    """
    found = []
    for match in TIME.finditer(sentence):
        start = end = None
        former = False
        if match.group("range_kw"):
            start, end, former = _date_value(match.group("range_a")), _date_value(match.group("range_b")), True
        elif match.group("since_kw"):
            start = _date_value(match.group("since"))
        elif match.group("until_kw"):
            end, former = _date_value(match.group("until")), True
        elif match.group("in_kw"):
            start = _date_value(match.group("in"))
        else:
            former = True
        found.append({"text": match.group(0), "start": start, "end": end, "former": former,
                      "offset": match.start()})
    return found


def nearest_time(sentence: str, position: int) -> Optional[Dict[str, Any]]:
    """The time expression closest to a position in a sentence, without its offset.

    sentence (str): Evidence sentence text.
    position (int): Character position (in the sentence) of the relation's arguments.
    RETURNS (Optional[Dict[str, Any]]): A contract time object, or None when the sentence has none.
    """
    times = find_times(sentence)
    if not times:
        return None
    best = min(times, key=lambda t: abs(t["offset"] - position))
    return {key: value for key, value in best.items() if key != "offset"}

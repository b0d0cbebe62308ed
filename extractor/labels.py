"""Label inventory and argument-type rules shared by annotation, training and output.

Standard library only: the annotation tools import this without the ML stack.
"""
from typing import Dict, FrozenSet, Tuple

MILITANT_GROUP = "MILITANT_GROUP"
PERSON = "PERSON"
ORG = "ORG"
GPE = "GPE"
ENTITY_LABELS: Tuple[str, ...] = (MILITANT_GROUP, PERSON, ORG, GPE)

ALLY_OF = "ALLY_OF"
RIVAL_OF = "RIVAL_OF"
LEADER_OF = "LEADER_OF"
AFFILIATE_OF = "AFFILIATE_OF"
MEMBER_OF = "MEMBER_OF"
RELATION_LABELS: Tuple[str, ...] = (ALLY_OF, RIVAL_OF, LEADER_OF, AFFILIATE_OF, MEMBER_OF)
COARSE_LABELS: Tuple[str, ...] = (ALLY_OF, RIVAL_OF, LEADER_OF, MEMBER_OF)

# AFFILIATE_OF is a hierarchical alliance: analysts who want the coarse graph see it as ALLY_OF.
COARSE_OF: Dict[str, str] = {
    ALLY_OF: ALLY_OF,
    RIVAL_OF: RIVAL_OF,
    LEADER_OF: LEADER_OF,
    AFFILIATE_OF: ALLY_OF,
    MEMBER_OF: MEMBER_OF,
}

SYMMETRIC: FrozenSet[str] = frozenset({ALLY_OF, RIVAL_OF})

_ACTORS = frozenset({MILITANT_GROUP, ORG, PERSON, GPE})
_GROUPS = frozenset({MILITANT_GROUP, ORG})

# relation -> (allowed head labels, allowed tail labels)
ARGUMENT_TYPES: Dict[str, Tuple[FrozenSet[str], FrozenSet[str]]] = {
    ALLY_OF: (_ACTORS, _ACTORS),
    RIVAL_OF: (_ACTORS, _ACTORS),
    LEADER_OF: (frozenset({PERSON}), _GROUPS),
    MEMBER_OF: (frozenset({PERSON}), _GROUPS),
    AFFILIATE_OF: (frozenset({MILITANT_GROUP}), _GROUPS),
}


def arguments_allowed(relation: str, head_label: str, tail_label: str) -> bool:
    """Whether a relation may hold between entities of these labels.

    relation (str): One of RELATION_LABELS.
    head_label (str): Entity label of the head.
    tail_label (str): Entity label of the tail.
    RETURNS (bool): True when the argument types fit the relation.
    """
    heads, tails = ARGUMENT_TYPES[relation]
    if relation in SYMMETRIC and GPE == head_label == tail_label:
        return False
    return head_label in heads and tail_label in tails

"""One reader of label spellings: every door that takes a Level reads the spellings exports use.

The HR-export reader had its own key (``label_key``: lower case, invisible characters kept) and
its own table of level spellings, while ``read_member``, the reader of function arguments,
knew values and names only: ``plan_support(min_reach={"IC": 0.5})`` was refused although
``Population.from_frame`` reads "IC", and the two disagreed on invisible characters and on
case folding (``"STRASSE"`` and ``"Straße"``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus._fields import read_member
from sparkus._labels import spelling_problem
from sparkus.model import Level, Population

# spellings an export writes, with invisible characters a copy from a web page leaves
SPELT = [
    ("IC", Level.INDIVIDUAL_CONTRIBUTOR),
    ("Exec", Level.EXECUTIVE),
    ("mgr", Level.MANAGER),
    ("Sr. Leader", Level.SENIOR_LEADER),
    ("\ufeffStaff", Level.INDIVIDUAL_CONTRIBUTOR),
    ("C-Suite\u00ad", Level.EXECUTIVE),
]


@cache
def _org():  # type: ignore[no-untyped-def]
    from sparkus.datasets import synthetic_org
    from sparkus.triage import triage

    org = synthetic_org(200, seed=1)
    return org, triage(org.population, program=org.program)


def _share(key: object) -> float:
    """Half of each level; none of the executives, whom the synthetic program cannot support."""
    return 0.0 if read_member(key, Level) is Level.EXECUTIVE else 0.5


def _plan(key: object) -> object:
    from sparkus.matching import plan_support

    org, result = _org()
    plan = plan_support(org.population, result, org.program, org.providers, budget=40_000,
                        min_reach={key: _share(key)})  # fmt: skip
    return plan.support.tolist()


def _frontier(key: object) -> object:
    from sparkus.matching import budget_frontier

    org, result = _org()
    frontier = budget_frontier(org.population, result, org.program, org.providers,
                               budgets=[30_000, 40_000], min_reach={key: _share(key)})  # fmt: skip
    return frontier.reach.tolist()


def _export(key: object) -> object:
    frame = pd.DataFrame({"id": ["a", "b"], "level": [key, "manager"],
                          "department": ["Sales", "Sales"], "tenure_years": [1.0, 2.0]})  # fmt: skip
    return int(Population.from_frame(frame)["level"][0])


def _refusal(key: object) -> object:
    """A door that reads values exactly (from_columns) names the level the spelling means."""
    columns = {"id": ["a"], "level": [key], "department": ["Sales"], "tenure_years": [1.0]}
    with pytest.raises(SchemaError, match="did you mean") as info:
        Population.from_columns(columns)
    meant = str(info.value).rsplit("did you mean ", 1)[1].split("?")[0]
    return Level(meant.strip("'")).rank


DOORS: dict[str, Callable[[object], object]] = {
    "plan_support min_reach": _plan,
    "budget_frontier min_reach": _frontier,
    "from_frame level": _export,
    "from_columns refusal": _refusal,
}


@pytest.mark.parametrize("door", DOORS)
def test_every_door_reads_the_export_spellings_of_a_level(door):
    """Each spelling reads as its Level at every door, as the member itself does."""
    read = DOORS[door]
    for spelling, level in SPELT:
        expected = level.rank if door in ("from_frame level", "from_columns refusal") else None
        got = read(spelling)
        assert got == (expected if expected is not None else read(level)), spelling


@pytest.mark.parametrize(
    "pair",
    [
        ("Sales", "Sales\u200b"),
        ("Straße", "STRASSE"),
        ("Sales", "\ufeffsales"),
        ("Ops", "O\u00adps"),
    ],
    ids=["zero-width-space", "sharp-s", "bom", "soft-hyphen"],
)
def test_the_export_refuses_departments_the_group_rule_calls_one(pair):
    """Two departments that spelling_problem calls one group are refused by the export reader."""
    assert spelling_problem(pair) is not None  # the rule of every door that counts groups
    frame = pd.DataFrame({"id": ["a", "b"], "level": ["manager", "manager"],
                          "department": list(pair), "tenure_years": [1.0, 2.0]})  # fmt: skip
    with pytest.raises(SchemaError, match="department: spellings that differ only"):
        Population.from_frame(frame)
    kept = Population.from_frame(frame, labels={"department": {v: v for v in pair}})
    assert kept.schema["department"].categories == tuple(sorted(pair))


@pytest.mark.parametrize("as_objects", [False, True])
def test_a_cell_of_invisible_characters_is_blank(as_objects):
    """A cell that shows nothing (a byte-order mark, a zero-width space) is blank, as the group
    rule says: a blank department is refused naming its row; a blank team is no team."""
    kind = object if as_objects else str
    frame = {"id": np.array(["a", "b"], dtype=kind), "level": np.array(["IC", "IC"], dtype=kind),
             "department": np.array(["Sales", "\u200b"], dtype=kind),
             "team": np.array(["\ufeff ", "T1"], dtype=kind), "tenure_years": [1.0, 2.0]}  # fmt: skip
    with pytest.raises(SchemaError, match=r"\[1\]\.department: is blank in the export"):
        Population.from_frame(frame)
    frame["department"] = np.array(["Sales", "Ops"], dtype=kind)
    people = Population.from_frame(frame)
    assert [r.team for r in people.to_records()] == [None, "T1"]


def test_a_spelling_that_names_two_members_is_refused():
    """A key two members share (a value and another's name, or an added spelling) names none."""

    class Swapped(enum.Enum):
        A = "b"
        B = "a"
        C = "c"

    assert read_member("a", Swapped) is None
    assert read_member("B", Swapped) is None
    assert read_member("c", Swapped) is Swapped.C

    from sparkus._fields import SPELLINGS

    class Added(enum.Enum):
        X = "x"
        Y = "y"

    SPELLINGS[Added] = {Added.X: ("both", "ex"), Added.Y: ("Both",)}
    try:
        assert read_member("both", Added) is None
        assert read_member("EX", Added) is Added.X
    finally:
        del SPELLINGS[Added]
    assert read_member("staff", Level) is Level.INDIVIDUAL_CONTRIBUTOR  # sparkus' own: no clash

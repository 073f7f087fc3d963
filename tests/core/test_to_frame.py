"""Tables out: ``to_frame`` on the population and the results, for pandas and polars.

Every frame is checked against the result's own arrays read another way (records, enums looked
up by rank), and the pandas and polars frames of one result against each other.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from typing import Any

import attrs
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings

from sparkus import SchemaError
from sparkus.datasets import simulate_events, synthetic_org
from sparkus.matching import assign, plan_support, solve_assignment
from sparkus.metrics import Tracker
from sparkus.model import Level, Population, SupportType, schedule_journeys
from sparkus.triage import ReadinessLevel, triage

from ..strategies import population_columns

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)


@cache
def _org() -> Any:
    return synthetic_org(120, seed=5)


@cache
def _results() -> dict[str, Any]:
    org = _org()
    result = triage(org.population, program=org.program)
    plan = plan_support(org.population, result, org.program, org.providers)
    schedule = schedule_journeys(org.program.journey, **plan.enrolled(), start=START,
                                 excess="truncate")  # fmt: skip
    groups = {"department": _departments(org.population, schedule.ids)}
    tracker = Tracker(org.program, schedule, groups=groups)
    tracker.update(simulate_events(schedule, rng=1))
    cost = np.array([[0.1, 0.5], [0.2, 0.7], [0.1, 0.4], [0.3, np.nan]])
    return {
        "population": org.population,
        "triage": result,
        "plan": plan,
        "schedule": schedule,
        "assignment": assign(cost, capacity=1),
        "solved": solve_assignment(np.array([[1.0, 4.0], [2.0, 3.0], [5.0, np.inf]]), [1, 1]),
        "dashboard": tracker.snapshot(as_of=START + dt.timedelta(days=60)),
    }


def _departments(pop: Population, ids: np.ndarray[Any, Any]) -> list[str]:
    by_id = dict(zip(pop.ids.tolist(), pop.decode("department").tolist(), strict=True))
    return [by_id[i] for i in ids.tolist()]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _same(a: list[Any], b: list[Any]) -> bool:
    """Equal cell by cell, None and NaN both counting as missing, sequences as lists."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if _missing(x) or _missing(y):
            if not (_missing(x) and _missing(y)):
                return False
        elif isinstance(x, tuple | list) or isinstance(y, tuple | list):
            if list(x) != list(y):
                return False
        elif x != y:
            return False
    return True


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    """A pandas column (or index level) as a list of plain Python values."""
    values = frame.index.get_level_values(name) if name in frame.index.names else frame[name]
    return [v.item() if isinstance(v, np.generic) else v for v in values.tolist()]


def _agree(pandas_frame: pd.DataFrame, polars_frame: pl.DataFrame) -> None:
    """The polars frame has the pandas index as its first columns, then the same columns."""
    index = [n for n in pandas_frame.index.names if n is not None]
    assert polars_frame.columns == [*index, *pandas_frame.columns]
    for name in polars_frame.columns:
        theirs = polars_frame[name].to_list()
        ours = _column(pandas_frame, name)
        if polars_frame[name].dtype.is_temporal():
            theirs = [pd.Timestamp(v) if v is not None else None for v in theirs]
            ours = [pd.Timestamp(v) for v in ours]
        assert _same(ours, theirs), name


NAMES = ("population", "triage", "plan", "schedule", "assignment", "solved")


@pytest.mark.parametrize("name", NAMES)
def test_pandas_and_polars_agree(name: str) -> None:
    """Both backends give the same cells, the pandas index as polars' first column."""
    result = _results()[name]
    _agree(result.to_frame(), result.to_frame(backend="polars"))


@pytest.mark.parametrize("table", ["groups", "funnel", "engagement", "suppressed"])
def test_dashboard_tables_agree(table: str) -> None:
    """Each dashboard table is the same in pandas and polars."""
    board = _results()["dashboard"]
    _agree(board.to_frame(table), board.to_frame(table, backend="polars"))


def _arrays(result: object) -> list[np.ndarray[Any, Any]]:
    if isinstance(result, Population):
        return [result[name] for name in result.columns]
    fields = [getattr(result, a.name) for a in attrs.fields(type(result))]
    return [v for v in fields if isinstance(v, np.ndarray)]


@pytest.mark.parametrize("name", NAMES)
def test_frame_is_a_copy(name: str) -> None:
    """No column of either frame shares memory with the result's arrays."""
    result = _results()[name]
    held = _arrays(result)
    assert held
    frames = (result.to_frame(), result.to_frame(backend="polars"))
    for column in [*frames[0].reset_index().to_dict("series").values(), *frames[1]]:
        values = column.to_numpy()
        assert not any(np.shares_memory(values, array) for array in held)


def test_population_frame_matches_records() -> None:
    """One row per person, indexed by id; each cell is the record's value, level as text."""
    pop = _results()["population"]
    frame = pop.to_frame()
    records = pop.to_records()  # reference: the record path, which builds no frame
    assert frame.index.name == "id"
    assert frame.index.tolist() == [r.id for r in records]
    assert frame["level"].tolist() == [r.level.value for r in records]
    assert _same(frame["manager_id"].tolist(), [r.manager_id for r in records])
    assert frame["focus_goals"].tolist() == [tuple(g.value for g in r.focus_goals)
                                             for r in records]  # fmt: skip
    assert frame["tenure_years"].tolist() == [r.tenure_years for r in records]
    for name in pop.attributes:
        assert _same(frame[name].tolist(), [r.attributes.get(name) for r in records]), name


@settings(max_examples=40, deadline=None)
@given(population_columns())
def test_population_round_trip(made: tuple[dict[str, Any], dict[str, tuple[float, float]]]) -> None:
    """``Population.from_frame(pop.to_frame())`` is `pop`, through pandas and through polars."""
    columns, scales = made
    pop = Population.from_columns(columns, scales=scales)
    # Spellings that differ only in case are refused as a likely typo unless named exactly:
    # a frame written by sparkus says each is meant as spelled.
    labels = {f: {v: v for v in set(pop.decode(f).tolist()) if isinstance(v, str)}
              for f in ("department", "team")}  # fmt: skip
    assert Population.from_frame(pop.to_frame(), scales=scales, labels=labels) == pop
    back = Population.from_frame(pop.to_frame(backend="polars"), scales=scales, labels=labels)
    assert back == pop


def test_triage_frame() -> None:
    """Readiness as its label (never a code), the rest as the result's arrays."""
    result = _results()["triage"]
    frame = result.to_frame()
    labels = [None if c < 0 else list(ReadinessLevel)[c].value for c in result.level.tolist()]
    assert frame.index.tolist() == result.ids.tolist()
    assert _same(frame["readiness"].tolist(), labels)
    assert set(frame["readiness"].dropna()) <= {lv.value for lv in ReadinessLevel}
    assert frame["review"].tolist() == result.review.tolist()
    assert frame["sessions"].tolist() == result.sessions.tolist()
    assert frame["reflection_share"].tolist() == result.reflection_share.tolist()


def test_plan_frame() -> None:
    """Support types as their values (``"coaching"``), levels and readiness as labels."""
    plan = _results()["plan"]
    frame = plan.to_frame()
    assert frame.index.tolist() == plan.ids.tolist()
    support = frame["support"].tolist()
    assert _same(support, [s.value if s is not None else None for s in plan.support.tolist()])
    assert not any("SupportType" in str(s) for s in support)
    assert set(frame["support"].dropna()) <= {s.value for s in SupportType}
    assert frame["level"].tolist() == [list(Level)[k].value for k in plan.level.tolist()]
    pop = _results()["population"]
    assert frame["level"].tolist() == pop.decode("level").tolist()
    assert frame["cost"].tolist() == plan.cost.tolist()
    assert frame["sessions"].sum() == int(plan.sessions.sum())


def test_schedule_frame() -> None:
    """One row per enrolled person, with their support, sessions, start and step count."""
    schedule = _results()["schedule"]
    plan = _results()["plan"]
    frame = schedule.to_frame()
    enrolled = plan.enrolled()
    assert frame.index.tolist() == enrolled["ids"].tolist()
    assert frame["support"].tolist() == [s.value for s in enrolled["support"].tolist()]
    assert frame["steps"].tolist() == [len(schedule.journey(i).steps) for i in frame.index]
    assert (frame["start"] == pd.Timestamp("2027-01-04")).all()


def test_assignment_frames() -> None:
    """Providers by column (None when unplaced) and the reason of each unplaced person."""
    solved = _results()["solved"].to_frame()
    assert solved.index.name == "row"
    assert _same(solved["provider"].tolist(), [0, 1, None])
    assert _same(solved["reason"].tolist(), [None, None, "capacity"])
    result = _results()["assignment"]
    frame = result.to_frame()
    pairs = result.pairs()
    assert _same(frame["provider"].tolist(), [pairs.get(i) for i in range(result.n)])
    assert _same(frame["reason"].tolist(), [result.unassigned.get(i) for i in range(result.n)])


def test_dashboard_groups_frame() -> None:
    """One row per shown group, indexed by (grouping, group), the figures as the snapshot's."""
    board = _results()["dashboard"]
    frame = board.to_frame()
    rows = board.groups["department"]
    assert frame.index.names == ["grouping", "group"]
    assert frame.index.tolist() == [("department", r.group) for r in rows]
    assert _same(frame["participants"].tolist(), [r.participants for r in rows])
    assert _same(frame["completion_rate"].tolist(), [r.completion_rate for r in rows])
    funnel = board.to_frame("funnel")
    assert funnel.index.tolist() == [s.step for s in board.funnel]
    series = board.to_frame("engagement")
    assert series["enrolled"].tolist() == [p.enrolled for p in board.engagement.series]


@pytest.mark.parametrize("name", NAMES)
def test_bad_backend_is_refused(name: str) -> None:
    """An unknown backend is a SchemaError naming `backend` and the allowed values."""
    with pytest.raises(SchemaError, match=r"backend.*'pandas', 'polars'"):
        _results()[name].to_frame(backend="arrow")


def test_missing_library_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without polars, the ImportError says which extra to install."""
    import sys

    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(ImportError, match=r"sparkus\[polars\]"):
        _results()["triage"].to_frame(backend="polars")


def test_repr_html() -> None:
    """The population, the program and the priors show as HTML tables in a notebook."""
    from sparkus.matching import EffectPriors

    org = _org()
    assert "<table>" in org.population._repr_html_()
    assert "120 people" in org.population._repr_html_()
    assert org.program.name in org.program._repr_html_()
    assert "coaching" in EffectPriors()._repr_html_()


def test_spellings_named_exactly_stay_apart() -> None:
    """Two departments differing only in case: refused as a typo, kept when the map names each."""
    columns = {"id": ["a", "b", "c"], "level": ["manager"] * 3,
               "department": ["IT", "It", "it"], "tenure_years": [1.0, 2.0, 3.0]}  # fmt: skip
    pop = Population.from_columns(columns)
    with pytest.raises(SchemaError, match="map each spelling to itself"):
        Population.from_frame(pop.to_frame())
    kept = {"department": {"IT": "IT", "It": "It", "it": "it"}}
    assert Population.from_frame(pop.to_frame(), labels=kept) == pop
    merged = Population.from_frame(pop.to_frame(), labels={"department": {"it": "IT"}})
    assert merged.decode("department").tolist() == ["IT", "IT", "IT"]
    # a spelling named once maps every spelling of its key, as before
    merged = Population.from_frame(pop.to_frame(), labels={"department": {"IT": "IT"}})
    assert merged.decode("department").tolist() == ["IT", "IT", "IT"]

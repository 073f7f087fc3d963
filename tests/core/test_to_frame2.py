"""Tables out, second part: ``to_frame`` on circles, cohorts, subgroup effects, the audit,
an estimate and the 360 change, for pandas and polars.

Every frame is checked against the result's own arrays and mappings, and the privacy rule
against the raw data: a group the rule hides (counted here from the inputs, independently of
the result) never has a row.
"""

from __future__ import annotations

import datetime as dt
import enum
import warnings
from functools import cache
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SparkusWarning
from sparkus.datasets import synthetic_org
from sparkus.matching import form_peer_circles, team_cohorts
from sparkus.metrics import (
    ConfidenceInterval,
    Estimate,
    rater_change,
    subgroup_effects,
    welch_ttest,
)
from sparkus.model import Assessment, AssessmentSource
from sparkus.triage import audit

from .test_to_frame import _agree, _same

T0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def _wave(when: dt.datetime, person: str, peers: list[float], reports: list[float]) -> list[Any]:
    out = [Assessment(person, AssessmentSource.SELF, {"x": 3.0}, when),
           Assessment(person, AssessmentSource.MANAGER, {"x": 2.0}, when)]  # fmt: skip
    out += [Assessment(person, AssessmentSource.PEER, {"x": v}, when, rater_id=f"{person}p{i}")
            for i, v in enumerate(peers)]  # fmt: skip
    out += [Assessment(person, AssessmentSource.DIRECT_REPORT, {"x": v}, when,
                       rater_id=f"{person}r{i}") for i, v in enumerate(reports)]  # fmt: skip
    return out


def _subgroups() -> Any:
    # the privacy example of subgroup_effects' docstring: "People" (9 people) is suppressed
    rng = np.random.default_rng(2)
    dept = np.repeat(["Sales", "Finance", "Marketing", "People"], [120, 80, 60, 9])
    treated = rng.random(269) < 0.5
    pre = rng.normal(50.0, 10.0, 269)
    post = pre + 2.0 + 4.0 * treated + rng.normal(0.0, 5.0, 269)
    post[dept == "Finance"] = 7.0  # a constant outcome: Finance is reported, not estimable
    return subgroup_effects(post, treated, dept, method="difference")


@cache
def _results() -> dict[str, Any]:
    org = synthetic_org(150, seed=3)
    groups = np.repeat(["A", "B", "C"], [100, 100, 4])
    selected = np.r_[np.arange(100) < 50, np.arange(100) < 30, np.arange(4) < 3]
    pre = _wave(T0, "e1", [2, 3, 3], [2]) + _wave(T0, "e2", [2, 2], [3, 3, 4])
    post = _wave(T1, "e1", [4, 4, 3], [4, 5]) + _wave(T1, "e2", [3, 3], [4, 4, 4])
    return {
        "circles": form_peer_circles(org.population, size=(4, 6), rng=0),
        "cohorts": team_cohorts(org.population, size=(4, 12)),
        "subgroups": _subgroups(),
        "audit": audit(selected, groups, labels=np.arange(204) % 3 == 0),
        "estimate": welch_ttest([5.1, 6.0, 6.3, 7.2, 5.9], [4.2, 5.0, 4.4, 5.1, 4.8]),
        "raters": rater_change(pre, post),
    }


NAMES = ("circles", "cohorts", "subgroups", "audit", "estimate", "raters")


@pytest.mark.parametrize("name", NAMES)
def test_pandas_and_polars_agree(name: str) -> None:
    """Both backends give the same cells, the pandas index as polars' first column(s)."""
    result = _results()[name]
    _agree(result.to_frame(), result.to_frame(backend="polars"))


@pytest.mark.parametrize("name", NAMES)
def test_no_cell_is_an_enum_or_numpy_object(name: str) -> None:
    """Cells are plain values people read: no enum member, in either backend."""
    result = _results()[name]
    frame = result.to_frame().reset_index()
    cells = [v for column in frame.columns for v in frame[column].tolist()]
    cells += [v for column in result.to_frame(backend="polars").iter_columns()
              for v in column.to_list()]  # fmt: skip
    assert not any(isinstance(v, enum.Enum) for v in cells)


@pytest.mark.parametrize("name", ["circles", "cohorts", "raters"])
def test_frame_is_a_copy(name: str) -> None:
    """No column of either frame shares memory with the result's arrays."""
    result = _results()[name]
    fields = [getattr(result, a.name) for a in attrs.fields(type(result))]
    held = [v for v in fields if isinstance(v, np.ndarray)]
    frames = (result.to_frame(), result.to_frame(backend="polars"))
    for column in [*frames[0].reset_index().to_dict("series").values(), *frames[1]]:
        assert not any(np.shares_memory(column.to_numpy(), array) for array in held)


def test_circles_frame_matches_circles() -> None:
    """One row per member in order; each member is in the circle its row names, of that size."""
    circles = _results()["circles"]
    frame = circles.to_frame()
    assert frame.index.name == "id"
    assert frame.index.tolist() == circles.ids.tolist()
    assert frame["row"].tolist() == circles.rows.tolist()
    assert frame["fit"].tolist() == circles.fit.tolist()
    for member, c, size in zip(frame.index, frame["circle"], frame["size"], strict=True):
        assert member in circles.circles[c]  # reference: the tuple of members, by id
        assert size == len(circles.circles[c])


def test_cohorts_frame_matches_cohorts_and_leftovers() -> None:
    """Placed members carry their cohort's department and kind; left-out ones the reason."""
    cohorts = _results()["cohorts"]
    frame = cohorts.to_frame()
    assert frame.index.tolist() == cohorts.ids.tolist()
    assert frame["cohort"].tolist() == cohorts.cohort.tolist()
    left = frame[frame["cohort"] < 0]
    assert cohorts.leftovers  # the case is tested
    assert dict(zip(left.index, left["left_out"], strict=True)) == cohorts.leftovers
    assert left["department"].isna().all()
    assert left["kind"].isna().all()
    placed = frame[frame["cohort"] >= 0]
    assert placed["left_out"].isna().all()
    for member, c, dept, kind in zip(placed.index, placed["cohort"], placed["department"],
                                     placed["kind"], strict=True):  # fmt: skip
        assert member in cohorts.cohorts[c]
        assert (dept, kind) == (cohorts.departments[c], cohorts.kinds[c])


def test_subgroups_frame_shows_reported_groups_only() -> None:
    """Reported groups only, in order; suppressed 'People' absent; not estimable as missing."""
    result = _results()["subgroups"]
    assert list(result.suppressed) == ["People"]
    assert list(result.not_estimable) == ["Finance"]
    for frame in (result.to_frame().reset_index(), result.to_frame(backend="polars")):
        groups = list(frame["group"])
        assert groups == ["Finance", "Marketing", "Sales"]
        assert "People" not in groups
    frame = result.to_frame()
    for g in ("Marketing", "Sales"):
        e = result.estimates[g]
        row = frame.loc[g]
        assert [row["estimate"], row["se"], row["ci_low"], row["ci_high"], row["pvalue"]] == [
            e.estimate, e.se, e.ci.low, e.ci.high, e.pvalue]  # fmt: skip
        assert row["adjusted_pvalue"] == result.adjusted_pvalues[g]
        assert pd.isna(frame["not_estimable"][g])
    assert frame["n_treated"].to_dict() == result.n_treated
    assert frame["n_control"].to_dict() == result.n_control
    finance = frame.loc["Finance"]
    assert np.isnan(finance[["estimate", "se", "pvalue", "adjusted_pvalue"]].astype(float)).all()
    assert finance["not_estimable"] == result.not_estimable["Finance"]


def test_audit_frame_matches_published_groups() -> None:
    """Published groups with their figures; hidden 'C' absent; tpr as the result shows it."""
    result = _results()["audit"]
    assert list(result.suppressed) == ["C"]
    frame = result.to_frame()
    assert frame.index.tolist() == ["A", "B"]
    assert frame["n"].to_dict() == result.counts
    assert frame["selected"].to_dict() == result.selected_counts
    assert frame["selection_rate"].to_dict() == result.selection_rates
    assert frame["impact_ratio"].to_dict() == result.impact_ratios
    assert frame["flagged"].to_dict() == result.flagged
    assert result.tpr is not None
    assert frame["tpr"].to_dict() == result.tpr
    assert frame["reference"].to_dict() == {"A": True, "B": False}
    assert "C" not in result.to_frame(backend="polars")["group"].to_list()


def test_audit_frame_undefined_ratio_is_missing() -> None:
    """Nobody selected: every impact ratio is None in the result, missing in both frames."""
    with pytest.warns(SparkusWarning, match="undefined"):
        result = audit(np.zeros(12, dtype=bool), np.repeat(["A", "B"], 6))
    assert "tpr" not in result.to_frame().columns  # no labels, no tpr column
    assert result.to_frame()["impact_ratio"].isna().all()
    assert result.to_frame(backend="polars")["impact_ratio"].to_list() == [None, None]


def test_estimate_frame_is_one_row_of_its_fields() -> None:
    """One row; each column is the field (the interval split in two)."""
    e = _results()["estimate"]
    (row,) = e.to_frame().to_dict("records")
    assert row == {"estimate": e.estimate, "se": e.se, "ci_low": e.ci.low, "ci_high": e.ci.high,
                   "level": e.level, "pvalue": e.pvalue, "n": e.n, "method": e.method,
                   "statistic": e.statistic, "df": e.df, "ci_method": e.ci_method,
                   "null": e.null, "n_clusters": None, "measure": e.measure}  # fmt: skip


def test_estimate_frame_with_an_f_pair() -> None:
    """An F test's degrees of freedom stay a pair: a tuple in pandas, a list in polars."""
    e = Estimate(estimate=1.0, se=0.5, ci=ConfidenceInterval(0.0, 2.0), level=0.95,
                 pvalue=0.04, n=30, method="by hand", df=(2.0, 27.0), n_clusters=6)  # fmt: skip
    assert e.to_frame()["df"].tolist() == [(2.0, 27.0)]
    assert e.to_frame()["n_clusters"].tolist() == [6]
    assert e.to_frame(backend="polars")["df"].to_list() == [[2.0, 27.0]]


def test_raters_frame_matches_rows_without_withheld() -> None:
    """One row per person and shown group; a withheld 'others' never appears."""
    result = _results()["raters"]
    frame = result.to_frame()
    assert frame.index.names == ["participant", "group"]
    assert frame.index.tolist() == list(zip(result.participant.tolist(),
                                            result.group.tolist(), strict=True))  # fmt: skip
    for name in ("n_pre", "n_post", "pre", "post", "change"):
        assert _same(frame[name].tolist(), getattr(result, name).tolist()), name
    assert result.withheld  # the case is tested
    assert not set(result.withheld) & set(frame.index.tolist())


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 14), min_size=1, max_size=5),
    seed=st.integers(0, 2**16),
    m=st.integers(2, 5),
)
def test_audit_frame_never_shows_a_hidden_group(sizes: list[int], seed: int, m: int) -> None:
    """Groups of fewer than `m` people (counted from the input) never have a row."""
    rng = np.random.default_rng(seed)
    groups = np.repeat([f"g{i}" for i in range(len(sizes))], sizes)
    selected = rng.random(len(groups)) < 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)
        result = audit(selected, groups, min_group_size=m)
    small = {f"g{i}" for i, s in enumerate(sizes) if s < m}
    for frame in (result.to_frame().reset_index(), result.to_frame(backend="polars")):
        shown = set(frame["group"])
        assert not shown & small
        assert shown == {f"g{i}" for i in range(len(sizes))} - small


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(2, 16), min_size=1, max_size=4),
    seed=st.integers(0, 2**16),
    m=st.integers(1, 4),
)
def test_subgroups_frame_never_shows_a_suppressed_group(sizes: list[int], seed: int,
                                                         m: int) -> None:  # fmt: skip
    """Groups with fewer than `m` treated or control people (counted here) never have a row."""
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(len(sizes)), sizes)
    treated = rng.random(len(groups)) < 0.5
    y = rng.normal(0.0, 1.0, len(groups))
    result = subgroup_effects(y, treated, groups, min_group_size=m)
    small = {
        g
        for g in range(len(sizes))
        if min(int(treated[groups == g].sum()), int((~treated[groups == g]).sum())) < m
    }
    for frame in (result.to_frame().reset_index(), result.to_frame(backend="polars")):
        shown = set(frame["group"])
        assert not shown & small
        assert shown == set(range(len(sizes))) - small

"""The dashboard's records: typed impact and ROI, one schema for the tracker and the reader."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.metrics import (
    Benefit,
    Cost,
    Tracker,
    ancova,
    render_html,
    roi,
)
from sparkus.metrics._tracking.reader import read_dashboard
from sparkus.metrics._tracking.schema import Impact, Roi
from tests.metrics.tracking.test_tracker import DEPARTMENTS, END, EVENTS, PROGRAM, SCHEDULE

_RNG = np.random.default_rng(3)
_PRE = _RNG.normal(3.0, 0.7, 200)
_TREATED = _RNG.random(200) < 0.5
_POST = 0.8 + 0.7 * _PRE + 0.35 * _TREATED + _RNG.normal(0.0, 0.4, 200)
ESTIMATE = ancova(_POST, _PRE, _TREATED)
RETURN = roi(Benefit.from_estimate("engagement", ESTIMATE, value=1_000.0, count=40),
             Cost("fees", 20_000.0), rng=1, currency="EUR")  # fmt: skip


@pytest.fixture(scope="module")
def tracker() -> Tracker:
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"department": DEPARTMENTS})
    tracker.update(EVENTS)
    return tracker


def test_impact_and_roi_are_typed_records(tracker):
    """An Estimate and an ROIResult become the dashboard's records, written as before."""
    snap = tracker.snapshot(as_of=END, impact=ESTIMATE, roi=RETURN)
    assert isinstance(snap.impact, Impact)
    assert isinstance(snap.roi, Roi)
    assert snap.impact.ci == ESTIMATE.ci
    assert snap.roi.roi_percent == RETURN.roi
    assert snap.roi.ci == RETURN.roi_ci
    data = snap.to_dict()
    assert data["impact"] == {
        "method": ESTIMATE.method, "estimate": ESTIMATE.estimate,
        "ci": [ESTIMATE.ci.low, ESTIMATE.ci.high], "level": 0.95, "n": ESTIMATE.n,
        "pvalue": ESTIMATE.pvalue,
    }  # fmt: skip
    assumptions = data["roi"].pop("assumptions")
    assert data["roi"] == {"roi_percent": RETURN.roi, "bcr": RETURN.bcr,
                           "ci": list(RETURN.roi_ci), "level": 0.95, "currency": "EUR"}  # fmt: skip
    # the ROI's assumptions travel with it: the value of a unit, the credited shares, each cost
    assert any("valued at EUR 1,000 a year" in a and "for 40 people" in a for a in assumptions)
    assert "Cost, fees: EUR 20,000." in assumptions


def test_mappings_are_read_into_the_same_records(tracker):
    """The mappings accepted before still are, read into the records the typed results give."""
    typed = tracker.snapshot(as_of=END, impact=ESTIMATE, roi=RETURN)
    given = tracker.snapshot(as_of=END, impact=typed.to_dict()["impact"],
                             roi=typed.to_dict()["roi"])  # fmt: skip
    assert given.impact == typed.impact
    assert given.roi == typed.roi
    assert given.to_dict() == typed.to_dict()


@pytest.mark.parametrize(
    ("impact", "roi_given", "location", "fragment"),
    [
        ({"method": "x", "estimate": 1.0, "ci": [2.0, 1.0], "level": 0.95, "n": 5,
          "pvalue": None}, None, "impact.ci", "low 2.0 is above high 1.0"),
        ({"method": "x"}, None, "impact.estimate", "is required but missing"),
        (None, {"roi_percent": 5.0, "bcr": 1.05, "ci": None, "level": 0.95, "currency": 3},
         "roi.currency", "expected a string"),
        ("big", None, "impact", "expected an Estimate or a mapping"),
        (None, 12.0, "roi", "expected an ROIResult or a mapping"),
    ],
)  # fmt: skip
def test_bad_impact_or_roi_is_refused_at_the_snapshot(tracker, impact, roi_given, location,
                                                       fragment):  # fmt: skip
    """A mapping that does not fit the contract is refused with the reader's message and path."""
    with pytest.raises(SchemaError) as info:
        tracker.snapshot(as_of=END, impact=impact, roi=roi_given)
    assert any(
        ".".join(map(str, p.path)) == location and fragment in p.message
        for p in info.value.problems
    ), info.value


def test_a_dashboard_and_its_document_read_the_same(tracker):
    """Reading a dashboard's document gives the dashboard's records; both render the same page."""
    snap = tracker.snapshot(as_of=END, impact=ESTIMATE, roi=RETURN)
    read = read_dashboard(snap.to_dict())
    assert read.to_dict() == snap.to_dict()
    assert read.totals == snap.totals
    assert read.groups == snap.groups
    assert render_html(snap) == render_html(snap.to_dict())


def test_records_read_like_the_json_objects(tracker):
    """Each record reads by its JSON key, as the dashboard's dicts did."""
    snap = tracker.snapshot(as_of=END - dt.timedelta(days=60), release=False)
    assert snap.totals["participants"] == snap.totals.participants
    assert set(snap.totals) == set(snap.to_dict()["totals"])
    row = snap.groups["department"][0]
    assert row["progress"] is row.progress
    assert isinstance(snap.engagement.series[0].date, dt.date)
    assert snap.impact is None


# -- inconsistent or non-finite figures (issue 12) ----------------------------------------------


def _snapshot_dict() -> dict:
    from tests.metrics.tracking._dashboard_fixture import dashboard_snapshot

    return dashboard_snapshot()


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda s: s["funnel"][0].update(due=3, completed=4), r"funnel\[0\].completed: 4 is more"),
        (lambda s: s["totals"].update(active=10**6), "totals.active: 1e.06 is more"),
        (lambda s: s["engagement"]["series"][0].update(active=999), r"series\[0\].active"),
        (lambda s: s["groups"]["department"][0].update(active=10**6), r"department\[0\].active"),
        (
            lambda s: s["groups"]["department"][0]["progress"].update(ci=[50, 60]),
            r"progress.ci: .*does not hold",
        ),
        (lambda s: s["totals"].update(mean_rating=11.0), "totals.mean_rating"),
        (
            lambda s: s["suppressed"].append(
                {"grouping": "g", "group": "x", "reason": "r", "figure": "salary"}
            ),
            "figure",
        ),
        (lambda s: s["impact"].update(level=1.0), "impact.level"),
        (lambda s: s["roi"].update(ci=[5.0, float("inf")]), r"roi.ci\[1\]"),
    ],
    ids=[
        "completed",
        "totals-active",
        "point-active",
        "group-active",
        "ci",
        "rating",
        "figure",
        "level",
        "roi-ci",
    ],
)
def test_reader_refuses_inconsistent_figures_with_their_path(change, where):
    """completed > due, active > enrolled, a rating past 10, a CI without its estimate..."""
    snapshot = _snapshot_dict()
    change(snapshot)
    with pytest.raises(SchemaError, match=where):
        render_html(snapshot)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Roi(roi_percent=float("nan"), bcr=None, ci=None, level=None, currency="EUR"),
        lambda: Roi(roi_percent=1.0, bcr=float("inf"), ci=None, level=None, currency="EUR"),
        lambda: Impact(method="m", estimate=np.nan, ci=None, level=0.95, n=3, pvalue=None),
        lambda: Impact(method="m", estimate=1.0, ci=None, level=0.95, n=-3, pvalue=None),
        lambda: Impact(method=3, estimate=1.0, ci=None, level=0.95, n=3, pvalue=2.0),
    ],
    ids=["roi-nan", "bcr-inf", "estimate-nan", "n-negative", "method-and-pvalue"],
)
def test_typed_records_refuse_non_finite_figures(make):
    """A record made in Python checks itself: NaN, infinity or a negative n never get in."""
    with pytest.raises(SchemaError):
        make()


def test_snapshot_roi_with_nan_is_refused(tracker):
    """snapshot(roi={"roi_percent": nan, ...}) names roi.roi_percent; NaN never reaches a page."""
    document = {"roi_percent": float("nan"), "bcr": 1.2, "ci": None, "level": 0.95,
                "currency": "EUR"}  # fmt: skip
    with pytest.raises(SchemaError, match=r"roi\.roi_percent"):
        tracker.snapshot(as_of=END, roi=document)
    with pytest.raises(SchemaError, match=r"roi\.roi_percent"):
        tracker.snapshot(as_of=END, roi={"roi_percent": float("nan")})


def test_dashboard_built_by_hand_is_checked(tracker):
    """A Dashboard made directly with parts of the wrong kind is refused naming them."""
    from sparkus.metrics import Dashboard

    good = tracker.snapshot(as_of=END)
    with pytest.raises(SchemaError, match="totals"):
        Dashboard(program="p", as_of=good.as_of, min_group_size=5, totals={"nps": 1},
                  engagement=good.engagement, funnel=(), groups={}, suppressed=())  # fmt: skip
    with pytest.raises(SchemaError, match="as_of"):
        Dashboard(program="p", as_of="yesterday", min_group_size=5, totals=good.totals,
                  engagement=good.engagement, funnel=(), groups={}, suppressed=())  # fmt: skip


@given(st.lists(st.integers(0, len(EVENTS) - 1), max_size=400), st.integers(-30, 400),
       st.sampled_from([2, 5, 31]))  # fmt: skip
@settings(max_examples=30)
def test_dashboards_from_finite_events_never_hold_nan(rows, day, minimum):
    """Any subset of finite events, any as_of, any minimum group size: a strict-JSON snapshot."""

    program = attrs.evolve(PROGRAM, min_group_size=minimum)
    tracker = Tracker(program, SCHEDULE, groups={"department": DEPARTMENTS})
    tracker.update(EVENTS.take(np.asarray(rows, dtype=np.int64)))
    as_of = dt.datetime(2027, 1, 4, tzinfo=dt.UTC) + dt.timedelta(days=day)
    snap = tracker.snapshot(as_of=as_of, impact=ESTIMATE, roi=RETURN)
    json.dumps(snap.to_dict(), allow_nan=False)
    assert "NaN" not in render_html(snap)

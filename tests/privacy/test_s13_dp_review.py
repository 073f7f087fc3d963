"""The private release mode, reviewed: ledger labels its saved arrays keep, the seeded
release's warning pointing at the caller's line whichever door it came through, and releases
made in several threads at once."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest

from sparkus import SchemaError, SparkusWarning
from sparkus.datasets import synthetic_org
from sparkus.metrics import Tracker
from sparkus.model import schedule_journeys
from sparkus.privacy import DifferentialPrivacy, ExactCount, PrivacyLedger, release_private

NUL_LABELS = ["2027-03-01\x00", "\x00", "a\x00b"]


@pytest.mark.parametrize("label", NUL_LABELS)
@pytest.mark.parametrize(
    "door",
    [
        lambda label: PrivacyLedger(1.0).charge(0.5, label),
        lambda label: PrivacyLedger(1.0, (0.5,), (label,)),
        lambda label: PrivacyLedger.from_dict(
            {"total_epsilon": 1.0, "releases": [{"label": label, "epsilon": 0.5}]}
        ),
        lambda label: release_private(
            {"total/participants": {"all": ExactCount(3)}},
            DifferentialPrivacy(0.5, 1.0),
            label=label,
        ),
    ],
    ids=["charge", "constructor", "from_dict", "release_private"],
)
def test_a_label_with_a_nul_is_refused_at_label(door: Callable[[str], object], label: str) -> None:
    """A label holding NUL (numpy text, as to_arrays saves it, drops a trailing one) is refused."""
    with pytest.raises(SchemaError, match="NUL") as caught:
        door(label)
    (problem,) = caught.value.problems
    assert any(key in ("label", "labels") for key in problem.path)


def test_every_label_the_ledger_accepts_comes_back_from_its_saved_arrays() -> None:
    """Whatever its labels hold, a ledger comes back equal through to_arrays and an .npz file."""
    ledger = PrivacyLedger(10.0)
    for label in ["2027-03-01", "a\x01", "b\x7f", "c\u200b", "d\ufeff", "e\x1b[0m", *NUL_LABELS]:
        try:
            ledger = ledger.charge(0.5, label)
        except SchemaError:
            assert "\x00" in label
    assert len(ledger.labels) == 6
    buffer = io.BytesIO()
    np.savez(buffer, **ledger.to_arrays())  # type: ignore[arg-type]  # numpy's stubs: **arrays
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as saved:
        assert PrivacyLedger.from_arrays(dict(saved)) == ledger


def _pilot() -> Tracker:
    org = synthetic_org(20, seed=1)
    start = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
    schedule = schedule_journeys(
        org.program.journey, org.population["id"], ["coaching"] * 20, start=start
    )
    return Tracker(org.program, schedule)


def test_the_seeded_warning_points_at_the_callers_line() -> None:
    """The 'not private' warning of a seeded release names the caller's file, from either door."""
    options = DifferentialPrivacy(1.0, 5.0)
    doors: list[Callable[[], object]] = [
        lambda: release_private({"t": {"all": ExactCount(3)}}, options, rng=1),
        lambda: _pilot().private_snapshot(
            options, as_of=dt.datetime(2027, 3, 1, tzinfo=dt.UTC), rng=1
        ),
    ]
    for door in doors:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            door()
        seeded = [w for w in caught if issubclass(w.category, SparkusWarning)]
        assert len(seeded) == 1
        assert "seeded" in str(seeded[0].message)
        assert seeded[0].filename == __file__


def test_releases_in_several_threads_at_once_all_succeed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Releases overlapping in threads (building slowed) all succeed; OpenDP's switch ends as
    it began (one release switched ``contrib`` off under another: a bare OpenDPException)."""
    measurements = pytest.importorskip("opendp.measurements")
    mod = pytest.importorskip("opendp.mod")
    before = set(mod.GLOBAL_FEATURES)
    original = measurements.make_laplace

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.02)
        return original(*args, **kwargs)

    monkeypatch.setattr(measurements, "make_laplace", slow)
    options = DifferentialPrivacy(1.0, 1e6)
    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def release(k: int) -> None:
        start.wait()
        for i in range(3):
            cells: dict[str, Mapping[str | int, ExactCount]] = {
                f"p{j}": {"a": ExactCount(5, per_person=1 + 10 * k + 3 * i + j)} for j in range(2)
            }
            try:
                release_private(cells, options)
            except Exception as error:  # noqa: BLE001 - any failure at all is the finding
                failures.append(error)

    threads = [threading.Thread(target=release, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert set(mod.GLOBAL_FEATURES) == before


def test_a_private_release_needs_its_moment_given() -> None:
    """Without `as_of`, the release's label was the latest event's moment to the second: one
    person's activity, published without noise (remove that person and the label changes)."""
    tracker = _pilot()
    with pytest.raises(SchemaError, match="required for a private release") as caught:
        tracker.private_snapshot(DifferentialPrivacy(1.0, 5.0))
    assert [p.path for p in caught.value.problems] == [("as_of",)]
    with pytest.raises(SchemaError) as both:  # reported with the other arguments' problems
        tracker.private_snapshot(DifferentialPrivacy(1.0, 5.0), rng="seed")  # type: ignore[arg-type]
    assert [p.path[0] for p in both.value.problems] == ["as_of", "rng"]

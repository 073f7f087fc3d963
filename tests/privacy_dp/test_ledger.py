"""The privacy-loss ledger: sequential composition, refusal past the budget, saving and loading."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import InfeasibleError
from sparkus.privacy import DifferentialPrivacy, ExactCount, PrivacyLedger, release_private

CELLS = {"totals/participants": {"all": ExactCount(120)}}


def test_budget_exhausted_refuses_the_next_release_and_says_what_remains() -> None:
    """Three releases of 1 fit a budget of 3.5; the fourth is refused, naming the 0.5 left."""
    options = DifferentialPrivacy(1.0, 3.5)
    ledger = None
    for _ in range(3):
        ledger = release_private(CELLS, options, ledger=ledger).ledger
    assert ledger is not None
    assert ledger.spent == 3.0
    assert ledger.labels == ("release 1", "release 2", "release 3")
    with pytest.raises(InfeasibleError, match=r"only 0\.5 of the total budget 3\.5 remains"):
        release_private(CELLS, options, ledger=ledger, label="release 4")
    assert ledger.n_releases == 3  # refused before anything was drawn or charged


def test_ten_releases_of_a_tenth_fit_a_budget_of_one() -> None:
    """Float rounding of 0.1 does not refuse the tenth release; the eleventh is refused."""
    ledger = PrivacyLedger(1.0)
    for i in range(10):
        ledger = ledger.charge(0.1, f"r{i}")
    assert ledger.remaining == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(InfeasibleError):
        ledger.charge(0.1, "r10")
    three = PrivacyLedger(0.3).charge(0.1, "a").charge(0.1, "b").charge(0.1, "c")
    assert three.n_releases == 3


def test_releases_allowed_matches_the_ledger() -> None:
    """The options' count of allowed releases is what the ledger accepts."""
    options = DifferentialPrivacy(0.3, 1.0)
    ledger = PrivacyLedger(options.total_epsilon)
    accepted = 0
    while ledger.can_spend(options.epsilon_per_release):
        ledger = ledger.charge(options.epsilon_per_release, f"r{accepted}")
        accepted += 1
    assert accepted == options.releases_allowed == 3


@given(
    total=st.floats(1e-3, 1e3),
    spends=st.lists(st.floats(1e-6, 100.0), min_size=0, max_size=30),
)
def test_the_ledger_never_spends_past_its_total(total: float, spends: list[float]) -> None:
    """Whatever the sequence of charges, the spent epsilon stays within the total budget."""
    ledger = PrivacyLedger(total)
    for i, eps in enumerate(spends):
        if ledger.can_spend(eps):
            ledger = ledger.charge(eps, f"r{i}")
        else:
            with pytest.raises(InfeasibleError, match="remains"):
                ledger.charge(eps, f"r{i}")
    assert ledger.spent <= total * (1 + 1e-9)
    assert ledger.remaining >= 0.0


def _ledger() -> PrivacyLedger:
    return PrivacyLedger(2.0).charge(0.5, "2027-03-01").charge(0.25, "2027-03-08 (Ω)")


def test_json_round_trip() -> None:
    """to_dict, through JSON text, then from_dict gives the same ledger."""
    ledger = _ledger()
    text = json.dumps(ledger.to_dict())
    assert PrivacyLedger.from_dict(json.loads(text)) == ledger


def test_arrays_round_trip_through_an_npz_file_without_pickle() -> None:
    """to_arrays, saved with numpy and read back without pickle, then from_arrays."""
    ledger = _ledger()
    buffer = io.BytesIO()
    np.savez(buffer, **ledger.to_arrays())
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as stored:
        read = PrivacyLedger.from_arrays({k: stored[k] for k in stored.files})
    assert read == ledger
    assert PrivacyLedger.from_arrays(PrivacyLedger(1.0).to_arrays()) == PrivacyLedger(1.0)


def test_the_release_shows_the_budget() -> None:
    """The result shows this release's epsilon, the spent total and what remains."""
    options = DifferentialPrivacy(0.5, 2.0)
    first = release_private(CELLS, options, label="2027-03-01")
    second = release_private(CELLS, options, ledger=first.ledger, label="2027-03-08")
    assert (second.epsilon, second.spent, second.remaining) == (0.5, 1.0, 1.0)
    assert second.ledger.labels == ("2027-03-01", "2027-03-08")
    text = second.summary()
    assert "remaining" in text
    assert "2027-03-08" in text
    assert repr(second) == "PrivateRelease(cells=1, epsilon=0.5, spent=1 of 2)"
    data = second.to_dict()
    assert data["ledger"] == second.ledger.to_dict()
    json.dumps(data)  # JSON-ready
    assert "<table>" in second._repr_html_()

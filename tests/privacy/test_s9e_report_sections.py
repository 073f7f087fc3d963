"""The report's set-up sections give back no withheld count, and say what an audit exposed."""

from __future__ import annotations

import itertools
import re
import warnings

import numpy as np
import pytest

from sparkus import SchemaError, SparkusWarning
from sparkus.metrics import render_html
from sparkus.triage import audit
from tests.metrics.tracking._dashboard_fixture import dashboard_snapshot


def _section(page: str, name: str) -> str:
    found = re.search(rf'<section id="{name}".*?</section>', page, re.DOTALL)
    assert found is not None, f"no section {name!r}"
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " | ", found.group(0)))
    return re.sub(r"\s*(\|\s*)+", " | ", cells)


class _Triage:
    """One resistant person, one emerging, 100 ready and 50 highly ready."""

    method, n, session_saving = "rubric", 152, 0.5
    counts = {"resistant": 1, "emerging": 1, "ready": 100, "highly_ready": 50}  # noqa: RUF012
    review = np.zeros(152, dtype=bool)


def _consistent(shown: dict[str, int | None], total: int) -> list[dict[str, int]]:
    """Every assignment of the withheld counts (each 1 to the total) the page leaves possible."""
    hidden = [k for k, v in shown.items() if v is None]
    rest = total - sum(v for v in shown.values() if v is not None)
    return [dict(zip(hidden, c, strict=True))
            for c in itertools.product(range(1, rest + 1), repeat=len(hidden))
            if sum(c) == rest]  # fmt: skip


def test_two_withheld_levels_of_one_person_are_not_both_known_to_be_one():
    """Levels of 1 and 1 beside a total of 152: a third count is withheld, so neither is pinned."""
    words = _section(render_html(dashboard_snapshot(), triage=_Triage()), "triage")
    shown: dict[str, int | None] = {}
    for name, label in (("resistant", "resistant"), ("emerging", "emerging"),
                        ("ready", "ready"), ("highly_ready", "highly ready")):  # fmt: skip
        found = re.search(rf"\| {label} \| ([\d,]+|suppressed) \|", words)
        assert found is not None
        shown[name] = (
            None if found.group(1) == "suppressed" else int(found.group(1).replace(",", ""))
        )
    assert shown["resistant"] is None
    assert shown["emerging"] is None
    options = _consistent(shown, 152)
    for name in ("resistant", "emerging"):
        values = {o[name] for o in options}
        assert max(values) - min(values) >= 2.5, f"{name} is narrowed to {sorted(values)}"


class _Assignment:
    """100 mentees, 98 placed, one not placed for each of two reasons."""

    n, n_assigned = 100, 98
    unassigned = {"p1": "no mentor speaks their language", "p2": "no capacity"}  # noqa: RUF012
    capacity = np.array([60, 60])
    mean_compatibility = 0.7


def test_two_reasons_of_one_person_each_are_not_both_known():
    """Two reasons of one person each beside 100 participants: placed is withheld too."""
    words = _section(render_html(dashboard_snapshot(), matching={"mentoring": _Assignment()}),
                     "matching")  # fmt: skip
    assert "no capacity: suppressed" in words
    assert "no mentor speaks their language: suppressed" in words
    assert "| 98 |" not in words


def _audit_of_three():
    """A (3 people, all selected), B 10 of 20, C 8 of 20."""
    groups = np.array(["A"] * 3 + ["B"] * 20 + ["C"] * 20)
    selected = np.r_[np.ones(3, dtype=bool), np.arange(20) < 10, np.arange(20) < 8]
    return selected, groups


def test_an_audit_with_a_smaller_minimum_is_refused():
    """Audited with minimum 3, A is B's reference: B's 50% over 0.50 would give A's 3 of 3."""
    selected, groups = _audit_of_three()
    small = audit(selected, groups, min_group_size=3)
    assert small.reference_group == "A"
    with pytest.raises(SchemaError, match=r"audit\.dept: was run with min_group_size=3"):
        render_html(dashboard_snapshot(), audit={"dept": small})
    page = render_html(dashboard_snapshot(), audit={"dept": audit(selected, groups)})
    words = _section(page, "fairness")
    assert "| B | 20 | 50.0% | 1.00 |" in words  # B is now the highest rate shown
    assert "| C | 20 | 40.0% | 0.80 |" in words


def test_what_an_audit_exposed_is_said_on_the_page():
    """An audit's `exposed` (a total selected known elsewhere) is not hidden by the page."""
    selected, groups = _audit_of_three()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)
        found = audit(selected, groups, total_known=True)
    assert "A" in found.exposed
    words = _section(render_html(dashboard_snapshot(), audit={"dept": found}), "fairness")
    assert "Not protected, as the audit found: A: selected count narrowed" in words


class _DosedTriage:
    """Two highly ready people (4 sessions each), 100 ready (6), 30 emerging, 20 resistant (0)."""

    method, n = "rubric", 152
    counts = {"resistant": 20, "emerging": 30, "ready": 100, "highly_ready": 2}  # noqa: RUF012
    session_saving = 1 - (6 * 100 + 4 * 2) / (6 * 152)
    review = np.zeros(152, dtype=bool)


def test_the_session_saving_does_not_give_a_withheld_level_back():
    """The saving is 1 - (6 ready + 4 highly ready) / 6n: with the highly ready withheld, the
    percentage would pin them, so it is withheld with them."""
    words = _section(render_html(dashboard_snapshot(), triage=_DosedTriage()), "triage")
    assert "| highly ready | suppressed |" in words
    found = re.search(r"save ([\d.]+)%", words)
    # what the attacker solves: the highly ready counts (1 to 22) whose saving prints as shown
    fits = [k for k in range(1, 23)
            if found is None or f"{100 * (1 - (600 + 4 * k) / 912):.1f}" == found.group(1)]  # fmt: skip
    assert len(fits) > 1, f"the saving pins the highly ready at {fits}"
    assert "dosing by readiness saves are withheld" in words

"""The audit's Fisher exact p-values, against the hypergeometric closed form in exact arithmetic.

A four-fifths flag on a small group can rest on small numbers: the Uniform Guidelines weigh a
ratio by whether the difference is statistically significant (29 CFR 1607.4(D)), and the audit
reported no test. Each published group's p-value is now the two-sided Fisher exact test of its
2x2 table against the reference group's. The reference below sums, in Fractions, the
hypergeometric probabilities of every table with the same margins that is no more likely than
the one observed (R's ``fisher.test`` rule, with its relative tolerance of 1e-7).
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np
import pytest

from sparkus.triage import audit


def _fisher_two_sided(a: int, n1: int, c: int, n2: int) -> float:
    """P of the tables with margins (n1, n2; a + c selected) no likelier than the observed."""
    k, total = a + c, n1 + n2

    def p(x: int) -> Fraction:
        return Fraction(comb(n1, x) * comb(n2, k - x), comb(total, k))

    observed = p(a)
    support = range(max(0, k - n2), min(k, n1) + 1)
    return float(sum(p(x) for x in support if p(x) <= observed * (1 + Fraction(1, 10**7))))


@pytest.mark.parametrize(
    ("group", "reference"),
    [((1, 5), (50, 100)), ((0, 5), (3, 7)), ((12, 40), (48, 80)), ((7, 9), (9, 9)),
     ((2, 6), (5, 6))],
    ids=["five-flagged", "none-selected", "larger", "all-reference", "equal-sizes"],
)  # fmt: skip
def test_each_group_has_the_fisher_exact_p_value_against_the_reference(group, reference):
    (hits, n), (ref_hits, ref_n) = group, reference
    selected = np.r_[np.arange(ref_n) < ref_hits, np.arange(n) < hits]
    result = audit(selected, ["R"] * ref_n + ["G"] * n)
    assert result.reference_group == "R"
    assert result.p_values["R"] is None
    assert result.p_values["G"] == pytest.approx(_fisher_two_sided(hits, n, ref_hits, ref_n),
                                                 rel=1e-12)  # fmt: skip
    assert result.to_frame(backend="pandas")["p_value"].to_dict()["G"] == result.p_values["G"]


def test_no_p_value_where_the_ratios_are_undefined():
    with pytest.warns(UserWarning, match="nobody was selected"):
        result = audit(np.zeros(10, dtype=bool), ["A"] * 5 + ["B"] * 5)
    assert result.p_values == {"A": None, "B": None}


def test_a_hidden_group_has_no_p_value():
    selected = np.r_[np.arange(20) < 10, np.arange(20) < 4, np.arange(3) < 1]
    result = audit(selected, ["A"] * 20 + ["B"] * 20 + ["C"] * 3)
    assert set(result.p_values) == {"A", "B"}
    assert "C" in result.suppressed

"""Tests of the multiple-testing adjustments.

Provenance: statsmodels 0.15.0 ``statsmodels.stats.multitest.multipletests(p, method=...)[1]``
(numpy 2.4.6, Python 3.11) on the p-values written next to each value. Published: the 15
p-values of Benjamini & Hochberg (1995, section 4), where the FDR procedure at q = 0.05 rejects
four hypotheses and the Bonferroni-type procedures three.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from sparkus import EstimationError, SchemaError
from sparkus.metrics import adjust_pvalues

BH_1995 = np.array([0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
                    0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000])  # fmt: skip
UNSORTED = np.array([0.04, 0.001, 0.3, 0.02, 0.5, 0.02])
# multipletests(UNSORTED, method="fdr_bh")[1] and method="holm"
SM_FDR_BH = [0.060000000000000005, 0.006, 0.36, 0.04, 0.5, 0.04]
SM_HOLM = [0.12, 0.006, 0.6, 0.1, 0.6, 0.1]

pvalues = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40).map(np.array)


def test_benjamini_hochberg_published_example():
    """At q = 0.05, BH rejects 4 of the 15 hypotheses of the 1995 paper and Holm rejects 3."""
    assert int((adjust_pvalues(BH_1995) <= 0.05).sum()) == 4
    assert int((adjust_pvalues(BH_1995, method="holm") <= 0.05).sum()) == 3


def test_adjustments_match_statsmodels_in_input_order():
    """Unsorted p-values with ties come back adjusted, in their own order, as statsmodels'."""
    assert_allclose(adjust_pvalues(UNSORTED), SM_FDR_BH, rtol=1e-15)
    assert_allclose(adjust_pvalues(UNSORTED, method="holm"), SM_HOLM, rtol=1e-15)


@pytest.mark.parametrize("method", ["fdr_bh", "holm", "bonferroni"])
def test_live_adjustments_match_statsmodels(method):
    """On fresh p-values, every method equals statsmodels' multipletests."""
    from statsmodels.stats.multitest import multipletests

    p = np.random.default_rng(51).uniform(0.0, 0.3, 200) ** 2
    assert_allclose(adjust_pvalues(p, method=method), multipletests(p, method=method)[1],
                    rtol=1e-14)  # fmt: skip


@given(pvalues, st.sampled_from(["fdr_bh", "holm", "bonferroni"]), st.randoms())
def test_adjusted_pvalues_are_ordered_bounded_and_equivariant(p, method, random):
    """Adjusted values lie in [p, 1], keep the order of p, and follow a permutation of p."""
    adjusted = adjust_pvalues(p, method=method)
    assert np.all(adjusted >= p)
    assert np.all(adjusted <= 1.0)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(adjusted[order]) >= 0)
    perm = list(range(len(p)))
    random.shuffle(perm)
    assert_allclose(adjust_pvalues(p[perm], method=method), adjusted[perm], rtol=1e-15)


def test_bad_pvalues_are_refused():
    """Missing or out-of-range p-values name the rows; an unknown method lists the choices."""
    with pytest.raises(EstimationError, match=r"`p` is missing .* row 1"):
        adjust_pvalues([0.1, np.nan])
    with pytest.raises(EstimationError, match="outside"):
        adjust_pvalues([0.1, 1.2])
    with pytest.raises(SchemaError, match="'fdr_bh', 'holm', 'bonferroni'"):
        adjust_pvalues([0.1], method="BH")  # type: ignore[arg-type]
    assert adjust_pvalues([]).shape == (0,)

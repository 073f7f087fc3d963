"""Regressions on saturated designs: no residual variance to estimate a standard error from.

A row alone in its cell (or singled out by a regressor) has leverage 1: the model fits it
exactly whatever its value, so its residual is 0 and a robust (HC0, HC1, CR1) covariance sees no
noise from it. A coefficient that only such rows determine has a robust variance of 0 up to
rounding; ``ols``, ``ancova`` and ``did`` refuse it with an EstimationError that says so (never
numpy's "invalid value in sqrt", nor an error blaming the float range, nor a standard error of
1e-16), and the classical covariance, which pools the other rows' residuals, still works.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import EstimationError, SparkusWarning
from sparkus.metrics import ancova, did, ols

pytestmark = pytest.mark.filterwarnings("ignore:only .* clusters:sparkus.SparkusWarning")

ROBUST = ("HC0", "HC1", "CR1")


def _clusters(cov, n):
    return {"clusters": np.arange(n) // 2} if cov == "CR1" else {}


@pytest.mark.parametrize("cov", [*ROBUST, "HC2", "HC3"])
def test_did_with_cells_of_one_row_says_so(cov):
    """The 5-row 2x2 design with three one-row cells: refused naming the cells, not the range."""
    y, treated, post = [1.0, 2.0, 3.0, 4.0, 5.0], [0, 0, 1, 1, 1], [0, 1, 0, 1, 1]
    pattern = (
        r"single row in: control before, control after, treated before.*residual is 0.*"
        r"at least two rows"
    )
    with pytest.raises(EstimationError, match=pattern):
        did(y, treated, post, cov=cov, **_clusters(cov, 5))


def test_did_with_one_single_row_cell_is_refused_too():
    """One cell of one row is enough: the robust SE would count none of that cell's noise."""
    y = [1.0, 1.5, 2.0, 2.5, 3.0, 3.2, 5.0]
    treated, post = [0, 0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 0, 0, 1]
    with pytest.raises(EstimationError, match=r"single row in: treated after;"):
        did(y, treated, post)


def test_did_with_one_row_cells_and_the_classical_covariance():
    """cov='nonrobust' pools the residual variance of the other cells: a standard error."""
    estimate = did([1.0, 2.0, 3.0, 4.0, 5.0], [0, 0, 1, 1, 1], [0, 1, 0, 1, 1], cov="nonrobust")
    # τ = (4.5 - 3) - (2 - 1) = 0.5; s² = 0.5 / 1; var = s² (1 + 1 + 1 + 1/2)
    assert estimate.estimate == pytest.approx(0.5, rel=1e-12)
    assert estimate.se == pytest.approx(np.sqrt(0.5 * 3.5), rel=1e-12)


@pytest.mark.parametrize("cov", ROBUST)
def test_ols_coefficient_resting_on_one_row_is_refused_naming_it(cov):
    """A dummy for row 0 alone (no intercept): its robust SE would be 0; refused, naming it."""
    X = {"d1": [1.0, 0, 0, 0, 0, 0], "d2": [0.0, 1, 1, 1, 1, 1]}
    y = [1.0, 2.0, 4.0, 3.0, 9.0, 5.0]
    pattern = rf"{cov} standard error of `d1` is undefined: it rests only on row 0.*leverage 1"
    with pytest.raises(EstimationError, match=pattern):
        ols(y, X, intercept=False, cov=cov, **_clusters(cov, 6))
    fit = ols(y, X, intercept=False, cov="nonrobust")
    assert np.all(np.isfinite(fit.se))
    assert np.all(fit.se > 0)


def test_ancova_effect_resting_on_exactly_fitted_rows_is_refused():
    """One treated person whose baseline only one control shares: τ = y₃ - y₁ exactly, so its
    HC1 standard error is 0 up to rounding (it was reported as 5e-16); refused, naming rows."""
    with pytest.raises(EstimationError, match=r"`treated` is undefined: it rests only on rows 1"):
        ancova([1.0, 2.0, 4.0, 5.0], [0.0, 1.0, 0.0, 1.0], [0, 0, 0, 1])


@pytest.mark.parametrize("fit", ["ols", "ancova"])
def test_as_many_rows_as_coefficients_is_refused(fit):
    """n == k leaves no residual degree of freedom: refused before any arithmetic."""

    def attempt():
        if fit == "ols":
            return ols([1.0, 2.0, 4.0], {"a": [0.0, 1.0, 2.0], "b": [0.0, 1.0, 4.0]})
        return ancova([1.0, 2.0, 3.0], [0.0, 1.0, 3.0], [0, 1, 1])

    with pytest.raises(EstimationError, match="3 rows cannot fit 3 coefficients"):
        attempt()


@pytest.mark.parametrize("cov", ["nonrobust", *ROBUST])
def test_one_more_row_than_coefficients_fitted_exactly_is_refused(cov):
    """n == k + 1 with every residual 0: refused as an exact fit, whatever the covariance."""
    with pytest.raises(EstimationError, match=r"fit `y` exactly.*more rows are needed"):
        ancova([1.0, 2.0, 4.0, 5.0], [0.0, 1.0, 0.0, 1.0], [0, 0, 1, 1], cov=cov,
               **_clusters(cov, 4))  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 3), min_size=4, max_size=4),
    cov=st.sampled_from(["nonrobust", "HC0", "HC1", "HC3"]),
    seed=st.integers(0, 2**16),
)
def test_did_on_small_cells_gives_a_positive_se_or_says_why(sizes, cov, seed):
    """Any 2x2 design with 1 to 3 rows a cell: a finite, positive SE or an EstimationError
    (never a numpy warning, a NaN or a zero SE); robust kinds refuse every one-row cell."""
    rng = np.random.default_rng(seed)
    cells = np.repeat(np.arange(4), sizes)
    treated, post = cells // 2, cells % 2
    y = rng.normal(size=len(cells)) + cells
    try:
        estimate = did(y, treated, post, cov=cov)
    except EstimationError as error:
        text = str(error)
        if cov != "nonrobust" and 1 in sizes:
            assert "single row in" in text
        else:
            assert "rows cannot fit" in text or "no residual variance" in text
        return
    assert not (cov != "nonrobust" and 1 in sizes)
    assert np.isfinite(estimate.se)
    assert estimate.se > 0


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(4, 8),
    dummies=st.lists(st.integers(0, 7), min_size=1, max_size=3, unique=True),
    cov=st.sampled_from(ROBUST),
    seed=st.integers(0, 2**16),
    intercept=st.booleans(),
    slope=st.booleans(),
)
def test_ols_with_row_dummies_gives_positive_ses_or_says_why(
    n, dummies, cov, seed, intercept, slope
):
    """Regressors that single out rows: every SE finite and positive, or an EstimationError
    that names the reason (leverage 1, an exact fit, too few rows, a singular design)."""
    rng = np.random.default_rng(seed)
    X = {"x": rng.normal(size=n)} if slope else {}
    for row in dummies:
        X[f"d{row}"] = (np.arange(n) == row).astype(float)
    y = rng.normal(size=n)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SparkusWarning)
            fit = ols(y, X, cov=cov, intercept=intercept, **_clusters(cov, n))
    except EstimationError as error:
        text = str(error)
        assert "range of double precision" not in text  # the data are small: not the reason
        assert any(
            words in text
            for words in ("leverage 1", "exactly", "rows cannot fit", "singular", "variance")
        )
        return
    assert np.all(np.isfinite(fit.se))
    assert np.all(fit.se > 0)
    for warning in caught:  # a coefficient that singled-out rows determine in part: said so
        assert issubclass(warning.category, SparkusWarning)
        if "clusters" in str(warning.message):
            continue
        assert "too small" in str(warning.message)
        assert "leverage 1" in str(warning.message)


def test_one_treated_person_is_refused_under_a_robust_covariance():
    """One treated person among controls: the treatment coefficient is their outcome minus the
    controls' prediction for them, so their own noise is most of its variance, yet their
    residual is 0. HC1 gave SE 0.18 and p = 3e-7 with no effect at all (statsmodels 0.14 gives
    the same HC1 SE; in a null simulation it rejected 64% of the time at 5%): refused now,
    naming the share of the variance it leaves out."""
    rng = np.random.default_rng(0)
    n = 30
    pre = rng.normal(size=n)
    post = pre + rng.normal(size=n)
    treated = np.zeros(n)
    treated[0] = 1
    with pytest.raises(EstimationError, match=r"HC1 standard error of `treated` is too small: "
                       r"row 0 determines (\d+)% of its variance") as info:  # fmt: skip
        ancova(post, pre, treated)
    # Closed form of the share: the coefficient is y_0 - (a + b pre_0), a and b the controls'
    # fit; with equal variances its variance is σ²(1 + h), h the controls' prediction leverage
    # at pre_0, of which σ² is row 0's own.
    controls = pre[1:]
    h = 1 / (n - 1) + (pre[0] - controls.mean()) ** 2 / np.sum((controls - controls.mean()) ** 2)
    share = int(str(info.value).split("determines ")[1].split("%", maxsplit=1)[0])
    assert share == round(100 / (1 + h))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SparkusWarning)
        ancova(post, pre, treated, cov="nonrobust")  # pools the controls' residual variance
        treated[:10] = 1
        ancova(post, pre, treated)  # ten treated: no row is fitted exactly


def test_rows_fitted_exactly_behind_a_tenth_of_a_coefficient_are_warned_of():
    """Between a tenth and a half of a coefficient's variance left out: a SparkusWarning with
    the share, pointing at the caller's line. Row 0 is singled out by its own dummy, whose
    coefficient is y_0 minus the other rows' prediction at x_0: the farther out x_0, the more
    of its variance that prediction carries, and the smaller row 0's own share (44%, 27%,
    17%, then below a tenth: no warning), where a closer x_0 gives half or more: refused."""
    x = np.array([-0.6, 0.3, -0.2, 0.9, -1.1, 0.4, 0.2, -0.5, 0.8, 0.1])
    y = np.array([0.4, -0.2, 0.5, 0.1, -0.7, 0.9, -0.3, 0.2, 0.6, -0.1])
    dummy = (np.arange(10) == 0).astype(float)
    shares = []
    for far in (2.0, 3.0, 4.0, 6.0, 10.0):
        x[0] = far
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SparkusWarning)
            ols(y, {"x": x, "d0": dummy})
        for warning in caught:
            assert warning.filename == __file__
            text = str(warning.message)
            shares.append(int(text.split("determines ")[1].split("%", maxsplit=1)[0]))
    assert shares == [44, 27, 17]
    x[0] = 1.0  # nearer: row 0's own noise is half or more of the dummy's variance
    with pytest.raises(EstimationError, match=r"`d0` is too small: row 0 determines"):
        ols(y, {"x": x, "d0": dummy})

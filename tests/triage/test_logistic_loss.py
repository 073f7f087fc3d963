"""The blocked, feature-major logistic losses against a dense row-major reference.

The losses visit the rows in blocks of a feature-major copy of `X` (issue 16: the products with
that layout are several times faster). The reference below is the textbook formula on the whole
row-major matrix at once, written independently of the module: the mean weighted log-loss
(``logsumexp`` of the scores minus the own class's score, scipy's ``logsumexp``) plus
``0.5 * l2 * ||coef||**2``, in the solver's coordinates ``coef = V / scale`` and
``intercept = c - coef @ mean``; its gradient is checked by central finite differences and the
Hessian-vector product against the finite difference of the gradient.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import logsumexp

from sparkus.triage._logistic_loss import (
    BinomialLoss,
    MultinomialLoss,
    feature_major,
    loss_blocks,
)


def _problem(seed: int, n: int, p: int, k: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, size=p) + rng.normal(size=p)
    codes = rng.integers(0, k, size=n).astype(np.intp)
    w = rng.uniform(0.0, 2.0, size=n)
    w /= w.sum()
    return {
        "X": X,
        "codes": codes,
        "w": w,
        "mean": w @ X,
        "scale": X.std(axis=0) + 0.1,
        "theta": rng.normal(scale=0.3, size=k * p + k if k > 2 else p + 1),
    }


def _reference_multinomial(
    theta: np.ndarray, X: np.ndarray, codes: np.ndarray, w: np.ndarray, l2: float, mean, scale
) -> float:
    n, p = X.shape
    k = theta.size // (p + 1)
    coef = theta[: k * p].reshape(k, p) / scale
    intercept = theta[k * p :] - coef @ mean
    scores = X @ coef.T + intercept
    losses = logsumexp(scores, axis=1) - scores[np.arange(n), codes]
    return float(w @ losses + 0.5 * l2 * (coef * coef).sum())


def _reference_binomial(theta, X, target, w, l2, mean, scale) -> float:
    p = X.shape[1]
    coef = theta[:p] / scale
    z = X @ coef + theta[p] - coef @ mean
    return float(w @ (np.logaddexp(0.0, z) - target * z) + 0.5 * l2 * coef @ coef)


def _check_gradient(f, theta: np.ndarray, grad: np.ndarray, seed: int, h: float = 1e-6) -> None:
    """The gradient against central differences of `f` along a few random directions."""
    for d in np.random.default_rng(seed).normal(size=(3, theta.size)):
        numeric = (f(theta + h * d) - f(theta - h * d)) / (2 * h)
        assert grad @ d == pytest.approx(numeric, rel=1e-5, abs=1e-7)


SHAPES = st.tuples(
    st.integers(0, 2**32 - 1),  # seed
    st.integers(1, 2_500),  # rows: up to several blocks at the widths below
    st.sampled_from([1, 3, 40, 130]),  # features: 130 gives blocks of 512 rows
    st.integers(3, 5),  # classes
    st.sampled_from([0.0, 1e-3, 0.5]),  # l2
    st.booleans(),  # a Fortran-ordered X (the feature-major copy is then a view)
)


@given(SHAPES)
def test_multinomial_matches_the_dense_reference(
    shape: tuple[int, int, int, int, float, bool],
) -> None:
    seed, n, p, k, l2, fortran = shape
    pr = _problem(seed, n, p, k)
    X = np.asfortranarray(pr["X"]) if fortran else pr["X"]
    loss = MultinomialLoss(X, pr["codes"], k, pr["w"], l2, pr["mean"], pr["scale"], True)
    theta = pr["theta"]
    value, grad = loss(theta)

    def ref(t: np.ndarray) -> float:
        return _reference_multinomial(t, pr["X"], pr["codes"], pr["w"], l2, pr["mean"], pr["scale"])

    assert value == pytest.approx(ref(theta), rel=1e-12, abs=1e-12)
    _check_gradient(ref, theta, grad, seed)
    d = np.random.default_rng(seed + 1).normal(size=theta.size)
    h = 1e-6
    fd = (loss(theta + h * d)[1] - loss(theta - h * d)[1]) / (2 * h)
    np.testing.assert_allclose(loss.hessp_at(theta)(d), fd, rtol=1e-5, atol=1e-7)


@given(SHAPES)
def test_binomial_matches_the_dense_reference(
    shape: tuple[int, int, int, int, float, bool],
) -> None:
    seed, n, p, _, l2, fortran = shape
    pr = _problem(seed, n, p, 2)
    target = pr["codes"].astype(np.float64)
    X = np.asfortranarray(pr["X"]) if fortran else pr["X"]
    loss = BinomialLoss(X, target, pr["w"], l2, pr["mean"], pr["scale"], True)
    theta = pr["theta"]
    value, grad = loss(theta)

    def ref(t: np.ndarray) -> float:
        return _reference_binomial(t, pr["X"], target, pr["w"], l2, pr["mean"], pr["scale"])

    assert value == pytest.approx(ref(theta), rel=1e-12, abs=1e-12)
    _check_gradient(ref, theta, grad, seed)
    d = np.random.default_rng(seed + 1).normal(size=theta.size)
    h = 1e-6
    fd = (loss(theta + h * d)[1] - loss(theta - h * d)[1]) / (2 * h)
    np.testing.assert_allclose(loss.hessp_at(theta)(d), fd, rtol=1e-5, atol=1e-7)


def test_the_blocks_cover_every_row_once() -> None:
    for n, p in [(0, 20), (1, 20), (3277, 20), (100_000, 20), (5, 100_000)]:
        blocks = loss_blocks(n, p)
        covered = np.concatenate([np.arange(n)[b] for b in blocks]) if blocks else np.arange(0)
        np.testing.assert_array_equal(covered, np.arange(n))
        assert all(b.stop - b.start >= min(512, n) for b in blocks[:-1])


def test_a_fortran_x_is_not_copied() -> None:
    pr = _problem(0, 100, 5, 3)
    X = np.asfortranarray(pr["X"])
    loss = MultinomialLoss(X, pr["codes"], 3, pr["w"], 0.1, pr["mean"], pr["scale"], True)
    assert np.shares_memory(loss.XT, X)


@pytest.mark.parametrize("n", [0, 1, 1023, 1024, 1025, 3000])
def test_feature_major_is_the_transpose(n: int) -> None:
    X = np.random.default_rng(n).normal(size=(n, 7))
    for given_x in (X, np.asfortranarray(X), X[::-1], X[:, ::2]):
        XT = feature_major(given_x)
        assert XT.flags.c_contiguous
        np.testing.assert_array_equal(XT, given_x.T)


@pytest.mark.parametrize("n_classes", [2, 4])
def test_the_fit_is_the_same_for_either_memory_order(n_classes: int) -> None:
    # a Fortran-ordered X is read as it is, a C-ordered one through the blocked copy: the
    # solver sees the same numbers, so the coefficients agree to the last bit
    from sparkus.triage import LogisticReadinessModel

    rng = np.random.default_rng(n_classes)
    X = rng.normal(size=(3_000, 6))
    y = rng.integers(0, n_classes, size=3_000)
    c_order = LogisticReadinessModel().fit(X, y)
    f_order = LogisticReadinessModel().fit(np.asfortranarray(X), y)
    np.testing.assert_array_equal(c_order.coef_, f_order.coef_)
    np.testing.assert_array_equal(c_order.intercept_, f_order.intercept_)

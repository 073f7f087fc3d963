"""Who benefits: :class:`BenefitModel`, the doubly robust learner of each person's gain.

The DR-learner (Kennedy 2023; Foster & Syrgkanis 2023): cross-fitted nuisance models (the
propensity and the outcome), the doubly robust pseudo-outcome of each row, then a final
regression of the pseudo-outcomes on the features. The stages' numerics live in
:mod:`sparkus.triage._benefit_stages` (folds and nuisance fits) and
:mod:`sparkus.triage._benefit_final` (the units of the fit, the rank check and the final stage);
the input checks in :mod:`sparkus.triage._benefit_inputs`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Final, Self

import attrs
import numpy as np

from sparkus._checks import (
    BoolArray,
    FloatArray,
    IntArray,
    check_level,
    rows_text,
    schema_error,
)
from sparkus._errors import EstimationError, NotFittedError, SchemaError, SparkusWarning, shown
from sparkus._fields import read_member
from sparkus._frames import Backend, build_frame
from sparkus._quantiles import critical_value
from sparkus.model import SupportType
from sparkus.triage._benefit_final import (
    FLOAT_LIMITS,
    Scale,
    fit_final,
    nuisance_columns,
    refuse_singular,
    reported_coefficients,
    scaled,
    stage_design,
    unscaled_pseudo,
)
from sparkus.triage._benefit_inputs import (
    BINARY_KEY,
    Support,
    TrainingData,
    check_params,
    fold_codes,
    predict_matrix,
    training_data,
)
from sparkus.triage._benefit_stages import (
    clone,
    crossfit_linear,
    crossfit_logistic,
    expit,
    plugin_predictions,
    plugin_propensities,
    with_intercept,
)

__all__ = ["BenefitModel"]


OVERLAP_BAND: Final = (0.05, 0.95)
"""Propensities outside this band count towards the poor-overlap warning."""
OVERLAP_SHARE: Final = 0.1
"""The warning fires when more than this share of a type's propensities lie outside the band
(or when any had to be clipped)."""


@attrs.frozen
class _Stage:
    """One support type's fit: its rows, nuisances, pseudo-outcomes and final stage.

    The pseudo-outcomes, coefficients and covariance are in the scaled units of the fit (see
    :func:`~sparkus.triage._benefit_final.scaled`): the model multiplies them back.
    """

    rows: IntArray
    propensity: FloatArray
    pseudo: FloatArray
    coef: FloatArray | None
    cov: FloatArray | None
    final: Any


class BenefitModel:
    """Each person's expected gain from a support: a cross-fitted doubly robust learner.

    .. versionadded:: 0.1

    The DR-learner of Kennedy (2023) and Foster & Syrgkanis (2023). The rows are dealt into
    `folds` folds, stratified on the support each person had; for each fold the propensity
    and outcome models are fitted on the other folds and predict its rows, giving each row's
    doubly robust pseudo-outcome

    ``psi = mu1(x) - mu0(x) + t (y - mu1(x)) / e(x) - (1 - t) (y - mu0(x)) / (1 - e(x))``

    with the propensity ``e`` clipped to ``[clip, 1 - clip]``. The final stage regresses ψ on
    the features over all rows; its prediction at ``x`` is the expected gain, in the outcome's
    units, of a person with features ``x``.

    Several support types: when `treated` holds support-type labels, one model per type is
    fitted **against "none"** (one-vs-none): the rows of that type and the untreated rows, the
    rows of the other types left out of that type's model.

    Parameters
    ----------
    final : {"linear", "ridge"} or regressor, default "linear"
        The final stage: least squares, ridge (penalty `alpha` on the slopes, the intercept
        unpenalised), or any object with ``fit(X, y)`` and ``predict(X)`` (scikit-learn style;
        scikit-learn itself is not needed). Intervals are for "linear" and "ridge" only.
    propensity : classifier, optional
        An object with ``fit(X, t)`` and ``predict_proba(X)``; by default an unpenalised
        logistic regression with an intercept.
    outcome : regressor, optional
        An object with ``fit(X, y)`` and ``predict(X)``, fitted on the features with the
        treatment as a last column (one model on ``[X, t]``, as EconML's ``DRLearner`` does);
        by default least squares with an intercept on ``[X, t]``.
    folds : int, default 5
        The number of cross-fitting folds, at least 2.
    alpha : float, default 1.0
        The ridge penalty (used when ``final="ridge"``).
    clip : float, default 0.01
        Propensities are clipped to ``[clip, 1 - clip]``; in ``(0, 0.5)``.
    rng : None, int or numpy.random.Generator
        Seeds the fold assignment.

    Attributes
    ----------
    supports_ : tuple
        The support types fitted: ``("treated",)`` for 0/1 `treated`, else
        :class:`~sparkus.model.SupportType` members in their declared order.
    feature_names_ : tuple of str
        The features' names (a data frame's columns, else ``x1, x2, ...``).
    fold_ : ndarray of int
        Each training row's fold.
    pseudo_outcomes_, propensities_ : dict
        Per support type, an array over the training rows (NaN for rows outside that type's
        model): the pseudo-outcomes and the clipped cross-fitted propensities.
    intercept_, coef_ : dict
        Per support type, the final stage's intercept (float) and slopes (ndarray), for the
        "linear" and "ridge" final stages only.

    Warns
    -----
    SparkusWarning
        When overlap is poor: more than 10% of a type's propensities lie outside
        ``[0.05, 0.95]``, or some had to be clipped. The message names the type and the counts.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.triage import BenefitModel
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(2_000, 2))
    >>> t = rng.random(2_000) < 0.5
    >>> y = X[:, 0] + t * (1.0 + 2.0 * X[:, 1]) + rng.normal(size=2_000)
    >>> model = BenefitModel(rng=1).fit(X, t, y)
    >>> model.coef_["treated"]  # the true effect is 1 + 0 x1 + 2 x2
    array([-0.03...,  2.05...])
    >>> gain = model.predict([[0.0, 0.5]])
    >>> lower, upper = model.predict_interval([[0.0, 0.5]])
    >>> bool(lower[0] < gain[0] < upper[0])
    True
    """

    def __init__(
        self,
        *,
        final: object = "linear",
        propensity: object = None,
        outcome: object = None,
        folds: int = 5,
        alpha: float = 1.0,
        clip: float = 0.01,
        rng: object = None,
    ) -> None:
        check_params(final, propensity, outcome, folds, alpha, clip, rng)
        self.final = final
        self.propensity = propensity
        self.outcome = outcome
        self.folds = folds
        self.alpha = alpha
        self.clip = clip
        self.rng = rng

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters, as scikit-learn's ``clone`` reads them.

        `deep` is accepted for scikit-learn's sake; the plug-ins are returned as they are.
        """
        del deep
        keys = ("final", "propensity", "outcome", "folds", "alpha", "clip", "rng")
        return {key: getattr(self, key) for key in keys}

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"BenefitModel({given})"

    # -- fitting -----------------------------------------------------------------------------

    def fit(self, X: object, treated: object, y: object, *, fold: object = None) -> Self:
        """Fit the nuisance models by cross-fitting, then the final stage on all rows.

        Parameters
        ----------
        X : array-like or data frame of shape (n, p)
            The features (a pandas or polars frame keeps its column names).
        treated : array-like of shape (n,)
            0/1 (or bool) for one support type; or support-type labels (text as exported,
            e.g. ``"coaching"``, or :class:`~sparkus.model.SupportType`) with ``"none"`` for
            the untreated.
        y : array-like of shape (n,)
            The outcome.
        fold : array-like of shape (n,), optional
            A fold label per row, used instead of the stratified random folds (at least two
            distinct labels).

        Returns
        -------
        BenefitModel
            The fitted model.

        Raises
        ------
        SchemaError
            A label that is no support type; a fold with no treated or no untreated row of a
            type (naming the fold and the type); too few rows per fold.
        EstimationError
            Missing or infinite values in `X` or `y`; inputs of different lengths; for the
            "linear" final stage, features that are linearly dependent on a type's rows (a
            constant or duplicated column: the columns are named); coefficients, standard
            errors or pseudo-outcomes beyond the range of a double (naming what to rescale).
        """
        data = training_data(X, treated, y, fold)
        codes, fold_names = fold_codes(data.fold, data, self.folds, self.rng)
        scale, X_scaled, y_scaled = scaled(data.X, data.y)
        stages: dict[Support, _Stage] = {}
        for k, support in enumerate(data.supports):
            subset = np.flatnonzero((data.arm == 0) | (data.arm == k + 1))
            stages[support] = self._fit_type(
                data, (X_scaled, y_scaled, scale), codes, subset, (k, support, fold_names)
            )
        n = data.X.shape[0]
        pseudo = {s: unscaled_pseudo(st.pseudo, scale.y, _name(s)) for s, st in stages.items()}
        terms = ("intercept", *data.names)
        reported = {
            s: reported_coefficients(st.coef, st.cov, scale, terms, _name(s))
            for s, st in stages.items()
            if st.coef is not None and st.cov is not None
        }
        self.supports_ = data.supports
        self.feature_names_ = data.names
        self.n_features_in_ = data.X.shape[1]
        self.from_frame_ = data.from_frame
        self.fold_ = codes
        self.pseudo_outcomes_ = {s: _spread(n, st.rows, pseudo[s]) for s, st in stages.items()}
        self.propensities_ = {s: _spread(n, st.rows, st.propensity) for s, st in stages.items()}
        if self.final in ("linear", "ridge"):
            self.intercept_ = {s: float(coef[0]) for s, (coef, _) in reported.items()}
            self.coef_ = {s: coef[1:].copy() for s, (coef, _) in reported.items()}
        else:  # a refit with a plug-in final stage leaves no stale coefficients behind
            self.__dict__.pop("intercept_", None)
            self.__dict__.pop("coef_", None)
        self._stages = stages
        self._scale = scale
        self._errors = {s: se for s, (_, se) in reported.items()}
        return self

    def _fit_type(
        self,
        data: TrainingData,
        units: tuple[FloatArray, FloatArray, Scale],
        codes: IntArray,
        subset: IntArray,
        which: tuple[int, Support, tuple[str, ...]],
    ) -> _Stage:
        """One support type's stage; its rows sorted by fold, so each fold is a slice.

        The built-in models see the scaled `units` (``X / 2**e``, ``y / 2**e_y``), plug-ins
        the data as given; the outcome models' predictions and the pseudo-outcomes are in the
        scaled units of `y`.
        """
        k, support, fold_names = which
        X_scaled, y_scaled, scale = units
        rows = subset[np.argsort(codes[subset], kind="stable")]
        Z, ys, fs = with_intercept(X_scaled[rows]), y_scaled[rows], codes[rows]
        ts = (data.arm[rows] == k + 1).astype(np.float64)
        starts = np.flatnonzero(np.r_[True, fs[1:] != fs[:-1]])
        bounds = list(zip(starts.tolist(), [*starts[1:].tolist(), rows.shape[0]], strict=True))
        for a, b in bounds:
            share = ts[a:b].mean()
            if share in (0.0, 1.0):
                who = "treated" if share == 0.0 else "untreated"
                msg = (
                    f"fold {fold_names[fs[a]]} has no {who} row of type {shown(_name(support))}: each "
                    "fold needs both to cross-fit; use fewer folds or pass `fold=` with both in "
                    "every fold"
                )
                raise _param_error("fold", msg)
        design = stage_design(Z[:, 1:])
        what = (
            "the final stage"
            if support == BINARY_KEY
            else f"the final stage for {shown(_name(support))} (on its rows and the 'none' rows)"
        )
        terms = ("intercept", *data.names)
        penalty = None
        if self.final == "ridge" and self.alpha > 0:
            with np.errstate(over="ignore", under="ignore"):  # capped; 0 is negligible
                penalty = np.ldexp(float(self.alpha), -2 * scale.x)  # alpha·b² in the data's units
        if self.final in ("linear", "ridge") and penalty is None:
            # before the nuisance fits meet the same columns
            refuse_singular(design, terms, what, ridge=self.final == "ridge")
            keep = np.arange(Z.shape[1])
        else:  # unpenalised nuisance fits predict the same on the independent columns
            keep = nuisance_columns(design)
        X_given = data.X[rows]
        raw = self._propensities(Z[:, keep], X_given, ts, bounds)
        mu0, mu1 = self._outcomes(Z[:, keep], (X_given, data.y[rows], scale.y), ts, ys, bounds)
        self._warn_overlap(raw, support)
        e = np.clip(raw, self.clip, 1.0 - self.clip)
        pseudo = mu1 - mu0 + ts * (ys - mu1) / e - (1.0 - ts) * (ys - mu0) / (1.0 - e)
        if self.final in ("linear", "ridge"):
            coef, cov = fit_final(design, pseudo, penalty, terms, what)
            return _Stage(rows, e, pseudo, coef, cov, None)
        model = clone(self.final)
        model.fit(X_given, unscaled_pseudo(pseudo, scale.y, _name(support)))
        return _Stage(rows, e, pseudo, None, None, model)

    def _propensities(
        self, Z: FloatArray, X: FloatArray, t: FloatArray, bounds: list[tuple[int, int]]
    ) -> FloatArray:
        """Each row's cross-fitted propensity (rows sorted by fold).

        `Z` is the built-in model's design (``[1, X]`` scaled, dependent columns dropped), `X`
        the features as given, for a plug-in.
        """
        out = np.empty(Z.shape[0])
        if self.propensity is None:
            for (a, b), beta in zip(bounds, crossfit_logistic(Z, t, bounds), strict=True):
                out[a:b] = expit(Z[a:b] @ beta)
            return out
        for (a, b), train in _trainings(Z.shape[0], bounds):
            model = clone(self.propensity)
            model.fit(X[train], t[train].astype(np.int64))
            out[a:b] = plugin_propensities(model, model.predict_proba(X[a:b]), b - a, "propensity")
        return out

    def _outcomes(
        self,
        Z: FloatArray,
        given: tuple[FloatArray, FloatArray, int],
        t: FloatArray,
        y: FloatArray,
        bounds: list[tuple[int, int]],
    ) -> tuple[FloatArray, FloatArray]:
        """Each row's cross-fitted μ₀ and μ₁: one outcome model on ``[X, t]`` per fold.

        `Z` and `y` are the built-in model's design and outcome (scaled); `given` holds the
        features and outcome as given and the outcome's exponent, for a plug-in, whose
        predictions are scaled as `y` is.
        """
        mu0, mu1 = np.empty(Z.shape[0]), np.empty(Z.shape[0])
        if self.outcome is None:
            design = np.column_stack([Z, t])
            for (a, b), beta in zip(bounds, crossfit_linear(design, y, bounds), strict=True):
                mu0[a:b] = Z[a:b] @ beta[:-1]
                mu1[a:b] = mu0[a:b] + beta[-1]
            return mu0, mu1
        X, outcome, exponent = given
        XT = np.column_stack([X, t])
        for (a, b), train in _trainings(Z.shape[0], bounds):
            model = clone(self.outcome)
            model.fit(XT[train], outcome[train])
            test = XT[a:b].copy()
            test[:, -1] = 0.0
            mu0[a:b] = plugin_predictions(model.predict(test), b - a, "outcome")
            test[:, -1] = 1.0
            mu1[a:b] = plugin_predictions(model.predict(test), b - a, "outcome")
        with np.errstate(over="ignore", under="ignore"):
            return np.ldexp(mu0, -exponent), np.ldexp(mu1, -exponent)

    def _warn_overlap(self, raw: FloatArray, support: Support) -> None:
        low, high = OVERLAP_BAND
        outside = int(((raw < low) | (raw > high)).sum())
        clipped = int(((raw < self.clip) | (raw > 1.0 - self.clip)).sum())
        if clipped or outside > OVERLAP_SHARE * raw.shape[0]:
            msg = (
                f"poor overlap for {shown(_name(support))}: {outside:,} of {raw.shape[0]:,} "
                f"propensities lie outside [{low}, {high}] and {clipped:,} were clipped to "
                f"[{self.clip}, {1.0 - self.clip}]; the effects there lean on the outcome model"
            )
            warnings.warn(msg, SparkusWarning, stacklevel=4)

    # -- predictions -------------------------------------------------------------------------

    def _fitted(self) -> dict[Support, _Stage]:
        stages: dict[Support, _Stage] | None = getattr(self, "_stages", None)
        if stages is None:
            msg = "this BenefitModel is not fitted yet; call fit(X, treated, y) first"
            raise NotFittedError(msg)
        return stages

    def _stage(self, support: object) -> tuple[Support, _Stage]:
        stages = self._fitted()
        if support is None:
            if len(stages) > 1:
                listed = ", ".join(repr(_name(s)) for s in stages)
                msg = f"the model was fitted on several support types ({listed}); name one"
                raise _param_error("support", msg)
            return next(iter(stages.items()))
        for key, stage in stages.items() if isinstance(support, str | SupportType) else ():
            if support == key or (isinstance(key, SupportType)
                                  and read_member(support, SupportType) is key):  # fmt: skip
                return key, stage
        listed = ", ".join(repr(_name(s)) for s in stages)
        raise _param_error("support", f"expected one of {listed}, got {shown(support)}")

    def _matrix(self, X: object) -> FloatArray:
        self._fitted()
        return predict_matrix(X, self.feature_names_, self.from_frame_)

    def predict(self, X: object, support: object = None) -> FloatArray:
        """Each person's expected gain from `support`, in the outcome's units.

        Parameters
        ----------
        X : array-like or data frame of shape (m, p)
            Features as at fit; a data frame's columns are matched by name.
        support : str or SupportType, optional
            The support type; needed when the model was fitted on several.

        Returns
        -------
        ndarray of float64, shape (m,)
        """
        Xm = self._matrix(X)
        _, stage = self._stage(support)
        if stage.coef is not None:
            Z = self._scaled_design(Xm)
            return self._unscaled_gain(Z @ stage.coef)
        return plugin_predictions(stage.final.predict(Xm), Xm.shape[0], "final")

    def _scaled_design(self, Xm: FloatArray) -> FloatArray:
        """``[1, X / 2**e]``: new rows in the scaled units of the fit."""
        with np.errstate(under="ignore"):  # a value far below the training range counts 0
            return with_intercept(np.ldexp(Xm, -self._scale.x))

    def _unscaled_gain(self, *values: FloatArray) -> FloatArray:
        """Gains in the scaled units back in the outcome's; an error if one overflows."""
        with np.errstate(over="ignore", under="ignore"):
            out = [np.ldexp(v, self._scale.y) for v in values]
        bad = np.flatnonzero(~np.all(np.isfinite(out), axis=0))
        if bad.size:
            msg = (
                f"the predicted gain of {rows_text(bad)} is beyond the range of double precision "
                f"({FLOAT_LIMITS}): `X` holds values far outside those the model was fitted on"
            )
            raise EstimationError(msg)
        return out[0] if len(out) == 1 else np.stack(out)

    def effects(self, X: object) -> Mapping[Support, FloatArray]:
        """Each person's expected gain from every support type fitted, by type.

        Returns
        -------
        dict
            :attr:`supports_` to an array of shape (m,), as ``plan_support(effects=...)``
            takes them.
        """
        self._matrix(X)
        return {s: self.predict(X, s) for s in self.supports_}

    def predict_interval(
        self, X: object, level: float = 0.95, support: object = None
    ) -> tuple[FloatArray, FloatArray]:
        """The confidence interval of each person's expected gain (linear or ridge final stage).

        Normal intervals from the HC1 heteroskedasticity-robust covariance of the final
        least-squares fit on the pseudo-outcomes (as EconML's
        ``StatsModelsLinearRegression(cov_type="HC1")``).

        Returns
        -------
        lower, upper : ndarray of float64, shape (m,)

        Raises
        ------
        SchemaError
            For a plug-in final stage (no interval is known for it).
        """
        Xm = self._matrix(X)
        chosen = check_level(level)
        _, stage = self._stage(support)
        if stage.coef is None or stage.cov is None:
            msg = (
                "intervals are only for final='linear' or 'ridge'; a plug-in final stage has no "
                "known standard error (bootstrap the whole fit instead)"
            )
            raise _param_error("final", msg)
        Z = self._scaled_design(Xm)
        centre = Z @ stage.coef
        se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", Z, stage.cov, Z), 0.0))
        z = critical_value(chosen)
        lower, upper = self._unscaled_gain(centre - z * se, centre + z * se)
        return lower, upper

    def ate(self, support: object = None) -> float:
        """The average effect of `support` among its model's rows: the pseudo-outcomes' mean."""
        pseudo = self._stage(support)[1].pseudo
        return float(self._unscaled_gain(np.array([pseudo.mean()]))[0])

    def ate_interval(self, level: float = 0.95, support: object = None) -> tuple[float, float]:
        """The normal interval of :meth:`ate`, from the pseudo-outcomes' standard error."""
        chosen = check_level(level)
        pseudo = self._stage(support)[1].pseudo
        se = float(pseudo.std(ddof=1) / np.sqrt(pseudo.shape[0]))
        z = critical_value(chosen)
        mean = float(pseudo.mean())
        lower, upper = self._unscaled_gain(np.array([mean - z * se]), np.array([mean + z * se]))
        return float(lower[0]), float(upper[0])

    def to_frame(self, *, level: float = 0.95, backend: Backend = "pandas") -> Any:
        """The final stage's coefficients: one row per support type and term.

        Columns ``support``, ``term`` (``intercept`` then the features), ``estimate``,
        ``std_error`` (HC1), ``lower`` and ``upper``; pandas indexes by support and term.
        """
        chosen = check_level(level)
        stages = self._fitted()
        z = critical_value(chosen)
        supports, terms, est, se = [], [], [], []
        for support, stage in stages.items():
            if stage.coef is None or stage.cov is None:
                raise _param_error("final", "a plug-in final stage has no coefficients to show")
            supports += [_name(support)] * stage.coef.shape[0]
            terms += ["intercept", *self.feature_names_]
            est.append(np.array([self.intercept_[support], *self.coef_[support]]))
            se.append(self._errors[support])
        estimate, error = np.concatenate(est), np.concatenate(se)
        columns = {
            "support": supports,
            "term": terms,
            "estimate": estimate,
            "std_error": error,
            "lower": estimate - z * error,
            "upper": estimate + z * error,
        }
        return build_frame(columns, ["support", "term"], backend)


def _name(support: Support) -> str:
    return support.value if isinstance(support, SupportType) else support


def _trainings(n: int, bounds: list[tuple[int, int]]) -> list[tuple[tuple[int, int], BoolArray]]:
    """Each fold's slice and the mask of its training rows (every other fold)."""
    out = []
    for a, b in bounds:
        train = np.ones(n, dtype=np.bool_)
        train[a:b] = False
        out.append(((a, b), train))
    return out


def _spread(n: int, rows: IntArray, values: FloatArray) -> FloatArray:
    out = np.full(n, np.nan)
    out[rows] = values
    return out


def _param_error(name: str, message: str) -> SchemaError:
    return schema_error(name, message)

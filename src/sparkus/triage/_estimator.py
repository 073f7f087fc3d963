"""What every fitted triage model shares: scikit-learn's parameter protocol and a fitted flag."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from numpy.typing import NDArray

from sparkus._checks import check_matrix, check_n_features
from sparkus._errors import NotFittedError, Problem, SchemaError

__all__ = ["Estimator"]


class Estimator:
    """Base of the fitted models: ``get_params``/``set_params``, ``repr`` and the fitted check.

    Subclasses list their hyper-parameters in ``_param_names``, store them unchanged in
    ``__init__`` and set ``_fitted = True`` at the end of ``fit``.
    """

    _param_names: ClassVar[tuple[str, ...]] = ()
    _fitted: bool = False
    n_features_in_: int

    def get_params(self, deep: bool = True) -> dict[str, Any]:  # noqa: ARG002 (sklearn's API)
        """The hyper-parameters, by name (scikit-learn's protocol; `deep` is accepted and unused)."""
        return {name: getattr(self, name) for name in self._param_names}

    def set_params(self, **params: Any) -> Self:
        """Set hyper-parameters by name and return the model; an unknown name is a SchemaError."""
        unknown = sorted(set(params) - set(self._param_names))
        if unknown:
            msg = f"unknown hyper-parameter(s) {unknown}; expected some of {sorted(self._param_names)}"
            raise SchemaError([Problem((name,), msg) for name in unknown])
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = type(self)().get_params()
        changed = [
            f"{k}={v!r}"
            for k, v in self.get_params().items()
            if v is not defaults[k] and v != defaults[k]
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    def _checked(self, X: object) -> NDArray[Any]:
        """`X` as a float matrix with the features seen in ``fit``; NotFittedError before it."""
        if not self._fitted:
            msg = (
                f"this {type(self).__name__} is not fitted yet; call fit(X, y) first, then predict"
            )
            raise NotFittedError(msg)
        Xc = check_matrix(X, copy=False)
        check_n_features(Xc, self.n_features_in_)
        return Xc

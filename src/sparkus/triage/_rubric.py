"""The transparent default classifier: weighted item scores against thresholds."""

from __future__ import annotations

from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import describe, is_finite_real, is_real
from sparkus._checks_fit import check_matrix
from sparkus._errors import Problem, SchemaError, shown
from sparkus._results import Result, Table, format_number
from sparkus.triage._estimator import column_keys, frame_names
from sparkus.triage._instrument import Features, Instrument, default_instrument, scale_problems
from sparkus.triage._levels import ReadinessLevel

__all__ = ["Explanation", "RubricClassifier", "rubric_decisions"]

_LEVELS: Final = tuple(ReadinessLevel)
# On a 1-5 agreement scale (midpoint 3, half-range 2), the default cut points sit at average
# answers of 2.3, 3.1 and 3.8: mostly disagreeing (not intending to change: precontemplation),
# ambivalent (contemplation), agreeing (preparation), strongly agreeing (already acting).
DEFAULT_THRESHOLDS: Final = (-0.35, 0.05, 0.40)


@attrs.frozen(repr=False)
class Explanation(Result):
    """Why the rubric placed one person where it did.

    .. versionadded:: 0.1

    Attributes
    ----------
    person : str
        The participant's id.
    columns : tuple of str
        Item columns.
    answers : tuple of float
        The person's answers.
    standardised : tuple of float
        Each answer on ``[-1, 1]`` (scale midpoint 0; reversed items negated).
    contributions : tuple of float
        Each item's share of the score: ``weight * standardised / sum(weights)``; they sum to
        :attr:`score`.
    score : float
        The weighted score, in ``[-1, 1]``.
    thresholds : tuple of float
        The rubric's cut points between consecutive levels.
    level : ReadinessLevel
        The level the score falls in.
    margin : float
        Distance from the score to the nearest threshold.
    review : bool
        Whether the margin is inside the review band, so a person decides instead.

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.triage import RubricClassifier, default_instrument
    >>> features = default_instrument().features(synthetic_org(300, seed=3).population)
    >>> explanation = RubricClassifier().explain(features, 0)
    >>> explanation
    Explanation(person='E000001', level=emerging, score=-0.143)
    >>> round(explanation.margin, 3), explanation.review
    (0.193, False)
    """

    person: str
    columns: tuple[str, ...]
    answers: tuple[float, ...]
    standardised: tuple[float, ...]
    contributions: tuple[float, ...]
    score: float
    thresholds: tuple[float, ...]
    level: ReadinessLevel
    margin: float
    review: bool

    def _headline(self) -> str:
        return f"person={shown(self.person)}, level={self.level.value}, score={self.score:.3f}"

    def _tables(self) -> list[Table]:
        order = np.argsort(-np.abs(np.asarray(self.contributions)), kind="stable")
        rows = tuple(
            (self.columns[i], format_number(self.answers[i]),
             f"{self.standardised[i]:+.3f}", f"{self.contributions[i]:+.3f}")
            for i in order.tolist()
        )  # fmt: skip
        note = (
            f"score {self.score:+.3f} -> {self.level.value} (thresholds "
            f"{', '.join(f'{t:+.2f}' for t in self.thresholds)}; margin {self.margin:.3f}"
            f"{', within the review band: a person decides' if self.review else ''})"
        )
        return [Table(f"Readiness of {self.person}", ("item", "answer", "standardised",
                                                      "contribution"), rows, note)]  # fmt: skip


class RubricClassifier:
    """The transparent default: weighted, standardised item scores against thresholds.

    Each answer is put on ``[-1, 1]`` by its item's scale (so a person's level never depends on
    anyone else's answers), reversed items are negated, and the weighted mean is compared with
    three thresholds that separate the four :class:`ReadinessLevel` s. Weights are the items'
    own (``>= 0``), so a better answer never lowers the level. People whose score lies within
    `review_band` of a threshold are flagged for human review.

    The default thresholds, -0.35, 0.05 and 0.40, correspond on a 1-5 scale to average answers
    of 2.3, 3.1 and 3.8: mostly disagreeing (precontemplation), ambivalent (contemplation),
    agreeing (preparation) and strongly agreeing (action). They are a starting point built on
    the stages of change, not a validated cut-off: calibrate them on your own outcomes.

    Parameters
    ----------
    instrument : Instrument, optional
        The items and their weights; :func:`default_instrument` by default.
    thresholds : tuple of three floats
        Increasing cut points on the score, inside ``(-1, 1)``.
    review_band : float
        Half-width of the band around each threshold within which a person is flagged for
        review, ``>= 0``.

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.triage import RubricClassifier, default_instrument
    >>> features = default_instrument().features(synthetic_org(500, seed=3).population)
    >>> rubric = RubricClassifier()
    >>> rubric.predict(features.X)[:4].tolist()
    ['resistant', 'resistant', 'ready', 'ready']
    >>> print(rubric.explain(features, 0).summary())  # doctest: +ELLIPSIS
    Readiness of E000...
    item                    answer  standardised  contribution
    ...

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        instrument: Instrument | None = None,
        *,
        thresholds: tuple[float, float, float] = DEFAULT_THRESHOLDS,
        review_band: float = 0.05,
    ) -> None:
        problems = _settings_problems(instrument, thresholds, review_band)
        if problems:
            raise SchemaError(problems)
        self.instrument = instrument
        self.thresholds = thresholds
        self.review_band = review_band

    @property
    def classes_(self) -> npt.NDArray[np.str_]:
        """The labels :meth:`predict` returns, least ready first."""
        return np.array([level.value for level in _LEVELS])

    def _params(self) -> tuple[Instrument, npt.NDArray[np.float64], float]:
        """The settings, checked again: they are public attributes, so they may have changed."""
        instrument: object = default_instrument() if self.instrument is None else self.instrument
        problems = _settings_problems(instrument, self.thresholds, self.review_band)
        if problems or not isinstance(instrument, Instrument):
            raise SchemaError(problems)
        band: Any = self.review_band
        return instrument, np.asarray(self.thresholds, dtype=np.float64), float(band)

    def _standardise(
        self, instrument: Instrument, X: Any, name: str = "X"
    ) -> npt.NDArray[np.float64]:
        """Each answer on ``[-1, 1]`` by its item's scale (reversed items negated), checked.

        `X` is one row per person and one column per item (a data frame's item columns are
        taken by name); answers outside an item's scale are a SchemaError naming row and item.
        """
        values = check_matrix(_item_columns(instrument, X, name), name, copy=False)
        p = len(instrument.items)
        if values.shape[1] != p:
            msg = f"expected shape (n, {p}) for the instrument's {p} items, got {values.shape}"
            raise SchemaError([Problem((name,), msg)])
        problems = scale_problems(instrument, values, tuple(name.split(".")))
        if problems:
            raise SchemaError(problems)
        low = np.array([i.scale[0] for i in instrument.items])
        high = np.array([i.scale[1] for i in instrument.items])
        # halves first: (high - low) overflows for scales near the float limit, their halves do not
        middle = low / 2 + high / 2
        half = high / 2 - low / 2
        z = np.clip((values - middle) / half, -1.0, 1.0)
        sign = np.array([-1.0 if i.reverse else 1.0 for i in instrument.items])
        return np.asarray(z * sign)

    def _weights(self, instrument: Instrument) -> npt.NDArray[np.float64]:
        w = np.array([item.weight for item in instrument.items], dtype=np.float64)
        if not w.max() > 0:
            raise SchemaError([Problem(("instrument", "items"), "at least one weight must be > 0")])
        w = w / w.max()  # so that the sum cannot overflow
        normalised: npt.NDArray[np.float64] = w / w.sum()
        return normalised

    def _score(self, instrument: Instrument, X: npt.ArrayLike) -> npt.NDArray[np.float64]:
        return np.asarray(self._standardise(instrument, X) @ self._weights(instrument))

    def score(self, X: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The weighted standardised score of each row, in ``[-1, 1]``."""
        instrument, _, _ = self._params()
        return self._score(instrument, X)

    def predict_codes(self, X: npt.ArrayLike) -> npt.NDArray[np.int8]:
        """The level of each row as its rank (0 for resistant)."""
        instrument, thresholds, _ = self._params()
        return _codes(thresholds, self._score(instrument, X))

    def predict(self, X: npt.ArrayLike) -> npt.NDArray[np.str_]:
        """The level of each row, as :class:`ReadinessLevel` values (see :attr:`classes_`)."""
        instrument, thresholds, _ = self._params()
        return self.classes_[_codes(thresholds, self._score(instrument, X))]

    def needs_review(self, X: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """True for rows whose score lies within the review band of a threshold."""
        instrument, thresholds, band = self._params()
        return _in_review_band(thresholds, band, self._score(instrument, X))

    def explain(self, features: Features, person: str | int) -> Explanation:
        """Each item's contribution to one person's score and level.

        Parameters
        ----------
        features : Features
            The instrument's answers (from :meth:`Instrument.features`).
        person : str or int
            A participant id, or a row number from 0 to ``len(features.ids) - 1``. A row
            number is not a Python index: a negative one is refused, not counted from the end.

        Raises
        ------
        SchemaError
            If `features` is not :class:`Features`, `person` is an unknown id or a row number
            outside the rows (or neither a str nor an int), or the person's answers are
            missing or outside their items' scales (named by row and item).
        """
        instrument, thresholds, band = self._params()
        row = _row_of(features, person)
        answers = np.asarray(features.X)[row : row + 1]
        try:
            z = self._standardise(instrument, answers, "features.X")[0]
        except SchemaError as err:  # name the person's row, not row 0 of the one-row slice
            raise SchemaError(_at_row(p, row) for p in err.problems) from None
        contributions = z * self._weights(instrument)
        score = float(contributions.sum())
        margin = float(np.abs(score - thresholds).min())
        return Explanation(
            person=str(features.ids[row]),
            columns=instrument.columns,
            answers=tuple(features.X[row].tolist()),
            standardised=tuple(z.tolist()),
            contributions=tuple(contributions.tolist()),
            score=score,
            thresholds=tuple(thresholds.tolist()),
            level=_LEVELS[int(np.searchsorted(thresholds, score, side="right"))],
            margin=margin,
            review=margin < band,
        )

    def __repr__(self) -> str:
        return f"RubricClassifier(thresholds={self.thresholds!r}, review_band={self.review_band!r})"


def _settings_problems(instrument: object, thresholds: object, band: object) -> list[Problem]:
    """The problems with a rubric's instrument, thresholds and review band (empty if valid)."""
    problems = []
    if instrument is not None and not isinstance(instrument, Instrument):
        problems.append(Problem(("instrument",), "expected an Instrument"))
    given: object = thresholds  # checked at run time
    numbers = isinstance(given, tuple | list | np.ndarray) and all(is_finite_real(v) for v in given)
    t = np.asarray(given, dtype=np.float64) if numbers else np.full(3, np.nan)
    if (
        t.shape != (3,)
        or not np.all(np.isfinite(t))
        or not np.all(np.diff(t) > 0)
        or (t[0] <= -1 or t[-1] >= 1)
    ):
        msg = f"expected three increasing numbers inside (-1, 1), got {shown(thresholds)}"
        problems.append(Problem(("thresholds",), msg))
    if not is_real(band) or not 0 <= band < 1:  # type: ignore[operator]
        problems.append(
            Problem(("review_band",), f"expected a number in [0, 1), got {shown(band)}")
        )
    return problems


def _item_columns(instrument: Instrument, X: object, name: str) -> object:
    """A data frame's item columns, in the instrument's order, taken by name; else `X`.

    A frame's columns are always matched by name (:func:`frame_names`), never by position: a
    frame without the item columns (a bare matrix numbered 0, 1, ... too) is refused.
    """
    names = frame_names(X, name)
    wanted = list(instrument.columns)
    if names is None or names == wanted:
        return X
    absent = [c for c in wanted if c not in names]
    if absent:
        msg = (
            f"lacks the item columns {absent}; it has: {', '.join(names)}; a data frame's "
            "columns are matched by name: name them as the items, or pass a numpy array "
            "(X.to_numpy()) whose columns follow the instrument's items"
        )
        raise SchemaError([Problem((name,), msg)])
    frame: Any = X
    keys = column_keys(frame.columns, name)
    return frame[[keys[c] for c in wanted]]


def _row_of(features: object, person: object) -> int:
    """The row of `person` (an id, or a row number in range) in `features`."""
    if not isinstance(features, Features):
        msg = f"expected Features (from Instrument.features), got {describe(features)}"
        raise SchemaError([Problem(("features",), msg)])
    n = len(features.ids)
    if isinstance(person, str):
        rows = np.flatnonzero(np.asarray(features.ids) == person)
        if rows.size == 0:
            raise SchemaError(
                [Problem(("person",), f"{shown(person)} is not among the features' ids")]
            )
        return int(rows[0])
    if isinstance(person, int | np.integer) and not isinstance(person, bool | np.bool_):
        if 0 <= person < n:
            return int(person)
        msg = (
            f"row number {shown(int(person))} is outside the {n} rows; pass 0 to {n - 1} (a row number "
            "is not a Python index: negative numbers do not count from the end), or an id"
        )
        raise SchemaError([Problem(("person",), msg)])
    msg = f"expected an id (str) or a row number below {n} (int), got {describe(person)}"
    raise SchemaError([Problem(("person",), msg)])


def _at_row(problem: Problem, row: int) -> Problem:
    """`problem` of a one-row slice, moved to `row` of the whole matrix."""
    path = tuple(row if isinstance(seg, int) else seg for seg in problem.path)
    return Problem(path, problem.message)


def _codes(
    thresholds: npt.NDArray[np.float64], score: npt.NDArray[np.float64]
) -> npt.NDArray[np.int8]:
    """The readiness rank of each score: how many thresholds it reaches."""
    return np.searchsorted(thresholds, score, side="right").astype(np.int8)


def _in_review_band(
    thresholds: npt.NDArray[np.float64], band: float, score: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    """True for the scores closer than `band` to a threshold."""
    distance = np.abs(score[:, None] - thresholds[None, :]).min(axis=1)
    return np.asarray(distance < band)


def rubric_decisions(
    rubric: RubricClassifier, X: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8], npt.NDArray[np.bool_]]:
    """The score, readiness rank and review flag of each row, the rubric and `X` checked once.

    What :meth:`~sparkus.triage.RubricClassifier.score`,
    :meth:`~sparkus.triage.RubricClassifier.predict_codes` and
    :meth:`~sparkus.triage.RubricClassifier.needs_review` give one by one;
    :func:`~sparkus.triage.triage` takes all three from one pass.
    """
    instrument, thresholds, band = rubric._params()
    score = rubric._score(instrument, X)
    return score, _codes(thresholds, score), _in_review_band(thresholds, band, score)

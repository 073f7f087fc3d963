"""Triage: from instrument answers to a readiness level, a review flag and a dose per person."""

from __future__ import annotations

from typing import Final, get_args

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import check_number, describe
from sparkus._errors import Problem, SchemaError
from sparkus._frames import Framed, FrameSpec, build_frame, decoded
from sparkus._results import Result, Table, format_number
from sparkus.model import Population, Program, SupportType
from sparkus.triage._cross_validate import ProbabilisticClassifier
from sparkus.triage._dosage import DosagePolicy
from sparkus.triage._instrument import (
    Features,
    Instrument,
    MissingPolicy,
    default_instrument,
    policy_problems,
    population_features,
    scale_problems,
)
from sparkus.triage._labels import check_proba
from sparkus.triage._levels import ReadinessLevel, readiness_level
from sparkus.triage._rubric import RubricClassifier, rubric_decisions

__all__ = ["TriageResult", "triage"]

_LEVELS: Final = tuple(ReadinessLevel)


@attrs.frozen(repr=False)
class TriageResult(Framed, Result):
    """Who lands where, why, and what it costs.

    Per-person arrays follow the population's rows. This result holds individual decisions and
    is meant for the people who run the program; publish aggregates through
    :func:`audit` or the dashboards, which apply the minimum group size.

    .. versionadded:: 0.1

    Attributes
    ----------
    ids : ndarray of str
        Participant ids.
    level : ndarray of int8
        Proposed readiness level as a rank into :class:`ReadinessLevel` (0 resistant ...
        3 highly ready); -1 for people not assessed (missing answers under the ``review``
        policy).
    probabilities : ndarray of shape (n, 4) or None
        Probability of each level (columns in :class:`ReadinessLevel` order) where the model
        has them; rows of people not assessed are NaN.
    score : ndarray or None
        The rubric score, where the rubric decided.
    review : ndarray of bool
        People a person must decide for: model unsure (top probability below
        `review_threshold`, or rubric score within its review band) or not assessed.
    sessions : ndarray of int
        Human sessions under the dosage policy (for people under review: their proposed dose).
    reflection_share : ndarray of float
        Share of self-guided reflection in each person's activities.
    method : str
        ``"rubric"`` or the fitted model's class name.
    review_threshold : float
        The probability below which a model's decision goes to review.
    full_sessions : int
        Sessions per person if everyone got full coaching.
    cost : float or None
        Fully loaded cost of the triaged plan under the program's cost model (human
        sessions as coaching, plus the reflection platform), without the fixed cost; people
        not assessed count at full coaching until a person decides them.
    cost_full : float or None
        The same for "everyone gets full coaching".
    currency : str or None
        The program's currency.

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per person, indexed by ``id``, with the
    columns ``readiness`` (the :class:`ReadinessLevel` value, None for people not assessed),
    ``review``, ``sessions``, ``reflection_share``, then ``score`` when the rubric decided and
    ``p_resistant`` ... ``p_highly_ready`` when a model gave probabilities;
    ``backend="polars"`` gives the same with ``id`` as the first column.

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(300, seed=3)
    >>> result = triage(org.population, program=org.program)
    >>> result
    TriageResult(n=300, method='rubric', review=66, session_saving=64.8%)
    >>> result.counts
    {'resistant': 51, 'emerging': 132, 'ready': 83, 'highly_ready': 34, 'not_assessed': 0}
    >>> frame = result.to_frame()
    >>> frame.loc["E000002", "readiness"], bool(frame.loc["E000002", "review"])
    ('resistant', True)
    """

    ids: npt.NDArray[np.str_]
    level: npt.NDArray[np.int8]
    probabilities: npt.NDArray[np.float64] | None
    score: npt.NDArray[np.float64] | None
    review: npt.NDArray[np.bool_]
    sessions: npt.NDArray[np.int64]
    reflection_share: npt.NDArray[np.float64]
    method: str
    review_threshold: float
    full_sessions: int
    cost: float | None
    cost_full: float | None
    currency: str | None

    @property
    def n(self) -> int:
        """Number of people triaged."""
        return int(self.ids.shape[0])

    @property
    def counts(self) -> dict[str, int]:
        """People per readiness level, plus ``"not_assessed"``."""
        found = np.bincount(self.level.astype(np.int64) + 1, minlength=len(_LEVELS) + 1)
        out = {lv.value: int(found[i + 1]) for i, lv in enumerate(_LEVELS)}
        out["not_assessed"] = int(found[0])
        return out

    @property
    def review_queue(self) -> npt.NDArray[np.str_]:
        """Ids of the people a person must decide for."""
        return self.ids[self.review]

    @property
    def sessions_needed(self) -> int:
        """Human sessions the triaged plan needs, people not assessed at full coaching.

        A person not assessed (missing answers under the ``"review"`` policy) has no dose
        until a person decides (0 in :attr:`sessions`); counting them at 0 would state as
        saved sessions nobody has decided to save.
        """
        return int(self.sessions.sum()) + self.full_sessions * self._pending()

    def _pending(self) -> int:
        """People not assessed."""
        return int(np.count_nonzero(self.level < 0))

    @property
    def sessions_full(self) -> int:
        """Human sessions if everyone got full coaching."""
        return self.n * self.full_sessions

    @property
    def session_saving(self) -> float:
        """Share of the full-coaching sessions the triage saves (at most 1; below 0 if more).

        Always defined for a result of :func:`triage`: :class:`DosagePolicy` refuses a full
        dose of 0 sessions, for which no saving can be stated (a result built by hand with
        ``full_sessions=0`` gives NaN). People not assessed (missing answers under the
        ``"review"`` policy) count at full coaching until a person decides them (see
        :attr:`sessions_needed`), and ``summary()`` says how many they are.
        """
        if not self.sessions_full:
            return float("nan")
        return 1.0 - self.sessions_needed / self.sessions_full

    @property
    def cost_saving(self) -> float | None:
        """Share of the full-coaching cost the triage saves, if costs are known.

        People not assessed count at full coaching, as in :attr:`session_saving`.
        """
        if self.cost is None or not self.cost_full:
            return None
        return 1.0 - self.cost / self.cost_full

    def _frame(self) -> FrameSpec:
        columns: dict[str, object] = {
            "id": self.ids,
            "readiness": decoded(self.level, [lv.value for lv in _LEVELS]),
            "review": self.review,
            "sessions": self.sessions,
            "reflection_share": self.reflection_share,
        }
        if self.score is not None:
            columns["score"] = self.score
        if self.probabilities is not None:
            for i, lv in enumerate(_LEVELS):
                columns[f"p_{lv.value}"] = self.probabilities[:, i]
        return columns, ("id",)

    def _headline(self) -> str:
        return (
            f"n={self.n}, method={self.method!r}, review={int(self.review.sum())}, "
            f"session_saving={self.session_saving:.1%}"
        )

    def _tables(self) -> list[Table]:
        counts = self.counts
        levels = Table(
            "Readiness triage",
            ("level", "people", "share", "in review"),
            tuple(
                (
                    name.replace("_", " "),
                    format_number(count),
                    f"{count / self.n:.1%}",
                    format_number(int(self.review[self.level == code].sum())),
                )
                for code, (name, count) in zip([0, 1, 2, 3, -1], counts.items(), strict=True)
            ),
            note=f"method: {self.method}; {int(self.review.sum()):,} people in the review queue",
        )
        rows = [
            ("human sessions", format_number(self.sessions_needed),
             format_number(self.sessions_full), f"{self.session_saving:.1%}"),
        ]  # fmt: skip
        if self.cost is not None and self.cost_full is not None:
            rows.append((
                f"cost ({self.currency})", f"{self.cost:,.0f}", f"{self.cost_full:,.0f}",
                f"{self.cost_saving:.1%}",
            ))  # fmt: skip
        saving = Table(
            "Against everyone getting full coaching",
            ("", "triaged", "everyone", "saving"),
            tuple(rows),
            note=(
                f"full coaching = {self.full_sessions} sessions for each of {self.n:,} people; "
                f"{self._pending_note()}"
                "the saving says nothing about impact, which sparkus.metrics estimates"
            ),
        )
        return [levels, saving]

    def _pending_note(self) -> str:
        """What the saving assumes of the people not assessed (empty if everyone was)."""
        if not (pending := self._pending()):
            return ""
        return (
            f"the {pending:,} people not assessed count at full coaching until a person "
            "decides them; "
        )


def _triage_iv(
    population: object,
    model: object,
    review_threshold: object,
    policy: object,
    program: object,
    missing: object,
    features: object,
    instrument: object,
) -> None:
    problems = []
    fitted = callable(getattr(model, "predict_proba", None))
    if model is not None and not isinstance(model, RubricClassifier) and not fitted:
        msg = (
            f"expected None, a RubricClassifier or a fitted model with predict_proba and "
            f"classes_, got {describe(model)}"
        )
        problems.append(Problem(("model",), msg))
    if instrument is not None and not isinstance(instrument, Instrument):
        problems.append(
            Problem(("instrument",), f"expected an Instrument, got {describe(instrument)}")
        )
    if not isinstance(population, Population):
        problems.append(
            Problem(("population",), f"expected a Population, got {type(population).__name__}")
        )
    check_number(review_threshold, "review_threshold", low=0.0, high=1.0,
                 what="a probability", problems=problems)  # fmt: skip
    if not isinstance(policy, DosagePolicy):
        problems.append(Problem(("policy",), "expected a DosagePolicy"))
    if program is not None and not isinstance(program, Program):
        problems.append(Problem(("program",), "expected a Program or None"))
    if features is None:
        problems += policy_problems(missing)
    elif isinstance(population, Population) and (
        not isinstance(features, Features) or not np.array_equal(features.ids, population.ids)
    ):
        msg = "must be Features whose ids are the population's, in the same order"
        problems.append(Problem(("features",), msg))
    if problems:
        raise SchemaError(problems)


def _level_columns(model: ProbabilisticClassifier) -> npt.NDArray[np.int64]:
    """For each of the model's classes, its readiness rank."""
    classes = getattr(model, "classes_", None)
    if classes is None:
        msg = "the model has no classes_: fit it on readiness labels first"
        raise SchemaError([Problem(("model",), msg)])
    ranks: list[int] = []
    seen: dict[int, object] = {}
    for label in np.asarray(classes).tolist():
        level = readiness_level(label)
        if level is not None:
            rank = level.rank
        elif (
            isinstance(label, int | float | np.integer | np.floating)
            and not isinstance(label, bool | np.bool_)
            and label in range(len(_LEVELS))  # 2 and 2.0 (a model fitted on float labels)
        ):
            rank = int(label)
        else:
            allowed = ", ".join(lv.value for lv in _LEVELS)
            msg = f"class {label!r} is not a readiness level ({allowed}) or a rank 0-3"
            raise SchemaError([Problem(("model", "classes_"), msg)])
        if rank in seen:
            msg = (
                f"classes {seen[rank]!r} and {label!r} both read as the level "
                f"{_LEVELS[rank].value!r}; fit the model on one spelling per level"
            )
            raise SchemaError([Problem(("model", "classes_"), msg)])
        seen[rank] = label
        ranks.append(rank)
    return np.asarray(ranks, dtype=np.int64)


def _features_iv(
    features: Features, population: Population, instrument: Instrument, *, fitted: bool
) -> Features:
    """Features read elsewhere, checked and in the instrument's column order.

    Columns are matched by name: the instrument's columns in another order are put in its
    order. Columns of another instrument pass only for a fitted model (which has its own
    columns, and no scales to check here); for the rubric they are refused, naming both lists.
    """
    X = np.asarray(features.X)
    missing = np.asarray(features.missing)
    n = len(population)
    if X.ndim != 2 or X.shape[0] != n or X.dtype.kind not in "iuf":
        msg = f"X must be a matrix of numbers with one row per person ({n}), got {X.shape}"
        raise SchemaError([Problem(("features", "X"), msg)])
    if missing.shape != X.shape or missing.dtype != np.bool_:
        msg = f"must be booleans of the shape of X, {X.shape}; got {missing.shape}"
        raise SchemaError([Problem(("features", "missing"), msg)])
    if policy_problems(features.policy):
        msg = f"expected one of {', '.join(get_args(MissingPolicy))}, got {features.policy!r}"
        raise SchemaError([Problem(("features", "policy"), msg)])
    unmarked = np.argwhere(np.isnan(X) & ~missing)
    if unmarked.size:
        shown = ", ".join(f"X[{r}][{c}]" for r, c in unmarked[:8].tolist())
        msg = f"NaN not marked as missing at {shown}; mark missing answers in `missing`"
        raise SchemaError([Problem(("features",), msg)])
    if features.policy != "review" and np.isnan(X).any():
        msg = (
            f"holds missing answers as NaN under the policy {features.policy!r}; only 'review' "
            "leaves them unanswered: impute them, or read the answers with missing='review'"
        )
        raise SchemaError([Problem(("features", "policy"), msg)])
    columns = _column_names(features.columns, X.shape[1])
    if set(columns) == set(instrument.columns):
        if columns != instrument.columns:  # the same items in another order: put them in order
            order = [columns.index(c) for c in instrument.columns]
            X, missing = X[:, order], missing[:, order]
        problems = scale_problems(instrument, np.where(missing, np.nan, X), ("features", "X"))
        if problems:
            raise SchemaError(problems)
        return attrs.evolve(features, X=X, columns=instrument.columns, missing=missing)
    if not fitted:
        msg = (
            f"are {_listed(columns)}, the instrument's are {_listed(instrument.columns)}; pass "
            "the instrument the features came from (columns are matched by name)"
        )
        raise SchemaError([Problem(("features", "columns"), msg)])
    if X.shape[1] != len(instrument.items):
        msg = (
            f"has {X.shape[1]} columns, the instrument {len(instrument.items)} items "
            f"({', '.join(instrument.columns)}); pass the instrument the features came from"
        )
        raise SchemaError([Problem(("features", "columns"), msg)])
    return attrs.evolve(features, columns=columns)  # another instrument's, for a fitted model


def _column_names(columns: object, k: int) -> tuple[str, ...]:
    """The features' column names: `k` distinct strings, else a SchemaError."""
    given: object = columns  # checked at run time: Features are built by hand too
    names = tuple(given) if isinstance(given, tuple | list) else ()
    if len(names) != k or not all(isinstance(c, str) for c in names):
        msg = f"expected {k} column names (str), one per column of X, got {describe(columns)}"
        raise SchemaError([Problem(("features", "columns"), msg)])
    twice = [c for c in dict.fromkeys(names) if names.count(c) > 1]
    if twice:
        msg = f"names the columns {_listed(twice)} more than once; name each column once"
        raise SchemaError([Problem(("features", "columns"), msg)])
    return names


def _listed(names: tuple[str, ...] | list[str]) -> str:
    return "(" + ", ".join(names) + ")"


def _rubric_answers(model: RubricClassifier, features: Features) -> npt.NDArray[np.float64]:
    """The answers in the order of the rubric's own items, matched by name."""
    own: object = model.instrument
    if own is not None and not isinstance(own, Instrument):
        return features.X  # the rubric names its bad instrument itself
    wanted = (own if own is not None else default_instrument()).columns
    if features.columns == wanted:
        return features.X
    if set(features.columns) == set(wanted):
        return features.X[:, [features.columns.index(c) for c in wanted]]
    msg = (
        f"reads the columns {_listed(features.columns)}, the rubric's instrument has "
        f"{_listed(wanted)}; pass the rubric's instrument, or leave `instrument` out"
    )
    raise SchemaError([Problem(("instrument",), msg)])


def _model_input(
    model: ProbabilisticClassifier, X: npt.NDArray[np.float64], columns: tuple[str, ...]
) -> object:
    """`X` for a fitted model: by the names it was fitted on, when it has them, and named."""
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        return X  # fitted on an unnamed matrix: the columns in the instrument's order
    fitted_on = [str(c) for c in np.asarray(names).reshape(-1).tolist()]
    if len(set(fitted_on)) != len(fitted_on) or set(fitted_on) != set(columns):
        msg = (
            f"are {_listed(fitted_on)}, the features' columns {_listed(columns)}; fit the "
            "model on the instrument's item columns (by name), or pass its instrument"
        )
        raise SchemaError([Problem(("model", "feature_names_in_"), msg)])
    ordered = X[:, [columns.index(c) for c in fitted_on]]
    for backend in ("pandas", "polars"):  # a model fitted on named columns reads named columns
        try:
            return build_frame(
                {c: ordered[:, j] for j, c in enumerate(fitted_on)}, (), backend=backend
            )
        except ImportError:
            continue
    return ordered  # neither library: the columns in the model's order, unnamed


def triage(
    population: Population,
    model: ProbabilisticClassifier | RubricClassifier | None = None,
    *,
    instrument: Instrument | None = None,
    missing: MissingPolicy = "raise",
    features: Features | None = None,
    review_threshold: float = 0.6,
    policy: DosagePolicy | None = None,
    program: Program | None = None,
) -> TriageResult:
    """Sort a population by readiness, flag the uncertain for review, and dose everyone.

    Parameters
    ----------
    population : Population
        The people, with a column per instrument item.
    model : RubricClassifier or ProbabilisticClassifier, optional
        The :class:`RubricClassifier` (default, transparent), or a fitted model with
        ``predict_proba`` and ``classes_`` such as :class:`LogisticReadinessModel`, trained on
        readiness labels (:class:`ReadinessLevel` members or values, or ranks 0-3, whole floats
        such as 2.0 included). A model fitted on named columns (``feature_names_in_``) is given the item columns by those
        names, in its order; one fitted on an unnamed matrix, in the instrument's order.
    instrument : Instrument, optional
        The items to read; the rubric's own (or :func:`default_instrument`) by default.
    missing : {"raise", "impute_mean", "review"}
        Policy for missing answers (see :meth:`Instrument.features`). Imputed answers are
        decided like any others; only ``"review"`` leaves people not assessed (level -1, no
        dose, in the review queue).
    features : Features, optional
        Answers read elsewhere, e.g. by :meth:`Instrument.features_from_assessments` (which
        can carry missing answers: a population cannot). Rows must follow the population's
        ids; columns are matched to the instrument's by name, in any order. Columns of
        another instrument are accepted only for a fitted model. When given, `missing` is not
        used (the features' own policy applies).
    review_threshold : float
        A fitted model's decision goes to human review when its top probability is below this.
    policy : DosagePolicy, optional
        Sessions and reflection per level; the default policy if omitted.
    program : Program, optional
        Supplies the goals (for goal extras) and the cost model (for the money saving).

    Returns
    -------
    TriageResult

    Raises
    ------
    SchemaError
        For invalid arguments, item columns missing from the population, answers outside
        their scale (in the population or in `features`, named by row and item), missing
        answers under ``missing="raise"``, a model whose classes are not readiness levels
        (in the spellings :class:`ReadinessLevel` accepts) or ranks 0-3, or whose
        ``predict_proba`` does not give one probability row per person, features whose
        columns are not the instrument's (for the rubric), an instrument whose columns are
        not the rubric's, and a model fitted on columns (``feature_names_in_``) other than
        the features' (both lists named).

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(2_000, seed=4)
    >>> result = triage(org.population, program=org.program)
    >>> result.counts
    {'resistant': 298, 'emerging': 828, 'ready': 649, 'highly_ready': 225, 'not_assessed': 0}
    >>> f"{result.session_saving:.1%}", f"{result.cost_saving:.1%}"
    ('60.1%', '56.7%')

    .. versionadded:: 0.1
    """
    policy = DosagePolicy() if policy is None else policy
    _triage_iv(population, model, review_threshold, policy, program, missing, features, instrument)
    if model is None:
        model = RubricClassifier(instrument)
    if instrument is None:
        rubric_items = model.instrument if isinstance(model, RubricClassifier) else None
        instrument = rubric_items if rubric_items is not None else default_instrument()
    fitted = not isinstance(model, RubricClassifier)
    if features is None:
        features = population_features(instrument, population, missing)
    else:
        features = _features_iv(features, population, instrument, fitted=fitted)
    n = len(population)
    # Only the "review" policy leaves answers missing; imputed answers are answers.
    assessed = ~features.incomplete if features.policy == "review" else np.ones(n, dtype=bool)
    level = np.full(n, -1, dtype=np.int8)
    review = ~assessed
    probabilities: npt.NDArray[np.float64] | None = None
    score: npt.NDArray[np.float64] | None = None
    if isinstance(model, RubricClassifier):
        method = "rubric"
        score = np.full(n, np.nan)
        X = _rubric_answers(model, features)[assessed]
        if X.shape[0]:
            score[assessed], level[assessed], review[assessed] = rubric_decisions(model, X)
    else:
        method = type(model).__name__
        ranks = _level_columns(model)
        probabilities = np.full((n, len(_LEVELS)), np.nan)
        X = features.X[assessed]
        if X.shape[0]:
            proba = check_proba(
                model.predict_proba(_model_input(model, X, features.columns)),
                X.shape[0],
                len(ranks),
                "model.predict_proba",
            )
            by_level = np.zeros((X.shape[0], len(_LEVELS)))
            by_level[:, ranks] = proba
            probabilities[assessed] = by_level
            level[assessed] = np.argmax(by_level, axis=1)
            review[assessed] = by_level.max(axis=1) < review_threshold
    goals = program.goals if program is not None else ()
    sessions, share = policy.dose(level, population["level"], goals)
    cost = cost_full = None
    currency = None
    if program is not None:
        costs, currency = program.cost_model, program.currency
        per_session = costs.per_person(
            SupportType.COACHING, sessions=1
        ) - costs.per_participant_cost.get(SupportType.COACHING, 0.0)
        one_off = costs.per_participant_cost.get(SupportType.COACHING, 0.0)
        platform = costs.per_participant_cost.get(SupportType.SELF_GUIDED_REFLECTION, 0.0)
        full = policy.full_sessions * per_session + one_off  # a person's full coaching
        cost = float(
            sessions.sum() * per_session
            + np.sum(sessions > 0) * one_off
            + np.sum(share > 0) * platform
            + np.count_nonzero(level < 0) * full  # not assessed: full until decided
        )
        cost_full = float(n * full)
    return TriageResult(
        ids=population.ids,
        level=level,
        probabilities=probabilities,
        score=score,
        review=np.asarray(review),
        sessions=sessions,
        reflection_share=share,
        method=method,
        review_threshold=float(review_threshold),
        full_sessions=policy.full_sessions,
        cost=cost,
        cost_full=cost_full,
        currency=currency,
    )

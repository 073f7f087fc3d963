"""The program's effect for each subgroup (department, level, support type), privacy first.

Each group's effect is estimated on its own rows; the p-values are adjusted for the number of
groups reported; and no figure is published about a group with fewer than the minimum number
of supported or unsupported people, nor anything from which such a group's figures could be
recovered (the overall effect and size are withheld instead). With one grouping, a large
group's effect is never hidden to protect a small one; several groupings of the same people are
protected together (``_subgroups_linked``), which can take a large group.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal, TypeAlias, overload

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    BoolArray,
    FloatArray,
    as_array,
    check_choice,
    check_level,
    check_number,
    schema_error,
)
from sparkus._checks_effects import indicator, same_length, vector
from sparkus._errors import EstimationError, SchemaError
from sparkus._frames import Framed, FrameSpec
from sparkus._privacy import Group, distinct_groups, group_label_problems
from sparkus._results import Result, Table, format_number
from sparkus.metrics._compare import two_samples, welch
from sparkus.metrics._estimate import Estimate
from sparkus.metrics._multiple import Adjustment, adjust
from sparkus.metrics._regression import ancova_fit, covariates_check, outcome_check
from sparkus.metrics._rows import paired_rows
from sparkus.metrics._stable import constant
from sparkus.metrics._subgroups_linked import linked_suppression

__all__ = ["SubgroupEffects", "subgroup_effects"]

SubgroupMethod: TypeAlias = Literal["ancova", "difference"]
_METHODS: Final[tuple[SubgroupMethod, ...]] = ("ancova", "difference")
_ADJUSTMENTS: Final[tuple[Adjustment, ...]] = ("holm", "fdr_bh", "bonferroni")
_WITHHELD: Final[dict[str, str]] = {
    "overall": (
        "withheld because a group is suppressed: with the reported groups' effects and sizes "
        "it could give the suppressed group's effect"
    ),
    "n": (
        "withheld because a group is suppressed: less the reported sizes, it would give the "
        "suppressed groups' size"
    ),
}
_ELSEWHERE: Final[dict[str, str]] = {
    "overall": (
        "withheld because a group of another grouping is suppressed: with that grouping's "
        "reported effects and sizes it could give the suppressed group's effect"
    ),
    "n": (
        "withheld because a group of another grouping is suppressed: less that grouping's "
        "reported sizes, it would give the suppressed groups' size"
    ),
}


@attrs.frozen(repr=False, eq=False)
class SubgroupEffects(Framed, Result):
    """The program's effect in each subgroup large enough to report, with adjusted p-values.

    Every mapping has one entry per *reported* group (every group with at least
    `min_group_size` treated and control people, unless groupings protected together in one
    call withhold it: see :func:`subgroup_effects`), in sorted order (ints before strings);
    suppressed groups appear only in `suppressed`, with the reason, and the figures withheld
    to protect them in `withheld`.

    .. versionadded:: 0.1

    Attributes
    ----------
    estimates : dict of group to Estimate
        The effect in each reported group (ready for a forest plot).
    adjusted_pvalues : dict of group to float
        Each group's p-value adjusted by `p_adjust` over the groups in `estimates`.
    n_treated, n_control : dict of group to int
        The number of supported and unsupported people in each reported group.
    suppressed : dict of group to str
        The groups whose figures are withheld for privacy (fewer than `min_group_size` treated
        or control people, or, with several groupings, to protect others), with the rule that
        hid them.
    not_estimable : dict of group to str
        Groups large enough to report whose effect could not be estimated, with the reason
        (their sizes are in `n_treated` and `n_control`).
    overall : Estimate or None
        The effect over everyone, by the same method; None (withheld, see `withheld`) when a
        group is suppressed (of any grouping of the same call), so that it cannot be combined with the reported groups to recover
        a suppressed group's effect.
    n : int or None
        Everyone analysed; None (withheld, see `withheld`) when a group is suppressed (of any
        grouping of the same call).
    method : str
        ``"ancova"`` or ``"difference"``.
    p_adjust : str
        The p-value adjustment: ``"holm"``, ``"fdr_bh"`` or ``"bonferroni"``.
    min_group_size : int
        The fewest supported, and the fewest unsupported, people a reported group has.
    level : float
        The confidence level of the intervals.
    withheld : dict of str to str
        The overall figures withheld (``"overall"``, ``"n"``), with the reason; empty when
        no group is suppressed.

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per reported group (those of `n_treated`,
    in the same order), indexed by ``group``: ``n_treated``, ``n_control``, ``estimate``,
    ``se``, ``ci_low``, ``ci_high``, ``pvalue``, ``adjusted_pvalue`` and ``not_estimable``
    (the reason, None for a group with an estimate, whose figures are then missing). A
    suppressed group has no row, and nothing overall is in the frame (see `overall`);
    ``backend="polars"`` gives ``group`` as the first column.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import subgroup_effects
    >>> rng = np.random.default_rng(2)
    >>> dept = np.repeat(["Sales", "Finance"], [60, 40])
    >>> treated = rng.random(100) < 0.5
    >>> post = 50.0 + 4.0 * treated + rng.normal(0.0, 5.0, 100)
    >>> result = subgroup_effects(post, treated, dept)
    >>> result
    SubgroupEffects(n=100, reported=2, suppressed=0, method=difference, overall=4.774)
    >>> {g: round(e.estimate, 2) for g, e in result.estimates.items()}, result.n_treated
    ({'Finance': 4.15, 'Sales': 5.25}, {'Finance': 23, 'Sales': 28})
    """

    estimates: dict[Group, Estimate]
    adjusted_pvalues: dict[Group, float]
    n_treated: dict[Group, int]
    n_control: dict[Group, int]
    suppressed: dict[Group, str]
    not_estimable: dict[Group, str]
    overall: Estimate | None
    n: int | None
    method: str
    p_adjust: str
    min_group_size: int
    level: float
    withheld: dict[str, str] = attrs.field(factory=dict)

    def _frame(self) -> FrameSpec:
        groups = list(self.n_treated)
        found = [self.estimates.get(g) for g in groups]

        def figure(read: Any) -> list[float | None]:
            return [None if e is None else float(read(e)) for e in found]

        return {
            "group": groups,
            "n_treated": [self.n_treated[g] for g in groups],
            "n_control": [self.n_control[g] for g in groups],
            "estimate": figure(lambda e: e.estimate), "se": figure(lambda e: e.se),
            "ci_low": figure(lambda e: e.ci.low), "ci_high": figure(lambda e: e.ci.high),
            "pvalue": figure(lambda e: e.pvalue),
            "adjusted_pvalue": [self.adjusted_pvalues.get(g) for g in groups],
            "not_estimable": [self.not_estimable.get(g) for g in groups],
        }, ("group",)  # fmt: skip

    def _headline(self) -> str:
        overall = "withheld" if self.overall is None else format_number(self.overall.estimate)
        return (
            f"n={self.n if self.n is not None else 'withheld'}, reported={len(self.estimates)}, "
            f"suppressed={len(self.suppressed)}, method={self.method}, overall={overall}"
        )

    def _tables(self) -> list[Table]:
        pct = f"{100 * self.level:.10g}%"
        headers = ("group", "treated", "control", "effect", "se", f"{pct} low", f"{pct} high",
                   "p-value", f"p ({self.p_adjust})")  # fmt: skip
        rows: list[tuple[str, ...]] = []
        for g in self.n_treated:
            counts = (format_number(g), format_number(self.n_treated[g]),
                      format_number(self.n_control[g]))  # fmt: skip
            if g in self.estimates:
                e = self.estimates[g]
                rows.append((*counts, *(format_number(v) for v in (
                    e.estimate, e.se, e.ci.low, e.ci.high, e.pvalue, self.adjusted_pvalues[g]
                ))))  # fmt: skip
            else:
                rows.append((*counts, "not estimable", "", "", "", "", ""))
        if self.overall is not None:
            e = self.overall
            rows.append(("overall", "", "", *(format_number(v) for v in (
                e.estimate, e.se, e.ci.low, e.ci.high, e.pvalue)), ""))  # fmt: skip
        what = (
            "ANCOVA within each group: y on treated, pre and any covariates (HC1 SE)"
            if self.method == "ancova"
            else "Welch's t-test of treated minus control within each group"
        )
        notes = [
            what,
            f"p-values adjusted ({self.p_adjust}) over the {len(self.estimates)} groups reported",
            (
                f"groups with fewer than {self.min_group_size} treated or control people are "
                "suppressed; every larger group is reported, and the overall figures are "
                "withheld instead"
                if all(not why.startswith("complementary") for why in self.suppressed.values())
                else f"groups with fewer than {self.min_group_size} treated or control people "
                "are suppressed, and so are groups that the groupings reported together would "
                "narrow them or a few people's figures by; the overall figures are withheld"
            ),
            f"overall: n={self.n if self.n is not None else 'withheld'}"
            + ("" if self.overall is not None else ", effect withheld"),
        ]
        notes += [
            f"{what} withheld: {why.split(': ', 1)[-1]}" for what, why in self.withheld.items()
        ]
        tables = [Table("Effect by group", headers, tuple(rows), "\n".join(notes))]
        hidden = [(format_number(g), why) for g, why in self.suppressed.items()]
        hidden += [(format_number(g), why) for g, why in self.not_estimable.items()]
        if hidden:
            tables.append(Table("Groups without an estimate", ("group", "reason"), tuple(hidden)))
        return tables


def _labels(groups: object, n: int, name: str) -> npt.NDArray[Any]:
    array = as_array(groups, name)
    if array.ndim != 1:
        msg = (
            f"expected a 1-D array of group labels, got an array of shape {array.shape}; "
            "pass several groupings as a mapping of name to labels"
        )
        raise schema_error(name, msg)
    same_length(("y", n), (name, array.shape[0]))
    if problems := group_label_problems(array, name, groups):
        raise SchemaError(problems)
    return array


def _groupings(groups: object, n: int, several: bool) -> list[tuple[str, npt.NDArray[Any]]]:
    """Each grouping's name and labels; one grouping given alone is named ``""``."""
    if not several or not isinstance(groups, Mapping):
        return [("", _labels(groups, n, "groups"))]
    if not groups:
        msg = "expected at least one grouping, got an empty mapping"
        raise schema_error("groups", msg)
    out = []
    for name, labels in groups.items():
        if not isinstance(name, str) or not name.strip():
            msg = f"expected each grouping's name as non-blank text, got {name!r}"
            raise schema_error("groups", msg)
        out.append((name, _labels(labels, n, f"groups[{name!r}]")))
    return out


_Inputs = tuple[
    FloatArray, BoolArray, list[tuple[str, npt.NDArray[Any]]], FloatArray | None,
    FloatArray | None,
    tuple[str, ...], SubgroupMethod, int, Adjustment, float,
]  # fmt: skip


def _subgroup_effects_iv(
    y: object, treated: object, groups: object, pre: object, covariates: object,
    method: object, min_group_size: object, p_adjust: object, level: object,
) -> _Inputs:  # fmt: skip
    value = check_level(level)
    how: SubgroupMethod
    if method is None:
        how = "ancova" if pre is not None else "difference"
    else:
        how = check_choice(method, "method", _METHODS)
    adjust_by = check_choice(p_adjust, "p_adjust", _ADJUSTMENTS)
    minimum = int(check_number(min_group_size, "min_group_size", low=1, integer=True))
    if how == "ancova" and pre is None:
        msg = "method='ancova' needs `pre`, the outcome before the program; or use 'difference'"
        raise schema_error("pre", msg)
    if how == "difference" and covariates is not None:
        msg = "are only used by method='ancova'; drop them or pass pre= and method='ancova'"
        raise schema_error("covariates", msg)
    several = isinstance(groups, Mapping)  # as given: a polars table is not a mapping of them
    y, treated, groups, pre, covariates = paired_rows(
        ("y", y), ("treated", treated), ("groups", groups), ("pre", pre),
        ("covariates", covariates),
    )  # fmt: skip
    outcome = vector(y, "y", minimum=2)
    n = len(outcome)
    group = indicator(treated, "treated")
    same_length(("y", n), ("treated", len(group)))
    labels = _groupings(groups, n, several)
    before = None
    if pre is not None:
        before = vector(pre, "pre")
        same_length(("y", n), ("pre", len(before)))
    extra, names = covariates_check(covariates, n, ("intercept", "treated", "pre"))
    return outcome, group, labels, before, extra, names, how, minimum, adjust_by, value


def _effect(
    rows: npt.NDArray[np.intp] | slice,
    data: tuple[FloatArray, BoolArray, FloatArray | None, FloatArray | None, tuple[str, ...]],
    method: SubgroupMethod,
    level: float,
) -> Estimate:
    y, treated, pre, extra, names = data
    if method == "ancova":
        assert pre is not None  # checked by _subgroup_effects_iv
        post = outcome_check(y[rows], "post")
        kept: FloatArray | None = None
        if extra is not None:  # a covariate constant within the group is its intercept: drop it
            block = extra[rows]
            varies = [j for j in range(block.shape[1]) if not constant(block[:, j])]
            kept = block[:, varies] if varies else None
            names = tuple(names[j] for j in varies)
        return ancova_fit(post, pre[rows], treated[rows], kept, names if kept is not None else (),
                          cov="HC1", clusters=None, level=level)  # fmt: skip
    outcome = y[rows] if pre is None else y[rows] - pre[rows]
    arm = treated[rows]
    return welch(*two_samples(outcome[arm], outcome[~arm]), level)


@overload
def subgroup_effects(
    y: npt.ArrayLike,
    treated: npt.ArrayLike,
    groups: Mapping[str, npt.ArrayLike],
    *,
    pre: npt.ArrayLike | None = ...,
    covariates: npt.ArrayLike | Mapping[str, npt.ArrayLike] | Any = ...,
    method: SubgroupMethod | None = ...,
    min_group_size: int = ...,
    p_adjust: Adjustment = ...,
    level: float = ...,
) -> dict[str, SubgroupEffects]: ...


@overload
def subgroup_effects(
    y: npt.ArrayLike,
    treated: npt.ArrayLike,
    groups: npt.ArrayLike,
    *,
    pre: npt.ArrayLike | None = ...,
    covariates: npt.ArrayLike | Mapping[str, npt.ArrayLike] | Any = ...,
    method: SubgroupMethod | None = ...,
    min_group_size: int = ...,
    p_adjust: Adjustment = ...,
    level: float = ...,
) -> SubgroupEffects: ...


def subgroup_effects(
    y: npt.ArrayLike,
    treated: npt.ArrayLike,
    groups: npt.ArrayLike | Mapping[str, npt.ArrayLike],
    *,
    pre: npt.ArrayLike | None = None,
    covariates: npt.ArrayLike | Mapping[str, npt.ArrayLike] | Any = None,
    method: SubgroupMethod | None = None,
    min_group_size: int = 5,
    p_adjust: Adjustment = "holm",
    level: float = 0.95,
) -> SubgroupEffects | dict[str, SubgroupEffects]:
    """The program's effect in each subgroup, with adjusted p-values and privacy suppression.

    .. versionadded:: 0.1

    For each group (a department, a level, a support type), the effect is estimated on that
    group's rows alone:

    - ``method="ancova"``: :func:`ancova` of `y` on `treated` and `pre` (and `covariates`), with
      HC1 standard errors; it agrees with statsmodels' ``OLS(...).fit(cov_type="HC1")``;
    - ``method="difference"``: :func:`welch_ttest` of treated minus control on `y`, or on the
      gain ``y - pre`` when `pre` is given.

    The p-values are then adjusted for the number of groups reported (:func:`adjust_pvalues`):
    among many groups, some look different by chance.

    Privacy rule. A group with fewer than `min_group_size` treated or fewer than
    `min_group_size` control people is suppressed: none of its figures is published. With one
    grouping, every other group is reported, always: a large group's effect is never hidden to
    protect a small one. A suppressed group is protected by what is withheld instead: whenever
    a group is suppressed, the overall effect and the total (`overall`, `n`) are withheld, because the
    overall effect together with the reported groups' effects and sizes can give a suppressed
    group's effect (exactly, by difference in means, when the groups' treated shares are
    equal), and the total less the reported sizes gives the suppressed groups' size. Each
    reported figure is then computed from its own group's rows alone, so no published figure
    depends on a suppressed group's data at all: any values of theirs are consistent with what
    is published. `withheld` says what was withheld and why; reasons name the rule, never a
    count it protects. The adjusted p-values count only the reported groups.

    Several groupings. Subgroup effects of the same people by different groupings (department
    and level) are linked: a level's counts less the reported departments' can give a
    suppressed department's, and two groups of different groupings whose treated, or whose
    control, people differ by a few give those few people's outcomes by difference. Pass them
    together, as a mapping of grouping name to labels, and they are protected together, against
    an attacker who knows everyone's groups and every figure of the call:

    - *counts*: the treated counts of every group of every grouping are one linked table of the
      disclosure-control core (the dashboard's, see the privacy documentation); after the small
      groups, further groups are suppressed, across the groupings at once and those of fewest
      people first, until every suppressed group's treated count, and that of every set of
      fewer than `min_group_size` people who share all their groups, keeps a range of at least
      half of ``min(min_group_size, n)`` of its people against the published counts;
    - *effects*: of two reported groups whose treated, or whose control, people differ by 1 to
      ``min_group_size - 1``, the smaller is suppressed (on a tie, the later grouping's), and so
      is the smallest holding a few such people (``X - U + W``, or any longer combination)
      whom the reported groups' effects combine to isolate;
    - the overall effect and the total are withheld, in every grouping's result, whenever any
      group of any grouping is suppressed.

    A large group may then be suppressed to protect others (its reason says so): a complete
    grouping's counts sum to the total that another grouping's hidden group needs kept unknown.
    Separate calls are separate publications that this function cannot see: what one call
    publishes can undo what another withholds, so pass every grouping you publish in one call.
    Nor can it see an overall effect published elsewhere.

    Parameters
    ----------
    y : array-like of float, shape (n,)
        The outcome after the program.
    treated : array-like of bool or {0, 1}, shape (n,)
        Whether each person was supported.
    groups : array-like of str or int, shape (n,), or mapping of str to array-like
        Each person's group; or several groupings of the same people, by name (one label per
        person in each), protected together.
    pre : array-like of float, shape (n,), optional
        The outcome before the program.
    covariates : array-like of shape (n,) or (n, p), or a mapping of name to column, optional
        More adjustment variables, for ``method="ancova"`` (see :func:`ols`).
    method : {"ancova", "difference"}, optional
        The estimator within each group; by default ``"ancova"`` when `pre` is given, else
        ``"difference"``.
    min_group_size : int, default 5
        The fewest treated, and the fewest control, people in a reported group (5 is the
        common default of people analytics tools; `Program.min_group_size`).
    p_adjust : {"holm", "fdr_bh", "bonferroni"}, default "holm"
        The multiple-testing adjustment: ``"holm"`` controls the chance of any false finding,
        ``"fdr_bh"`` the expected share of false findings.
    level : float, default 0.95
        The confidence level of the intervals.

    Returns
    -------
    SubgroupEffects or dict of str to SubgroupEffects
        The reported groups' effects and sizes, the adjusted p-values, what was suppressed and
        why, and the overall effect when nothing is suppressed; for a mapping of groupings, one
        per grouping under its name, in the mapping's order, each with its p-values adjusted
        over its own reported groups and all with the same `overall` and `n`.

    Raises
    ------
    EstimationError
        If the inputs differ in length or hold a missing value (the rows are named).
    SchemaError
        If an option is not an allowed value, `treated` is not 0/1, a group label is not a
        str or an int, is blank, or is one group written two ways (labels that differ only in
        case, white space or Unicode form), a mapping of groupings is empty or names one by
        anything but non-blank text, ``method="ancova"`` comes without `pre`, or `covariates`
        come with ``method="difference"``.

    Notes
    -----
    Subgroup effects are noisier than the overall effect, and differences between them are
    noisier still: a group whose interval excludes zero next to one whose interval does not is
    no evidence that the effects differ. Treat subgroups found after the fact as hypotheses.
    Within a group, a covariate that is constant there (seniority within a level) is dropped
    from that group's model: the intercept absorbs it. A group whose effect cannot be estimated
    (a constant outcome, a singular design) is listed in `not_estimable` with the reason; the
    others are still reported.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import subgroup_effects
    >>> rng = np.random.default_rng(2)
    >>> dept = np.repeat(["Sales", "Finance", "Marketing", "People"], [120, 80, 60, 9])
    >>> treated = rng.random(269) < 0.5
    >>> pre = rng.normal(50.0, 10.0, 269)
    >>> post = pre + 2.0 + 4.0 * treated + rng.normal(0.0, 5.0, 269)
    >>> result = subgroup_effects(post, treated, dept, pre=pre)
    >>> {g: round(e.estimate, 2) for g, e in result.estimates.items()}
    {'Finance': 2.93, 'Marketing': 5.36, 'Sales': 2.32}
    >>> {g: round(p, 4) for g, p in result.adjusted_pvalues.items()}
    {'Finance': 0.0172, 'Marketing': 0.0003, 'Sales': 0.0172}
    >>> result.suppressed
    {'People': 'fewer than 5 treated or control people'}
    >>> result.overall is None, result.n is None, list(result.withheld)
    (True, True, ['overall', 'n'])
    >>> result.to_frame().index.tolist()  # the suppressed group has no row
    ['Finance', 'Marketing', 'Sales']

    Two groupings in one call. The board's one member is also a senior: the levels' counts less
    the departments' would give the board's, so two departments are suppressed with it:

    >>> rng = np.random.default_rng(2)
    >>> dept = np.repeat(["Sales", "Finance", "People", "Board"], [80, 60, 59, 1])
    >>> level = np.array(["staff", "manager", "senior"])[np.arange(200) % 3]
    >>> level[199] = "senior"
    >>> treated = rng.random(200) < 0.5
    >>> post = 50.0 + 4.0 * treated + rng.normal(0.0, 5.0, 200)
    >>> both = subgroup_effects(post, treated, {"department": dept, "level": level})
    >>> both["department"].n_treated, both["level"].n_treated
    ({'Sales': 36}, {'manager': 35, 'senior': 30, 'staff': 32})
    >>> for group, why in both["department"].suppressed.items():
    ...     print(f"{group}: {why}")
    Board: fewer than 5 treated or control people
    Finance: complementary: with the other groupings' counts, its counts would narrow a suppressed group's
    People: complementary: with the other groupings' counts, its counts would narrow a suppressed group's
    >>> both["level"].overall is None, list(both["level"].withheld)
    (True, ['overall', 'n'])
    """
    y_, t_, labels, pre_, extra, names, how, m, adjust_by, value = _subgroup_effects_iv(
        y, treated, groups, pre, covariates, method, min_group_size, p_adjust, level
    )
    data = (y_, t_, pre_, extra, names)
    groupings = [(name, *distinct_groups(codes)) for name, codes in labels]
    hidden = linked_suppression(t_, groupings, m)
    overall: Estimate | None = None
    if not any(hidden):
        try:
            overall = _effect(slice(None), data, how, value)
        except EstimationError:
            overall = None
    options = (how, m, adjust_by, value)
    results = {}
    for (name, keys, index), suppressed in zip(groupings, hidden, strict=True):
        withheld = (_WITHHELD if suppressed else _ELSEWHERE) if any(hidden) else {}
        results[name] = _grouping_effects(keys, index, suppressed, overall, data, options, withheld)
    return results if isinstance(groups, Mapping) else results[""]


def _grouping_effects(
    keys: list[Group],
    index: npt.NDArray[np.intp],
    suppressed: dict[Group, str],
    overall: Estimate | None,
    data: tuple[FloatArray, BoolArray, FloatArray | None, FloatArray | None, tuple[str, ...]],
    options: tuple[SubgroupMethod, int, Adjustment, float],
    withheld: dict[str, str],
) -> SubgroupEffects:
    """One grouping's result, given its suppressed groups and what is withheld, and why."""
    how, m, adjust_by, value = options
    t_ = data[1]
    k = len(keys)
    n_t = np.bincount(index, weights=t_, minlength=k).astype(np.int64)
    n_c = np.bincount(index, minlength=k).astype(np.int64) - n_t
    shown = [i for i in range(k) if keys[i] not in suppressed]
    order = np.argsort(index, kind="stable")
    bounds = np.searchsorted(index[order], np.arange(k + 1))
    estimates: dict[Group, Estimate] = {}
    failed: dict[Group, str] = {}
    for i in shown:
        rows = np.sort(order[bounds[i] : bounds[i + 1]])
        try:
            estimates[keys[i]] = _effect(rows, data, how, value)
        except EstimationError as exc:
            failed[keys[i]] = f"not estimable: {exc}"
    adjusted = adjust(np.array([e.pvalue for e in estimates.values()], dtype=np.float64), adjust_by)
    return SubgroupEffects(
        estimates=estimates,
        adjusted_pvalues={g: float(p) for g, p in zip(estimates, adjusted, strict=True)},
        n_treated={keys[i]: int(n_t[i]) for i in shown},
        n_control={keys[i]: int(n_c[i]) for i in shown},
        suppressed=suppressed,
        not_estimable=failed,
        overall=overall,
        n=None if "n" in withheld else len(t_),
        method=how,
        p_adjust=adjust_by,
        min_group_size=m,
        level=value,
        withheld=dict(withheld),
    )

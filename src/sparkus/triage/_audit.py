"""The fairness audit of a triage: selection rates, impact ratios and the four-fifths rule.

A tool that decides who gets human development support is a high-risk employment system under
the EU AI Act (Annex III, point 4), and New York City's Local Law 144 requires automated
employment decision tools to pass a bias audit that reports selection rates and impact ratios by
category. :func:`audit` computes those figures from who was selected and to which group each
person belongs, and flags adverse impact by the four-fifths rule of the Uniform Guidelines on
Employee Selection Procedures (29 CFR 1607.4(D)). It publishes nothing about small groups, and
protects them by withholding totals, never by hiding a large group's flag (``_audit_rules``).
"""

from __future__ import annotations

import warnings
from typing import Any, Final, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import align_rows, as_array, check_number
from sparkus._checks_effects import indicator
from sparkus._errors import EstimationError, Problem, SchemaError, SparkusWarning, shown
from sparkus._frames import Framed, FrameSpec
from sparkus._privacy import Group, distinct_groups, group_label_problems
from sparkus._results import Result, Table, format_number
from sparkus.triage._audit_rules import disclose
from sparkus.triage._labels import length_problems

__all__ = ["AuditResult", "audit"]

FOUR_FIFTHS: Final = 0.8
"""A selection rate below this share of the highest group's rate is evidence of adverse impact."""


@attrs.frozen(repr=False, eq=False)
class AuditResult(Framed, Result):
    """Selection rates, impact ratios and four-fifths flags of every group large enough to publish.

    Every mapping has one entry per *published* group (sorted): each group of at least
    `min_group_size` people, always. Smaller groups are hidden and listed only in `suppressed`,
    with the reason; what the audit could not do or protect is said in `limits` and `exposed`.

    .. versionadded:: 0.1

    Attributes
    ----------
    counts : dict of group to int
        The number of people in each published group.
    selected_counts : dict of group to int
        How many of them were selected.
    selection_rates : dict of group to float
        ``selected_counts / counts``.
    impact_ratios : dict of group to float or None
        Each selection rate divided by that of `reference_group`, in ``[0, 1]``. None for every
        group when no published group had anyone selected: the ratio is then 0/0, undefined (a
        :class:`~sparkus.SparkusWarning` says so, and nothing is flagged).
    flagged : dict of group to bool
        Whether the impact ratio is below 0.8 (the four-fifths rule), decided in exact integer
        arithmetic so a ratio of exactly 0.8 is never flagged by rounding.
    tpr : dict of group to float or None, or None
        With `labels`: of the people in each published group who would benefit, the share
        selected (the true-positive rate). None (withheld) for a group in which fewer than
        `min_group_size` would benefit, or 1 to ``min_group_size - 1`` would not (the group's
        selected count less the rate's would give their count). None without `labels`.
    tpr_gap : float or None
        The highest minus the lowest published true-positive rate; None without `labels` or
        with fewer than two published rates.
    suppressed : dict of group to str
        The hidden groups (fewer than `min_group_size` people), with the rule that hid them.
    min_group_size : int
        The smallest group whose figures are published; also the protection width (see
        :func:`audit`).
    reference_group : str, int or None
        The published group with the highest selection rate (the first in sorted order on a
        tie); None if no group is published or nobody was selected.
    n : int or None
        Everyone audited; None (withheld, see `withheld`) when a group is hidden.
    n_selected : int or None
        Everyone selected; None (withheld, see `withheld`) when a group is hidden.
    exposed : dict of group to str
        Withheld figures that the published ones (with the total selected, if `total_known`)
        narrow below the protection width, because protecting them would mean withholding a
        large group's figures: which figure, and why. Empty when every withheld figure is
        protected.
    limits : tuple of str
        What the audit could not do because doing it would expose someone: hidden groups are
        not audited; with one published group there is nothing to compare. Empty when every
        group is published.
    withheld : dict of str to str
        The totals withheld (``"n"``, ``"n_selected"``), with the reason.
    total_known : bool
        Whether the audit assumed that readers know the total selected from elsewhere.
    p_values : dict of group to float or None
        Per published group, the two-sided p-value of Fisher's exact test of its selection
        against the reference group's (the 2x2 table of selected and not selected in both);
        None for the reference group, and for every group when the ratios are undefined. The
        Uniform Guidelines weigh a ratio by whether its difference is "based on small numbers
        and ... not statistically significant" (29 CFR 1607.4(D)): a group of five flagged
        at a ratio of 0.4 against 50 of 100 has p = 0.36. It is computed from the published
        counts alone, so it discloses nothing more.

        .. versionadded:: 0.1

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per published group (those of `counts`, in
    the same order), indexed by ``group``: ``n``, ``selected``, ``selection_rate``,
    ``impact_ratio`` (missing where undefined), ``flagged``, ``p_value`` (missing for the
    reference group), ``reference`` (whether it is `reference_group`) and, with `labels`,
    ``tpr`` (missing where withheld). A hidden group
    has no row; ``backend="polars"`` gives ``group`` as the first column.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.triage import audit
    >>> groups = np.repeat(["A", "B"], [80, 40])
    >>> selected = np.r_[np.arange(80) < 48, np.arange(40) < 12]
    >>> result = audit(selected, groups)
    >>> result
    AuditResult(n=120, reported=2, suppressed=0, flagged=['B'], reference_group='A')
    >>> result.impact_ratios, result.n_selected
    ({'A': 1.0, 'B': 0.5}, 60)
    """

    counts: dict[Group, int]
    selected_counts: dict[Group, int]
    selection_rates: dict[Group, float]
    impact_ratios: dict[Group, float | None]
    flagged: dict[Group, bool]
    tpr: dict[Group, float | None] | None
    tpr_gap: float | None
    suppressed: dict[Group, str]
    min_group_size: int
    reference_group: Group | None
    n: int | None
    n_selected: int | None
    exposed: dict[Group, str] = attrs.field(factory=dict)
    limits: tuple[str, ...] = ()
    withheld: dict[str, str] = attrs.field(factory=dict)
    total_known: bool = False
    p_values: dict[Group, float | None] = attrs.field(factory=dict)

    def _frame(self) -> FrameSpec:
        groups = list(self.counts)
        columns: dict[str, Any] = {
            "group": groups,
            "n": [self.counts[g] for g in groups],
            "selected": [self.selected_counts[g] for g in groups],
            "selection_rate": [self.selection_rates[g] for g in groups],
            "impact_ratio": [self.impact_ratios[g] for g in groups],
            "flagged": [self.flagged[g] for g in groups],
            "p_value": [self.p_values.get(g) for g in groups],
            "reference": [g == self.reference_group for g in groups],
        }
        if self.tpr is not None:
            columns["tpr"] = [self.tpr[g] for g in groups]
        return columns, ("group",)

    def _headline(self) -> str:
        flagged = [g for g, f in self.flagged.items() if f]
        text = (
            f"n={self.n if self.n is not None else 'withheld'}, reported={len(self.counts)}, "
            f"suppressed={len(self.suppressed)}, flagged={shown(flagged)}, "
            f"reference_group={shown(self.reference_group)}"
        )
        return text + (f", exposed={shown(list(self.exposed))}" if self.exposed else "")

    def _tables(self) -> list[Table]:
        headers: tuple[str, ...] = (
            "group", "n", "selected", "selection rate", "impact ratio", "four-fifths", "Fisher p"
        )  # fmt: skip
        if self.tpr is not None:
            headers += ("TPR",)
        rows: list[tuple[str, ...]] = []
        for g in self.counts:
            ratio = self.impact_ratios[g]
            verdict = "flagged" if self.flagged[g] else "-" if ratio is None else "ok"
            row: tuple[str, ...] = (
                format_number(g), format_number(self.counts[g]),
                format_number(self.selected_counts[g]), format_number(self.selection_rates[g]),
                "undefined" if ratio is None else format_number(ratio), verdict,
                format_number(self.p_values.get(g)),
            )  # fmt: skip
            if self.tpr is not None:
                row += (format_number(self.tpr[g]),)
            rows.append(row)
        notes = [
            (
                f"reference group: {format_number(self.reference_group)}; flagged: impact "
                f"ratio below {FOUR_FIFTHS} (29 CFR 1607.4(D)), among the published groups"
            )
            if self.reference_group is not None or not self.counts
            else (
                "impact ratios undefined: nobody was selected in any published group (0/0), so "
                "the four-fifths rule flags nobody"
            ),
            (
                f"groups of fewer than {self.min_group_size} people are hidden and not audited; "
                "every larger group is published, and the totals are withheld instead"
            ),
            (
                "Fisher p: two-sided exact test of the group's selection against the reference "
                "group's; a flag with a large p may rest on small numbers"
            ),
        ]
        if self.tpr is not None:
            gap = format_number(self.tpr_gap)
            notes.append(
                f"TPR: share selected among those who would benefit (gap {gap}); '-' where "
                f"fewer than {self.min_group_size} would benefit, or would not"
            )
        notes.append(
            f"totals: n={format_number(self.n) if self.n is not None else 'withheld'}, "
            f"selected={format_number(self.n_selected) if self.n_selected is not None else 'withheld'}"
        )
        notes += [f"limit: {text}" for text in self.limits]
        tables = [Table("Selection rates by group", headers, tuple(rows), "\n".join(notes))]
        if self.suppressed:
            hidden = tuple((format_number(g), why) for g, why in self.suppressed.items())
            tables.append(Table("Suppressed groups", ("group", "reason"), hidden))
        if self.exposed:
            known = " and the total selected known elsewhere" if self.total_known else ""
            note = f"the attacker: every figure above{known}, and every person's group"
            exposed = tuple((format_number(g), why) for g, why in self.exposed.items())
            tables.append(Table("Not protected", ("group", "what is exposed"), exposed, note))
        return tables


def _bool_array(
    value: object, name: str, n: int | None
) -> tuple[npt.NDArray[np.bool_], list[Problem]]:
    """Booleans, or the numbers 0 and 1 (as pandas and scikit-learn hand them over), one per row.

    Any other number (2, -1, 0.5), text, or a missing value is refused, naming the rows.
    """
    try:
        array = indicator(value, name)
    except (SchemaError, EstimationError) as err:
        problems = (
            list(err.problems) if isinstance(err, SchemaError) else [Problem((name,), str(err))]
        )
        return np.zeros(0, dtype=bool), problems
    if n is not None and array.shape[0] != n:
        return array, length_problems([("groups", n), (name, array.shape[0])])
    return array, []


def _groups_array(value: object) -> tuple[npt.NDArray[Any], list[Problem]]:
    array = as_array(value, "groups")
    if array.ndim != 1:
        msg = f"expected a 1-D array of group labels, got an array of shape {array.shape}"
        return array, [Problem(("groups",), msg)]
    return array, group_label_problems(array, "groups", value)


def _audit_iv(
    selected: object, groups: object, labels: object, min_group_size: object, total_known: object
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[Any], npt.NDArray[np.bool_] | None, int]:
    inputs = [("selected", selected), ("groups", groups)]
    if labels is not None:
        inputs.append(("labels", labels))
    aligned = align_rows(*inputs)
    selected, groups = aligned[0], aligned[1]
    labels = aligned[2] if labels is not None else None
    group_array, problems = _groups_array(groups)
    n = group_array.shape[0] if group_array.ndim == 1 else None
    if n == 0:
        problems.append(Problem(("groups",), "is empty; pass one group per person"))
    chosen, more = _bool_array(selected, "selected", n)
    problems += more
    truth: npt.NDArray[np.bool_] | None = None
    if labels is not None:
        truth, more = _bool_array(labels, "labels", n)
        problems += more
    check_number(min_group_size, "min_group_size", low=1, integer=True, problems=problems)
    if not isinstance(total_known, bool | np.bool_):
        msg = f"expected True or False, got {type(total_known).__name__} {shown(total_known)}"
        problems.append(Problem(("total_known",), msg))
    if problems:
        raise SchemaError(problems)
    return chosen, group_array, truth, int(cast(int, min_group_size))


def audit(
    selected: npt.ArrayLike,
    groups: npt.ArrayLike,
    *,
    labels: npt.ArrayLike | None = None,
    min_group_size: int = 5,
    total_known: bool = False,
) -> AuditResult:
    """Audit a triage for adverse impact: selection rates and impact ratios by group.

    For each group: its size, how many were selected and the selection rate; the impact ratio
    (the rate divided by the highest rate among the published groups, as New York City Local
    Law 144 asks); and a flag when the ratio is below four fifths (29 CFR 1607.4(D)). With
    `labels` (who would truly benefit), also the true-positive rate of each group and the
    largest gap between groups (equal opportunity).

    Privacy rule. Every group of at least `min_group_size` people is published, with its
    impact ratio and flag, always: a small group is never protected by hiding a large group's
    flag. A smaller group is hidden: none of its figures is published, and it is not audited.
    It is protected by what the audit withholds about it and about the totals: whenever a
    group is hidden, the number audited and the number selected (`n`, `n_selected`) are
    withheld, since either, less the published groups, would give the hidden groups' size or
    selected count. A true-positive rate is published where at least `min_group_size` people
    of a published group would benefit and nobody or at least `min_group_size` would not (the
    group's selected count less the rate's count is the count of those who would not), and the
    gap is taken among the published rates.

    The attacker the rule is checked against knows every figure of the result, each person's
    group (so every headcount) and who would benefit, and with ``total_known=True`` also the
    number selected in all. A withheld count is protected when the figures published leave it
    a range at least the protection width wide: `min_group_size`, or, for a count of fewer
    people than that (a hidden group's selected count), its whole range from 0 to its size.
    Where that cannot hold without withholding a large group's figures, the result says so in
    `exposed`, in the summary and with a :class:`~sparkus.SparkusWarning`: a group's
    published selected count can narrow how many of the few in it who would benefit were
    selected, and a total selected known elsewhere, less the published counts, gives a lone
    hidden group's count. What the audit could not do (audit the hidden groups; compare
    anything when one group is published) is said in `limits`. Reasons never carry a count
    the rule protects. Two audits of the same people by different groupings are linked tables:
    each one's figures constrain the other's hidden cells, so protect them together (the
    total selected that one publishes is known to the other: pass ``total_known=True``).

    pandas Series are aligned by their index; indexes that do not hold the same labels are a
    :class:`~sparkus.SchemaError` naming both inputs.

    Parameters
    ----------
    selected : array-like of bool, shape (n,)
        Whether the triage selected each person for human support: booleans, or the numbers
        0 and 1 (as pandas and scikit-learn hand them over); any other value is refused.
    groups : array-like of str or int, shape (n,)
        Each person's group (e.g. a gender or an age band).
    labels : array-like of bool, shape (n,), optional
        Whether each person would truly benefit from support (booleans, or 0 and 1).
    min_group_size : int, default 5
        The smallest group whose figures are published (5 is the common default of people
        analytics tools; see the documentation on privacy), and the protection width.
    total_known : bool, default False
        Whether readers know how many were selected in all from elsewhere (the program's
        places, a published triage, another audit of the same people). The totals are
        withheld either way; with True, the audit also checks the hidden groups against that
        total and reports in `exposed` those it gives away.

    Returns
    -------
    AuditResult
        The published groups' figures, the hidden groups with reasons, what the audit could
        not do or protect, the reference group, and the totals when no group is hidden.

    Raises
    ------
    SchemaError
        If the arrays differ in length or are empty, `selected` or `labels` hold a value other
        than a boolean, 0 or 1 (or a missing one; the rows are named), a group label is not a
        str or an int, is blank (the rows are named) or is one group written two ways
        (labels that differ only in case, white space or Unicode form), pandas indexes disagree, `min_group_size` is not an integer of at
        least 1, or `total_known` is not a bool.

    Warns
    -----
    SparkusWarning
        When nobody was selected in any published group: the impact ratios are undefined
        (None); and when a withheld figure is exposed (see `exposed`).

    Examples
    --------
    Selected for human sessions: group A 50 of 100 (0.50), B 30 of 100 (0.30), C 3 of 4. C is
    hidden; A and B are published, so B's impact ratio is 0.30 / 0.50 = 0.6, below 0.8, and
    B is flagged. The totals are withheld: with them, C's count would follow by subtraction.

    >>> import numpy as np
    >>> from sparkus.triage import audit
    >>> groups = np.repeat(["A", "B", "C"], [100, 100, 4])
    >>> selected = np.r_[np.arange(100) < 50, np.arange(100) < 30, np.arange(4) < 3]
    >>> result = audit(selected, groups)
    >>> result.impact_ratios, result.flagged
    ({'A': 1.0, 'B': 0.6}, {'A': False, 'B': True})
    >>> result.suppressed, result.n_selected
    ({'C': 'fewer than 5 people'}, None)
    >>> result.limits[0].split(":")[0]
    '1 group has fewer than 5 people and is not audited'

    As a table, the hidden group C has no row:

    >>> frame = result.to_frame()
    >>> frame.index.tolist(), frame["impact_ratio"].tolist(), frame["flagged"].tolist()
    (['A', 'B'], [1.0, 0.6], [False, True])

    .. versionadded:: 0.1
    """
    chosen, group_array, truth, m = _audit_iv(selected, groups, labels, min_group_size, total_known)
    names, index = distinct_groups(group_array)
    counts = np.bincount(index, minlength=len(names)).astype(np.int64)
    hits = np.bincount(index, weights=chosen, minlength=len(names)).astype(np.int64)
    positives: npt.NDArray[np.int64] | None = None
    true_hits: npt.NDArray[np.int64] | None = None
    if truth is not None:
        positives = np.bincount(index, weights=truth, minlength=len(names)).astype(np.int64)
        true_hits = np.bincount(index, weights=truth & chosen, minlength=len(names)).astype(
            np.int64
        )
    rule = disclose(counts, hits, positives, true_hits, m, total_known=bool(total_known))
    listed = rule.shown
    suppressed: dict[Group, str] = {names[i]: f"fewer than {m} people" for i in rule.hidden}

    rates = {names[i]: float(hits[i] / counts[i]) for i in listed}
    reference: int | None = None
    for i in listed:  # the first highest rate, compared exactly: hits_i / n_i > hits_r / n_r
        if reference is None or hits[i] * counts[reference] > hits[reference] * counts[i]:
            reference = i
    ratios: dict[Group, float | None] = {}
    flagged: dict[Group, bool] = {}
    undefined = reference is None or hits[reference] == 0
    for i in listed:
        if undefined:  # 0 / 0: no group had anyone selected, so no rate to compare with
            ratios[names[i]], flagged[names[i]] = None, False
            continue
        assert reference is not None  # for the type checker: `undefined` covers None
        ratios[names[i]] = float((hits[i] * counts[reference]) / (hits[reference] * counts[i]))
        # ratio < 4/5  <=>  5 * hits_i * n_ref < 4 * hits_ref * n_i, in exact integers
        flagged[names[i]] = bool(5 * hits[i] * counts[reference] < 4 * hits[reference] * counts[i])
    if listed and undefined:
        msg = (
            "nobody was selected in any published group, so every impact ratio is undefined "
            "(0/0) and reported as None; the four-fifths rule cannot flag anyone"
        )
        warnings.warn(msg, SparkusWarning, stacklevel=2)
        reference = None

    p_values = {
        names[i]: None if reference is None or i == reference
        else _fisher(int(hits[i]), int(counts[i]), int(hits[reference]), int(counts[reference]))
        for i in listed
    }  # fmt: skip
    tpr: dict[Group, float | None] | None = None
    tpr_gap: float | None = None
    if positives is not None and true_hits is not None:
        tpr = {
            names[i]: float(true_hits[i] / positives[i]) if i in rule.tpr_shown else None
            for i in listed
        }
        published = [v for v in tpr.values() if v is not None]
        tpr_gap = max(published) - min(published) if len(published) >= 2 else None

    exposed = {names[i]: "; ".join(why) for i, why in rule.exposed.items()}
    if exposed:
        msg = (
            f"the audit cannot protect every withheld figure of {shown(sorted(exposed, key=str))} "
            "without withholding a large group's figures; see `exposed`"
        )
        warnings.warn(msg, SparkusWarning, stacklevel=2)
    return AuditResult(
        counts={names[i]: int(counts[i]) for i in listed},
        selected_counts={names[i]: int(hits[i]) for i in listed},
        selection_rates=rates,
        impact_ratios=ratios,
        flagged=flagged,
        tpr=tpr,
        tpr_gap=tpr_gap,
        suppressed=suppressed,
        min_group_size=m,
        reference_group=None if reference is None else names[reference],
        n=None if suppressed else int(counts.sum()),
        n_selected=None if suppressed else int(hits.sum()),
        exposed=exposed,
        limits=rule.limits,
        withheld=rule.withheld,
        total_known=bool(total_known),
        p_values=p_values,
    )


def _fisher(hits: int, n: int, reference_hits: int, reference_n: int) -> float:
    """Two-sided p-value of Fisher's exact test of a group's selection against the reference's."""
    from scipy.stats import fisher_exact

    table = np.array([[hits, n - hits], [reference_hits, reference_n - reference_hits]])
    return float(fisher_exact(table).pvalue)

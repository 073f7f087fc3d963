"""The report's sections on the program's set-up: budget and plan, triage, matching, fairness.

:func:`~sparkus.metrics.render_html` takes the results of the earlier steps as optional inputs
(a support plan, a triage, assignments, fairness audits). ``metrics`` does not import the
packages that make them (the layout's rule), so each is described here by the few figures the
report reads from it, as a :class:`typing.Protocol`: a :class:`~sparkus.matching.SupportPlan`,
a :class:`~sparkus.triage.TriageResult`, an :class:`~sparkus.matching.Assignment` and an
:class:`~sparkus.triage.AuditResult` fit them, and the type checker checks the call.

The same privacy rule as the rest of the page: only aggregates, and a group of 1 to
``min_group_size - 1`` people is withheld. As on the dashboard, how many people a group of
known membership has (a support type, a department) is not itself protected, since the stated
attacker knows everyone's memberships; what is said about them is. So where a table's total is
published, the figures of the next smallest group are withheld too (a plan's cost and
expected effect by support type, say), and so is a count that is itself a finding about people
(how many are at each readiness level, how many were not placed and why), else subtraction
from the total would give them back. A support type the plan withholds is withheld in the
matching section too. A reason never carries the count it protects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from sparkus._checks import describe
from sparkus._errors import Problem, SchemaError
from sparkus.metrics._tracking.display import (
    DASH,
    SUPPRESSED_TEXT,
    count_text,
    group_label,
    level_text,
    number_text,
    percent_text,
)
from sparkus.metrics._tracking.html_parts import E, html_table, open_section
from sparkus.metrics._tracking.plan_withhold import PlanWithheld, plan_withheld

__all__ = [
    "AssignmentLike",
    "AuditLike",
    "PlanLike",
    "Sections",
    "TriageLike",
    "check_audit_minimum",
    "check_sections",
    "plan_hidden",
    "sections_html",
    "withhold",
]


@runtime_checkable
class TriageLike(Protocol):
    """What the report reads of a triage (a :class:`~sparkus.triage.TriageResult`)."""

    @property
    def method(self) -> str: ...
    @property
    def review(self) -> npt.NDArray[np.bool_]: ...
    @property
    def n(self) -> int: ...
    @property
    def counts(self) -> dict[str, int]: ...
    @property
    def session_saving(self) -> float: ...


@runtime_checkable
class PlanLike(Protocol):
    """What the report reads of a support plan (a :class:`~sparkus.matching.SupportPlan`)."""

    @property
    def budget(self) -> float: ...
    @property
    def total_cost(self) -> float: ...
    @property
    def currency(self) -> str: ...
    @property
    def expected_effect(self) -> float: ...
    @property
    def confidence_interval(self) -> tuple[float, float]: ...
    @property
    def confidence_level(self) -> float: ...
    @property
    def n(self) -> int: ...
    @property
    def supported(self) -> int: ...
    def totals(self, by: Literal["support"] = "support") -> dict[str, dict[str, float]]: ...


@runtime_checkable
class AssignmentLike(Protocol):
    """What the report reads of an assignment (a :class:`~sparkus.matching.Assignment`)."""

    @property
    def n(self) -> int: ...
    @property
    def n_assigned(self) -> int: ...
    @property
    def unassigned(self) -> Mapping[Any, str]: ...
    @property
    def capacity(self) -> npt.NDArray[np.int64]: ...
    @property
    def mean_compatibility(self) -> float | None: ...


@runtime_checkable
class AuditLike(Protocol):
    """What the report reads of a fairness audit (a :class:`~sparkus.triage.AuditResult`)."""

    @property
    def counts(self) -> Mapping[Any, int]: ...
    @property
    def selection_rates(self) -> Mapping[Any, float]: ...
    @property
    def impact_ratios(self) -> Mapping[Any, float | None]: ...
    @property
    def flagged(self) -> Mapping[Any, bool]: ...
    @property
    def suppressed(self) -> Mapping[Any, str]: ...
    @property
    def exposed(self) -> Mapping[Any, str]: ...
    @property
    def min_group_size(self) -> int: ...


Sections = tuple[
    PlanLike | None,
    TriageLike | None,
    Mapping[str, AssignmentLike] | None,
    Mapping[str, AuditLike] | None,
]


def check_sections(plan: object, triage: object, matching: object, audit: object) -> Sections:
    """The optional inputs, checked: each None or of its kind, every problem named at once."""
    problems: list[Problem] = []

    def one(value: object, kind: type, name: str, what: str) -> None:
        if value is not None and not isinstance(value, kind):
            problems.append(Problem((name,), f"expected {what} or None, got {describe(value)}"))

    def many(value: object, kind: type, name: str, what: str) -> None:
        if value is None:
            return
        if not isinstance(value, Mapping) or not value:
            msg = f"expected a non-empty mapping of names to {what}, or None, got {describe(value)}"
            problems.append(Problem((name,), msg))
            return
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(Problem((name,), f"expected string keys, got {describe(key)}"))
            elif not isinstance(item, kind):
                problems.append(Problem((name, key), f"expected {what}, got {describe(item)}"))

    one(plan, PlanLike, "plan", "a SupportPlan (from sparkus.matching.plan_support)")
    one(triage, TriageLike, "triage", "a TriageResult (from sparkus.triage.triage)")
    many(matching, AssignmentLike, "matching", "Assignment results (from sparkus.matching.assign)")
    many(audit, AuditLike, "audit", "AuditResult (from sparkus.triage.audit)")
    if problems:
        raise SchemaError(problems)
    return plan, triage, matching, audit  # type: ignore[return-value]  # checked just above


def check_audit_minimum(audits: Mapping[str, AuditLike] | None, minimum: int) -> None:
    """Refuse an audit whose minimum group size is below the report's.

    Its impact ratios and flags are taken against the highest rate among the groups it
    published; a group the report must hide may be that reference, and a shown group's rate
    divided by its ratio would give the hidden group's rate back.
    """
    problems = [
        Problem(("audit", key), f"was run with min_group_size={a.min_group_size}, below the "
                f"snapshot's {minimum}: its impact ratios and flags are taken against groups the "
                f"report must hide; run audit(..., min_group_size={minimum}) for the report")
        for key, a in (audits or {}).items()
        if a.min_group_size < minimum
    ]  # fmt: skip
    if problems:
        raise SchemaError(problems)


def withhold(counts: Sequence[int | None], minimum: int, *, total_known: bool = True) -> set[int]:
    """The positions of `counts` to withhold: 1 to ``minimum - 1`` people, and complements.

    With the table's total published, the withheld counts' sum is the total minus the others,
    and a reader knows each withheld count is at least 1 (a 0 is shown): of `h` withheld counts
    summing to `s`, each is known to lie within 1 to ``s - h + 1``, and one alone is `s`. While
    that range is narrower than half the minimum (the dashboard's default protection width of
    a small group), the next smallest positive count is withheld too: two withheld counts of 1
    would otherwise be known to be 1 each.
    """
    hidden = {i for i, c in enumerate(counts) if c is not None and 0 < c < minimum}
    while total_known and hidden and _narrowed([counts[i] or 0 for i in hidden], minimum):
        others = [(c, i) for i, c in enumerate(counts) if c and i not in hidden]
        if not others:  # every positive count is withheld: the total alone says what it says
            break
        hidden.add(min(others)[1])
    return hidden


def _narrowed(withheld: Sequence[int], minimum: int) -> bool:
    """Whether withheld counts whose sum is known leave each a range below half the minimum."""
    return len(withheld) == 1 or 2 * (sum(withheld) - len(withheld)) < minimum


def _why(position: int, counts: Sequence[int | None], minimum: int) -> str:
    count = counts[position]
    if count is not None and 0 < count < minimum:
        return f"fewer than {minimum} people"
    return "withheld so that the other withheld figure cannot be worked out from the total"


def _note(hidden: Sequence[str]) -> str:
    if not hidden:
        return ""
    return '<p class="note">Withheld to protect individuals: ' + "; ".join(map(E, hidden)) + ".</p>"


def _money(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}".strip()


def _headline(plan: PlanLike, withheld: PlanWithheld) -> str:
    """The section's sentence, without the figures `withheld` keeps back."""
    cur = plan.currency
    low, high = plan.confidence_interval
    level = level_text(plan.confidence_level)
    if withheld.cost:
        cost = "the plan's cost is withheld"
    else:
        share = percent_text(plan.total_cost / plan.budget) if plan.budget else DASH
        cost = f"the plan costs {_money(plan.total_cost, cur)} ({share} of it)"
    supported = DASH if withheld.supported else count_text(plan.supported)
    if withheld.effect:
        effect = "an expected effect that is withheld"
    else:
        effect = (f"an expected effect of {number_text(plan.expected_effect)} ({level}interval "
                  f"{number_text(low)} to {number_text(high)})")  # fmt: skip
    per_unit = None
    if not (withheld.cost or withheld.effect) and plan.expected_effect:
        per_unit = plan.total_cost / plan.expected_effect
    return (
        f"Budget {_money(plan.budget, cur)}; {cost}; it supports {supported} of "
        f"{count_text(plan.n)} people, for {effect}"
        + (f", {_money(per_unit, cur)} per unit of effect." if per_unit else ".")
    )


def _withheld(plan: PlanLike, minimum: int) -> PlanWithheld:
    totals = plan.totals("support")
    names = list(totals)
    return plan_withheld(
        names,
        [int(totals[s]["people"]) for s in names],
        [float(totals[s]["cost"]) for s in names],
        [float(totals[s]["effect"]) for s in names],
        minimum,
    )


def plan_html(plan: PlanLike, minimum: int) -> str:
    """Budget and plan: what the money buys, and for how many, by support type.

    Every figure it publishes, the headline's totals included, is weighed in choosing what to
    withhold (:func:`~sparkus.metrics._tracking.plan_withhold.plan_withheld`).
    """
    cur = plan.currency
    totals = plan.totals("support")
    withheld = _withheld(plan, minimum)
    rows, notes = [], []
    for name, t in totals.items():
        label = group_label(name)
        if name in withheld.rows:
            rows.append((label, SUPPRESSED_TEXT, SUPPRESSED_TEXT, SUPPRESSED_TEXT))
            notes.append(f"{label}: {withheld.rows[name]}")
        else:
            rows.append((label, count_text(int(t["people"])), f"{t['cost']:,.0f}",
                         number_text(t["effect"])))  # fmt: skip
    headline = [
        what
        for what, hidden in (
            ("how many people the plan supports", withheld.supported),
            ("the plan's cost", withheld.cost),
            ("the expected effect and its interval", withheld.effect),
        )
        if hidden
    ]
    if headline:
        notes.append(f"{', '.join(headline)}: withheld so that a withheld support type's "
                     "figures cannot be worked out from them")  # fmt: skip
    table = html_table(
        "The plan by support type",
        ("Support", "People", f"Cost ({cur})" if cur else "Cost", "Expected effect"),
        rows,
    )
    explain = (
        "Expected effect: people times standard deviations of improvement, from the effect each "
        "support type is expected to have (its prior); the interval reflects how uncertain those "
        "expectations are."
    )
    return (
        open_section("plan", "Budget and plan")
        + f'<p class="headline">{E(_headline(plan, withheld))}</p>{table}{_note(notes)}'
        + f'<p class="note">{E(explain)}</p></section>'
    )


_READINESS = ("resistant", "emerging", "ready", "highly_ready", "not_assessed")


def triage_html(triage: TriageLike, minimum: int) -> str:
    """Triage: how many people at each readiness level, and how many go to review.

    The sessions saved by dosing by readiness are a sum over the levels (a fixed dose each),
    so they are withheld whenever a level's count is.
    """
    counts_by = triage.counts
    names = [n for n in _READINESS if n in counts_by] + [
        n for n in counts_by if n not in _READINESS
    ]
    counts = [int(counts_by[n]) for n in names]
    hidden = withhold(counts, minimum)
    rows, notes = [], []
    total = sum(counts)
    for i, name in enumerate(names):
        label = group_label(name)
        if i in hidden:
            rows.append((label, SUPPRESSED_TEXT, SUPPRESSED_TEXT))
            notes.append(f"{label}: {_why(i, counts, minimum)}")
        else:
            rows.append(
                (label, count_text(counts[i]), percent_text(counts[i] / total if total else None))
            )
    review = int(np.count_nonzero(triage.review))
    review_text = SUPPRESSED_TEXT if 0 < review < minimum else count_text(review)
    # the saving is an equation over the levels' counts (each level's dose is fixed): with a
    # level withheld, it would give the withheld counts back, so it is withheld with them
    saving = (
        "the sessions that dosing by readiness saves are withheld, so that no withheld level's "
        "count can be worked out from them"
        if hidden
        else f"sessions dosed by readiness save {percent_text(triage.session_saving)} of the "
        "sessions of giving everyone the full journey"
    )
    sentence = (
        f"{count_text(triage.n)} people sorted by readiness ({triage.method}); "
        f"{review_text} sent to a person for review because the call was close; {saving}."
    )
    table = html_table("People by readiness level", ("Readiness", "People", "Share"), rows)
    return (
        open_section("triage", "Triage: who is ready")
        + f'<p class="headline">{E(sentence)}</p>{table}{_note(notes)}</section>'
    )


def plan_hidden(plan: PlanLike | None, minimum: int) -> dict[str, str]:
    """The support types whose figures the plan section withholds, with the reason for each."""
    return {} if plan is None else dict(_withheld(plan, minimum).rows)


def matching_html(
    matching: Mapping[str, AssignmentLike], minimum: int, withheld: Mapping[str, str] | None = None
) -> str:
    """Matching: per support type, how many were placed, and why anyone was not."""
    rows, notes = [], []
    for name, a in matching.items():
        label = group_label(name)
        if (withheld and name in withheld) or 0 < a.n < minimum:
            rows.append((label, *([SUPPRESSED_TEXT] * 3), SUPPRESSED_TEXT, DASH))
            why = withheld[name] if withheld and name in withheld else None
            notes.append(f"{label}: {why or f'fewer than {minimum} people'}")
            continue
        reasons: dict[str, int] = {}
        for reason in a.unassigned.values():
            reasons[reason] = reasons.get(reason, 0) + 1
        counts: list[int | None] = [a.n_assigned, *reasons.values()]
        hidden = withhold(counts, minimum)
        placed = SUPPRESSED_TEXT if 0 in hidden else count_text(a.n_assigned)
        unplaced = []
        for j, (reason, count) in enumerate(reasons.items(), start=1):
            shown = SUPPRESSED_TEXT if j in hidden else count_text(count)
            unplaced.append(f"{reason}: {shown}")
            if j in hidden:
                notes.append(f"{label}, {reason}: {_why(j, counts, minimum)}")
        if 0 in hidden:
            notes.append(f"{label}, placed: {_why(0, counts, minimum)}")
        fit = a.mean_compatibility
        fit_text = DASH if fit is None or 0 in hidden else f"{fit:.2f}"
        rows.append(
            (
                label,
                count_text(a.n),
                placed,
                count_text(int(np.sum(a.capacity))),
                "; ".join(unplaced) if unplaced else "none",
                fit_text,
            )
        )
    table = html_table(
        "Placements by support type",
        ("Support", "Participants", "Placed", "Places", "Not placed, and why", "Mean fit"),
        rows,
        text_columns=1,
    )
    explain = (
        "Mean fit: the average compatibility (0 to 1) of the pairs made, from goals, language, "
        "time zones and seniority; nobody is matched inside their own reporting line."
    )
    return (
        open_section("matching", "Matching: who works with whom")
        + f"{table}{_note(notes)}"
        + f'<p class="note">{E(explain)}</p></section>'
    )


def fairness_html(audits: Mapping[str, AuditLike], minimum: int) -> str:
    """Fairness: each group's selection rate against the best, flagged under four fifths."""
    parts = []
    for grouping, a in audits.items():
        rows, notes = [], []
        for group, count in a.counts.items():
            label = group_label(str(group))
            if count < minimum:
                rows.append((label, *([SUPPRESSED_TEXT] * 4)))
                notes.append(f"{label}: fewer than {minimum} people")
                continue
            ratio = a.impact_ratios.get(group)
            rows.append(
                (
                    label,
                    count_text(count),
                    percent_text(a.selection_rates.get(group)),
                    DASH if ratio is None else f"{ratio:.2f}",
                    "below four fifths" if a.flagged.get(group) else "no",
                )
            )
        for group, reason in a.suppressed.items():
            label = group_label(str(group))
            rows.append((label, *([SUPPRESSED_TEXT] * 4)))
            notes.append(f"{label}: {reason}")
        name = group_label(grouping).replace("_", " ")
        table = html_table(
            f"Selection for human sessions by {name}",
            ("Group", "People", "Selected", "Against the highest", "Flag"),
            rows,
        )
        # the audit's own verdict on what it could not protect: the page does not hide it
        exposed = [f"{group_label(str(g))}: {what}" for g, what in a.exposed.items()]
        warn = ('<p class="note">Not protected, as the audit found: '
                + "; ".join(map(E, exposed)) + ".</p>") if exposed else ""  # fmt: skip
        parts.append(f"<h3>By {E(name)}</h3>{table}{_note(notes)}{warn}")
    intro = (
        "<p>Who triage selects for sessions with a person, group by group. A group whose share "
        "selected is below four fifths of the highest group's is flagged (the four-fifths rule "
        "of thumb for adverse impact): a reason to look, not proof of unfairness.</p>"
    )
    return open_section("fairness", "Fairness") + intro + "".join(parts) + "</section>"


def sections_html(sections: Sections, minimum: int) -> tuple[str, str, str, str]:
    """The four sections' HTML (empty for an input not given): plan, triage, matching, audit."""
    plan, triage, matching, audits = sections
    return (
        "" if plan is None else plan_html(plan, minimum),
        "" if triage is None else triage_html(triage, minimum),
        "" if matching is None else matching_html(matching, minimum, plan_hidden(plan, minimum)),
        "" if audits is None else fairness_html(audits, minimum),
    )

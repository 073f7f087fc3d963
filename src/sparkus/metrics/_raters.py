"""360 feedback before and after: each person's change by rater group, under rater anonymity.

A 360 asks the participant, their manager, their peers and their direct reports. Peers and
direct reports answer anonymously as a group, so no such group is shown with fewer raters than
a minimum (three by default: "no rater group (peers, direct reports) is shown with fewer than
three raters; the manager is usually the one named exception", the practice of Qualtrics 360,
Culture Amp and Lattice recorded in the project's domain notes). Self and manager are single
raters by nature and are shown as they are.

The rule for a rater group below the minimum is to *fold* it: the person's small groups are
pooled into one group, ``"others"``, which is shown when it reaches the minimum and withheld
otherwise. Folding keeps the answers of a person's small groups (two peers and two reports
still make an "others" of four) where withholding them would lose them; only small groups are
pooled, so no shown figure minus another recovers a small group. A group is small when it has
fewer raters than the minimum in either wave, and is then pooled in both waves, so that the
two waves of a figure always hold the same groups.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Final, TypeGuard, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    FloatArray,
    IntArray,
    check_level,
    check_number,
    describe,
    is_data_frame,
)
from sparkus._errors import EstimationError, Problem, SchemaError, shown
from sparkus._frames import Framed, FrameSpec
from sparkus._labels import spelling_problem
from sparkus._results import Result, Table, format_number
from sparkus.metrics._compare import paired_changes
from sparkus.metrics._estimate import Estimate, frozen, wald_estimate
from sparkus.metrics._stable import representable
from sparkus.model import Assessment, AssessmentSource

__all__ = ["MIN_RATERS", "OTHERS", "RaterChange", "rater_change"]

MIN_RATERS: Final = 3
"""The fewest raters a rater group (peers, direct reports) is shown with."""
OTHERS: Final = "others"
"""The group a person's rater groups below the minimum are pooled into."""
_GROUPS: Final = (*(s.value for s in AssessmentSource), OTHERS)

# (participant, source) -> rater key -> (taken_at, mean score); the latest answer counts
_Scores = dict[str, float]
_Wave = dict[tuple[str, AssessmentSource], dict[object, tuple[object, _Scores]]]


def _read_only(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    out = np.array(array)
    out.flags.writeable = False
    return out


@attrs.frozen(repr=False)
class RaterChange(Framed, Result):
    """Each person's 360 scores before and after, by rater group, small groups protected.

    One row per person and shown group, in order of person (as first met) and group (self,
    manager, peer, direct_report, others). A rater group (peers, direct reports) with fewer
    than `min_raters` raters in either wave never has a row of its own: it is pooled into the
    person's ``"others"`` row, which is itself withheld below the minimum.

    .. versionadded:: 0.1

    Attributes
    ----------
    participant : ndarray of str
        Whom each row is about.
    group : ndarray of str
        ``"self"``, ``"manager"``, ``"peer"``, ``"direct_report"`` or ``"others"``.
    n_pre, n_post : ndarray of int
        How many raters answered in each wave (a rater with a ``rater_id`` counts once).
    pre, post : ndarray of float
        The mean score of the group's raters in each wave (each rater's score is the mean of
        the items scored).
    change : ndarray of float
        ``post - pre``.
    withheld : tuple of (str, str)
        ``(participant, "others")`` for each pooled group still below the minimum: its figures
        are not shown, and no count is given.
    incomplete : tuple of (str, str)
        ``(participant, source)`` for each source heard in one wave only, or whose raters
        scored no item in both waves (no change to show).
    min_raters : int
        The fewest raters a shown rater group has in each wave.
    items : tuple of str or None
        The items averaged: those passed, or those both waves score where the waves' items
        differ; None when both waves score the same items. Within them, each rater group's
        change compares the items every one of its raters scored in both waves (a rater's
        score is the mean of those), so each rater counts on the same items.

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per person and shown group, in the order
    above, indexed by ``participant`` and ``group``: ``n_pre``, ``n_post``, ``pre``, ``post``
    and ``change``. A withheld ``"others"`` group has no row, as it has none here;
    ``backend="polars"`` gives ``participant`` and ``group`` as the first columns.

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.metrics import rater_change
    >>> from sparkus.model import Assessment, AssessmentSource as S
    >>> t0, t1 = (dt.datetime(2026, m, 1, tzinfo=dt.UTC) for m in (3, 9))
    >>> def wave(when, me, boss, peers, reports):
    ...     out = [Assessment("e1", S.SELF, {"listens": me}, when),
    ...            Assessment("e1", S.MANAGER, {"listens": boss}, when)]
    ...     out += [Assessment("e1", S.PEER, {"listens": v}, when, rater_id=f"p{i}")
    ...             for i, v in enumerate(peers)]
    ...     return out + [Assessment("e1", S.DIRECT_REPORT, {"listens": v}, when)
    ...                   for v in reports]
    >>> result = rater_change(wave(t0, 3, 2, [2, 3, 3], [2]), wave(t1, 4, 3, [4, 4, 3], [4, 5]))
    >>> result
    RaterChange(people=1, rows=3, withheld=1, min_raters=3)
    >>> list(zip(result.group.tolist(), result.change.round(3).tolist()))
    [('self', 1.0), ('manager', 1.0), ('peer', 1.0)]
    >>> result.withheld
    (('e1', 'others'),)
    >>> result.to_frame()["change"].round(3).to_dict()  # no row for the withheld 'others'
    {('e1', 'self'): 1.0, ('e1', 'manager'): 1.0, ('e1', 'peer'): 1.0}
    """

    participant: npt.NDArray[np.str_] = attrs.field(converter=_read_only)
    group: npt.NDArray[np.str_] = attrs.field(converter=_read_only)
    n_pre: IntArray = attrs.field(converter=_read_only)
    n_post: IntArray = attrs.field(converter=_read_only)
    pre: FloatArray = attrs.field(converter=frozen)
    post: FloatArray = attrs.field(converter=frozen)
    change: FloatArray = attrs.field(converter=frozen)
    withheld: tuple[tuple[str, str], ...]
    incomplete: tuple[tuple[str, str], ...]
    min_raters: int
    items: tuple[str, ...] | None

    def _frame(self) -> FrameSpec:
        return {
            "participant": self.participant, "group": self.group, "n_pre": self.n_pre,
            "n_post": self.n_post, "pre": self.pre, "post": self.post, "change": self.change,
        }, ("participant", "group")  # fmt: skip

    def _headline(self) -> str:
        people = len(set(self.participant.tolist()) | {p for p, _ in self.withheld})
        return (f"people={people}, rows={self.participant.shape[0]}, "
                f"withheld={len(self.withheld)}, min_raters={self.min_raters}")  # fmt: skip

    def _tables(self) -> list[Table]:
        rows = tuple(
            (p, g, str(a), str(b), format_number(x), format_number(y), format_number(d))
            for p, g, a, b, x, y, d in zip(
                self.participant.tolist(), self.group.tolist(), self.n_pre.tolist(),
                self.n_post.tolist(), self.pre.tolist(), self.post.tolist(),
                self.change.tolist(), strict=True,
            )
        )  # fmt: skip
        note = (
            f"Rater groups with fewer than {self.min_raters} raters in a wave are pooled into "
            f"'others'; {len(self.withheld)} 'others' group(s) still below it are withheld."
        )
        headers = ("participant", "group", "n pre", "n post", "pre", "post", "change")
        return [Table("360 change by rater group", headers, rows, note)]

    def estimate(
        self,
        group: str | AssessmentSource,
        *,
        participants: Collection[str] | None = None,
        level: float = 0.95,
    ) -> Estimate:
        """The mean change of one rater group over people: a paired t-test of their rows.

        Only shown rows enter, so the estimate discloses nothing the rows do not.

        Parameters
        ----------
        group : str or AssessmentSource
            ``"self"``, ``"manager"``, ``"peer"``, ``"direct_report"`` or ``"others"`` (or the
            :class:`~sparkus.model.AssessmentSource` of the first four).
        participants : collection of str, optional
            Restrict to these people (a team, a cohort); default everyone with a row. Each must
            be a participant of the assessments (with a row, or withheld or incomplete).
        level : float, default 0.95
            Confidence level.

        Raises
        ------
        SchemaError
            If `group` is not one of the groups, `participants` is not a collection of
            str or names someone the assessments do not (each named), or `level` is not
            strictly between 0 and 1.
        EstimationError
            If fewer than two people have a row of `group`, or every change is the same.

        Examples
        --------
        >>> import datetime as dt
        >>> from sparkus.metrics import rater_change
        >>> from sparkus.model import Assessment, AssessmentSource as S
        >>> t0, t1 = (dt.datetime(2026, m, 1, tzinfo=dt.UTC) for m in (3, 9))
        >>> pre = [Assessment(p, S.SELF, {"x": 3}, t0) for p in ("a", "b", "c")]
        >>> post = [Assessment(p, S.SELF, {"x": v}, t1) for p, v in zip("abc", (4, 5, 3))]
        >>> round(rater_change(pre, post).estimate("self").estimate, 4)
        1.0
        """
        value = check_level(level)
        given: object = group
        name = given.value if isinstance(given, AssessmentSource) else given
        if not isinstance(name, str) or name not in _GROUPS:
            allowed = ", ".join(repr(g) for g in _GROUPS)
            raise SchemaError([Problem(("group",), f"{shown(group)} is not one of {allowed}")])
        mask = self.group == name
        if participants is not None:
            mask &= np.isin(self.participant, self._known(participants))
        if int(mask.sum()) < 2:
            msg = f"fewer than two people have a shown {shown(name)} row; a change needs at least 2"
            raise EstimationError(msg)
        change, exponent = paired_changes(self.pre[mask], self.post[mask])
        n = len(change)
        mean = float(np.mean(change))
        se = float(np.std(change, ddof=1)) / math.sqrt(n)
        return wald_estimate(mean, se, n - 1, value, statistic=mean / se, n=n,
                             method=f"paired t-test of {name} ratings (post - pre)",
                             exponent=exponent)  # fmt: skip

    def _known(self, participants: object) -> list[str]:
        """`participants` as a list of ids this result knows, or a SchemaError naming the rest.

        A person is known with a row, a withheld group or an incomplete source; an id that is
        none of these (a typo, a number for a text id) would otherwise be left out silently.
        """
        if isinstance(participants, str | bytes) or not isinstance(participants, Collection):
            msg = f"expected a collection of participant ids, got {describe(participants)}"
            raise SchemaError([Problem(("participants",), msg)])
        ids = list(participants)
        known = {*self.participant.tolist(), *(p for p, _ in self.withheld),
                 *(p for p, _ in self.incomplete)}  # fmt: skip
        unknown = [p for p in ids if not isinstance(p, str) or p not in known]
        if unknown:
            more = " ..." if len(unknown) > 5 else ""
            shown_ids = ", ".join(shown(p) for p in unknown[:5]) + more
            msg = (f"{shown_ids} {'is' if len(unknown) == 1 else 'are'} not among the "
                   "participants of this result; pass the ids of its assessments")  # fmt: skip
            raise SchemaError([Problem(("participants",), msg)])
        return ids


def _wave(name: str, given: object, items: tuple[str, ...] | None,
          scale: list[tuple[float, float]], problems: list[Problem]) -> _Wave:  # fmt: skip
    """Each rater's latest mean score per (participant, source) of one wave."""
    out: _Wave = {}
    kept: dict[tuple[str, AssessmentSource, object], int] = {}  # each rater's latest answer
    clash: dict[tuple[str, AssessmentSource, object], int | None] = {}  # another one then
    if is_data_frame(given):
        msg = (f"expected an iterable of Assessment records, got a {type(given).__name__} "
               "(a table, read column by column); build one Assessment per row")  # fmt: skip
        problems.append(Problem((name,), msg))
        return out
    if not _is_records(given):
        msg = f"expected an iterable of Assessment records, got {describe(given)}"
        problems.append(Problem((name,), msg))
        return out
    for k, a in enumerate(given):
        if not isinstance(a, Assessment):
            problems.append(Problem((name, k), f"expected an Assessment, got {describe(a)}"))
            continue
        if not scale:
            scale.append(a.scale)
        elif a.scale != scale[0]:
            msg = f"scale {a.scale} differs from the first assessment's {scale[0]}"
            problems.append(Problem((name, k, "scale"), msg))
            continue
        scores = {key: v for key, v in a.scores.items() if items is None or key in items}
        if not scores:
            what = "no item" if items is None else f"none of the items {list(items)}"
            problems.append(Problem((name, k, "scores"), f"scores {what}"))
            continue
        rater: object = a.rater_id if a.rater_id is not None else (name, k)
        slot = out.setdefault((a.participant_id, a.source), {})
        who = (a.participant_id, a.source, rater)
        if rater not in slot or a.taken_at > slot[rater][0]:  # type: ignore[operator]
            slot[rater] = (a.taken_at, scores)
            kept[who], clash[who] = k, None
        elif a.taken_at == slot[rater][0] and scores != slot[rater][1] and clash[who] is None:
            clash[who] = k  # which is the latest would depend on the order of the records
    for (person, source), slot in out.items():
        if (wrong := spelling_problem(slot)) is not None:  # one rater counted twice
            msg = f"{wrong} (the {source.value} raters of {shown(person)})"
            problems.append(Problem((name, "rater_id"), msg))
    for who, row in clash.items():
        if row is not None:
            msg = (f"rater {shown(who[2])} answered about {shown(who[0])} twice at the same time with "
                   f"different scores (also in row {kept[who]}), so neither is the latest; "
                   "keep the answer that counts")  # fmt: skip
            problems.append(Problem((name, row, "taken_at"), msg))
    if not out and not problems:
        problems.append(Problem((name,), "holds no assessments"))
    return out


def _is_records(given: object) -> TypeGuard[Iterable[object]]:
    """An iterable that may hold records: not text, a mapping or a table."""
    return not (isinstance(given, str | bytes | Mapping) or is_data_frame(given)) and isinstance(
        given, Iterable
    )


def _listed(given: object) -> object:
    """An iterable of records as a list (read twice: items, then scores); else as it is."""
    return list(given) if _is_records(given) else given


def _items_of(given: object) -> dict[str, None]:
    return {key: None for a in cast(list[object], given) if isinstance(a, Assessment)
            for key in a.scores}  # fmt: skip


def _spellings(pre: object, post: object, problems: list[Problem]) -> None:
    """Problems for participant ids, or item names, that differ only in case or white space.

    Written two ways in an export, one person would be two (each heard in one wave only) and
    one item two (one of them left out as scored in one wave only); the rule is that of every
    label sparkus counts apart (:func:`sparkus._labels.spelling_problem`).
    """
    records = [a for wave in (pre, post) if isinstance(wave, list) for a in wave
               if isinstance(a, Assessment)]  # fmt: skip
    for field, labels in (
        ("participant_id", {a.participant_id: None for a in records}),
        ("scores", {key: None for a in records for key in a.scores}),
    ):
        if (wrong := spelling_problem(labels)) is not None:
            problems.append(Problem((field,), wrong))


def _unscored(chosen: tuple[str, ...], pre: object, post: object, problems: list[Problem]) -> None:
    """Problems for each chosen item no assessment of a wave scores: it could not be compared."""
    waves = [(name, _items_of(w)) for name, w in (("pre", pre), ("post", post))
             if isinstance(w, list)]  # fmt: skip
    for k, item in enumerate(chosen):
        missing = [name for name, scored in waves if item not in scored]
        if missing:
            msg = (f"{shown(item)} is scored by no assessment of {' nor '.join(missing)}, so no "
                   "rater can be compared on it; pass items both waves score")  # fmt: skip
            problems.append(Problem(("items", k), msg))


def _common_items(pre: object, post: object, problems: list[Problem]) -> tuple[str, ...] | None:
    """The items both waves score, where they differ (None: the same, every item)."""
    if not (isinstance(pre, list) and isinstance(post, list)):
        return None  # refused by _wave
    before, after = _items_of(pre), _items_of(post)
    if before.keys() == after.keys():
        return None
    common = tuple(k for k in before if k in after)
    if not common and before and after:
        msg = (f"pre and post score no item in common (pre: {', '.join(before)}; post: "
               f"{', '.join(after)}): a change needs the same items; pass the items to compare")  # fmt: skip
        problems.append(Problem(("items",), msg))
    return common or None


def _rater_change_iv(
    pre: object, post: object, items: object, min_raters: object
) -> tuple[_Wave, _Wave, tuple[str, ...] | None, int]:
    problems: list[Problem] = []
    chosen: tuple[str, ...] | None = None
    if items is not None:
        if (
            isinstance(items, str)
            or not isinstance(items, Sequence)
            or not items
            or not all(isinstance(i, str) and i for i in items)
        ):
            msg = f"expected a non-empty sequence of item names, got {describe(items)}"
            problems.append(Problem(("items",), msg))
        else:
            chosen = tuple(items)
    low = check_number(min_raters, "min_raters", low=2, integer=True, problems=problems)
    pre, post = _listed(pre), _listed(post)
    _spellings(pre, post, problems)
    if chosen is not None:
        _unscored(chosen, pre, post, problems)
    elif not problems:  # the same items before and after, or a change of what is asked
        chosen = _common_items(pre, post, problems)  # would read as one
    scale: list[tuple[float, float]] = []
    before = _wave("pre", pre, chosen, scale, problems)
    after = _wave("post", post, chosen, scale, problems)
    if problems:
        raise SchemaError(problems)
    return before, after, chosen, int(low)


def rater_change(
    pre: Iterable[Assessment],
    post: Iterable[Assessment],
    *,
    items: Sequence[str] | None = None,
    min_raters: int = MIN_RATERS,
) -> RaterChange:
    """Each person's 360 change from `pre` to `post` by rater group, small groups protected.

    .. versionadded:: 0.1

    A rater's score is the mean of the items their assessment scored, of those the group's
    raters scored in both waves; a group's score in a wave is the mean over its raters (a
    rater with a ``rater_id`` counts once: their latest answer of the wave; two different
    answers at that same latest time are refused, as which counts would depend on the order of
    the records). Self and manager are shown as they are. Peers and direct reports are
    shown as their own group only with at least `min_raters` raters in both waves; a person's
    smaller rater groups are pooled into ``"others"``, shown only when the pool reaches the
    minimum in both waves and listed in :attr:`RaterChange.withheld` otherwise (the count is
    not shown). Pooling rather than withholding keeps the answers of several small groups, and
    pooling only small groups means no figure can be subtracted from another to recover one.

    Parameters
    ----------
    pre, post : iterable of Assessment
        The assessments of the first and the second wave (any mix of people and sources).
        All on one scale.
    items : sequence of str, optional
        The items to average (e.g. one competency), each scored in both waves; default
        every item both waves score (an item no assessment of one wave scores is left out,
        and `RaterChange.items` says which). Each rater group then compares the items every
        one of its raters scored in both waves: a manager who scored one item before and two
        after is compared on the one; a group whose raters share no item is incomplete.
        Comparing every rater of a group on the same items means no two calls (with
        different `items`) weigh one rater's answers differently, so no figure minus
        another recovers a rater's answers.
    min_raters : int, default 3
        The fewest raters a peer or direct-report group is shown with, at least 2. Three is
        the common 360 rule (Qualtrics 360, Culture Amp, Lattice); raise it for small teams
        where three are still recognisable. Publish one `min_raters` for a program: two
        results of the same waves at different minimums are linked tables (one shows peers
        that the other pools with direct reports), and their difference recovers a withheld
        group's sum.

    Returns
    -------
    RaterChange
        One row per person and shown group; :meth:`RaterChange.estimate` gives a group's mean
        change over people.

    Raises
    ------
    SchemaError
        If `pre` or `post` is not an iterable of :class:`~sparkus.model.Assessment` or holds
        none, assessments differ in scale, the waves score no item in common (without
        `items`), one scores none of `items`, an item of `items` is scored by no assessment
        of a wave, a rater answered twice at their latest time with different scores,
        participant ids, item names or one person's rater ids differ only in case, white
        space or Unicode form (one label written two ways), `items` is not a non-empty
        sequence of names, or `min_raters` is not an integer >= 2 (each path named).
    EstimationError
        If a change of a shown group is beyond the range of double precision (scores near
        1.8e308 on a scale that wide).

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.metrics import rater_change
    >>> from sparkus.model import Assessment, AssessmentSource as S
    >>> t0, t1 = (dt.datetime(2026, m, 1, tzinfo=dt.UTC) for m in (3, 9))
    >>> pre = [Assessment("e1", S.PEER, {"x": v}, t0) for v in (2, 3, 3, 4)]
    >>> post = [Assessment("e1", S.PEER, {"x": v}, t1) for v in (4, 4, 3, 5)]
    >>> r = rater_change(pre, post)
    >>> r.group.tolist(), r.n_pre.tolist(), r.change.tolist()
    (['peer'], [4], [1.0])
    >>> rater_change(pre, post, min_raters=5).withheld
    (('e1', 'others'),)
    """
    before, after, chosen, minimum = _rater_change_iv(pre, post, items, min_raters)
    people = list(dict.fromkeys(p for p, _ in (*before, *after)))
    rows: list[tuple[str, str, int, int, float, float]] = []
    withheld: list[tuple[str, str]] = []
    incomplete: list[tuple[str, str]] = []
    for person in people:
        pooled: tuple[list[_Scores], list[_Scores]] = ([], [])
        for source in AssessmentSource:
            a = [v for _, v in before.get((person, source), {}).values()]
            b = [v for _, v in after.get((person, source), {}).values()]
            if not a and not b:
                continue
            pre_scores, post_scores = _compared(a, b)
            if not pre_scores or not post_scores:  # one wave only, or no item both scored
                incomplete.append((person, source.value))
            elif source.is_rater_group and min(len(pre_scores), len(post_scores)) < minimum:
                pooled[0].extend(a)
                pooled[1].extend(b)
            else:
                rows.append((person, source.value, len(pre_scores), len(post_scores),
                             _mean(pre_scores), _mean(post_scores)))  # fmt: skip
        pre_scores, post_scores = _compared(*pooled)
        if pre_scores and min(len(pre_scores), len(post_scores)) >= minimum:
            rows.append((person, OTHERS, len(pre_scores), len(post_scores),
                         _mean(pre_scores), _mean(post_scores)))  # fmt: skip
        elif pooled[0]:
            withheld.append((person, OTHERS))
    columns = list(zip(*rows, strict=True)) if rows else [()] * 6
    pre_mean = np.array(columns[4], dtype=np.float64)
    post_mean = np.array(columns[5], dtype=np.float64)
    with np.errstate(over="ignore"):  # a change of two scores near the float limit
        change = post_mean - pre_mean
    if not np.isfinite(change).all():
        k = int(np.argmin(np.isfinite(change)))
        representable([(f"the change of the {columns[1][k]} rating of {shown(columns[0][k])}",
                        float(change[k]))])  # fmt: skip
    return RaterChange(
        participant=np.array(columns[0], dtype=str),
        group=np.array(columns[1], dtype=str),
        n_pre=np.array(columns[2], dtype=np.int64),
        n_post=np.array(columns[3], dtype=np.int64),
        pre=pre_mean,
        post=post_mean,
        change=change,
        withheld=tuple(withheld),
        incomplete=tuple(incomplete),
        min_raters=minimum,
        items=chosen,
    )


def _mean(values: list[float]) -> float:
    """The mean, each term divided first so that values near the float limit do not overflow."""
    return math.fsum(v / len(values) for v in values)


def _compared(pre: list[_Scores], post: list[_Scores]) -> tuple[list[float], list[float]]:
    """Each rater's mean over the items every rater of the group scored in both waves.

    Every rater of a group is scored on the same items, so a group's figure is the mean, over
    those items, of each item's mean over the whole group: no two figures (of different
    `items`, or of a wave whose raters skipped different items) weigh one rater's answers
    differently, so none can be subtracted from another to recover a rater's answers. A
    group whose raters share no item in both waves has no change to show.
    """
    raters = [*pre, *post]
    common = set(raters[0]).intersection(*raters[1:]) if pre and post else set()

    def means(side: list[_Scores]) -> list[float]:
        return [_mean([v for k, v in s.items() if k in common]) for s in side] if common else []

    return means(pre), means(post)

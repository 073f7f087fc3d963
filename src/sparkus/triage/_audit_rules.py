"""What the fairness audit may publish, what it withholds, and what it cannot protect.

The audit's privacy rule, written down once (``_audit.py`` applies it and says it in words):

- a group of at least `m` people is *published*: its size, selected count, selection rate,
  impact ratio and four-fifths flag, always; a smaller group is *hidden* and audited not at all;
- a hidden group is protected by what is withheld about it and about the totals (the number
  audited and the number selected), never by hiding a large group's figures;
- a true-positive rate is published for a published group in which at least `m` people would
  benefit and either nobody or at least `m` people would not; otherwise it is withheld. (With
  the group's selected count published, its selected count among those who would benefit
  gives the count among those who would not: the rate must not isolate a few of either.)

Then every withheld count is checked against the attacker of the threat model (who knows each
person's group, and so every headcount, and who would benefit; and, with ``total_known``, the
number selected in all): a withheld count is *protected* when the published figures leave it
a range at least the protection width wide, the width being the minimum group size `m`, or the
whole range a cell of fewer people than that could take (``0`` to its size): the published
figures must not narrow it at all. Where that cannot hold without withholding a large group's
figures, the count is reported as *exposed* ("narrowed"), in words.

Every withheld count here is the number selected among `k` people who sit in a *pool* of people
whose selected total the attacker knows and of whom nothing else is published; the range
consistent with that is ``max(0, S - (N - k))`` to ``min(k, S)`` (:func:`cell_range`). The
tests check these closed forms against an attacker who solves the linear programme.
"""

from __future__ import annotations

from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

__all__ = ["Disclosure", "cell_range", "disclose", "is_protected"]

_SELECTION_EXPOSED: Final = (
    "selected count narrowed by the total selected known elsewhere (only withholding a large "
    "group's figures would protect it)"
)
_TPR_EXPOSED: Final = (
    "TPR withheld (fewer than {m} would {benefit}) but narrowed by the group's published "
    "selected count (only withholding that count, and the group's flag, would protect it)"
)
_HIDDEN_TPR_EXPOSED: Final = "TPR narrowed by the total selected known elsewhere"


def cell_range(k: int, pool: int, selected: int) -> tuple[int, int]:
    """The fewest and the most of `k` people selected, when `selected` of their `pool` were.

    Nothing else about the pool is known: the other ``pool - k`` take what they can.
    """
    return max(0, selected - (pool - k)), min(k, selected)


def is_protected(low: int, high: int, k: int, width: int) -> bool:
    """Whether a count of `k` people whose consistent range is `low` to `high` is protected.

    The range must be at least `width` wide, or, for a cell of fewer than `width` people, the
    whole range ``0`` to `k`: then the published figures narrow it not at all.
    """
    return high - low >= min(width, k)


@attrs.frozen
class Disclosure:
    """The outcome of the rule on one audit, as indices into the sorted groups."""

    shown: list[int]
    hidden: list[int]
    tpr_shown: list[int]
    exposed: dict[int, list[str]]
    limits: tuple[str, ...]
    withheld: dict[str, str]


def disclose(
    counts: npt.NDArray[np.int64],
    hits: npt.NDArray[np.int64],
    positives: npt.NDArray[np.int64] | None,
    true_hits: npt.NDArray[np.int64] | None,
    m: int,
    *,
    total_known: bool,
) -> Disclosure:
    """Apply the audit's rule to the per-group sizes and counts (see the module's text)."""
    k = counts.shape[0]
    shown = [i for i in range(k) if counts[i] >= m]
    hidden = [i for i in range(k) if counts[i] < m]
    exposed: dict[int, list[str]] = {}
    pool = int(counts[hidden].sum())
    pool_hits = int(hits[hidden].sum())
    if total_known:  # the total selected, less the published counts, is the hidden groups' sum
        for i in hidden:
            low, high = cell_range(int(counts[i]), pool, pool_hits)
            if not is_protected(low, high, int(counts[i]), m):
                exposed.setdefault(i, []).append(_SELECTION_EXPOSED)
    tpr_shown: list[int] = []
    if positives is not None and true_hits is not None:
        for i in shown:
            # the published selected count less the TPR's count is those who would not
            # benefit: a rate is published only if neither side is a few (1 to m - 1) people
            sides = {"benefit": int(positives[i]), "not benefit": int(counts[i] - positives[i])}
            few = [side for side, size in sides.items() if 0 < size < m]
            if sides["benefit"] >= m and not few:
                tpr_shown.append(i)
                continue
            # withheld: of the group's selected count (published), how many on each side
            for side in few:
                low, high = cell_range(sides[side], int(counts[i]), int(hits[i]))
                if not is_protected(low, high, sides[side], m):
                    exposed.setdefault(i, []).append(_TPR_EXPOSED.format(m=m, benefit=side))
                    break  # one side's range is the other's: said once
        if total_known:
            for i in hidden:
                low, high = cell_range(int(positives[i]), pool, pool_hits)
                if not is_protected(low, high, int(positives[i]), m):
                    exposed.setdefault(i, []).append(_HIDDEN_TPR_EXPOSED)
    return Disclosure(
        shown=shown,
        hidden=hidden,
        tpr_shown=tpr_shown,
        exposed={i: exposed[i] for i in sorted(exposed)},
        limits=_limits(len(shown), len(hidden), m),
        withheld=_withheld(bool(hidden)),
    )


def _limits(shown: int, hidden: int, m: int) -> tuple[str, ...]:
    """Where the audit cannot see, because seeing would expose someone: in words, no counts."""
    out: list[str] = []
    if hidden:
        which, its = ("1 group has", "its") if hidden == 1 else (f"{hidden} groups have", "their")
        out.append(
            f"{which} fewer than {m} people and {'is' if hidden == 1 else 'are'} not audited: "
            f"publishing {its} selection would expose it, so the four-fifths rule is not "
            f"applied to {'it' if hidden == 1 else 'them'}"
        )
    if shown == 1:
        out.append(
            f"only one group has at least {m} people: there is no other group to compare it "
            "with, so the four-fifths rule flags nobody"
        )
    elif shown == 0:
        out.append(
            f"no group has at least {m} people: nothing can be audited without exposing someone"
        )
    return tuple(out)


def _withheld(any_hidden: bool) -> dict[str, str]:
    """The totals withheld, and why (by rule; no counts)."""
    if not any_hidden:
        return {}
    return {
        "n": (
            "withheld because a group is hidden: less the published counts, it would give the "
            "hidden groups' size"
        ),
        "n_selected": (
            "withheld because a group is hidden: less the published selected counts, it would "
            "give the hidden groups' selected count (a lone hidden group's exactly)"
        ),
    }

"""What the report's budget-and-plan section withholds, chosen against all it publishes.

The section publishes, by support type, the people, the cost and the expected effect, and in
its headline the people supported of all people, the plan's total cost (with its share of the
budget) and its expected effect (with its interval, and the cost per unit of effect). For each
of the three measures that is a small linked table: one unknown per support type, the rows
shown, and the headline's totals as equations over them (all people; the people supported,
which is every type but ``"none"``; the total cost, less the cost model's fixed cost, which the
attacker is taken to know; the expected effect). The attacker also knows what holds by
construction: the ``"none"`` row costs nothing and has no effect, a support type with nobody in
it neither; a withheld count is at least 1 (a 0 is never withheld); and they are taken to know
any cost or effect that is 0 (a free support type, a prior of no effect), which therefore
protects nothing.

A support type of 1 to ``minimum - 1`` people is withheld (its people, cost and effect). Then,
while the attacker's programs (:class:`~sparkus._privacy.Solver`, the verifier's own: whole
numbers for people) pin any of its withheld figures exactly, the smallest other support type
that helps is withheld with it; where none can (the ``"none"`` row's people follow from the
headline's two counts, a cost is the total when every other type is free), the headline figure
that pins it is withheld instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._privacy import Measure, Solver, tolerance

__all__ = ["NONE_ROW", "PlanWithheld", "plan_withheld"]

NONE_ROW: Final = "none"
"""The plan's row of people without support."""

_MEASURES: Final = ("people", "cost", "effect")
_COMPLEMENT: Final = "withheld so that the other withheld figures cannot be worked out from the totals"  # fmt: skip


@attrs.frozen
class PlanWithheld:
    """The rows (support type to reason) and the headline figures the section withholds."""

    rows: dict[str, str]
    supported: bool = False
    cost: bool = False
    effect: bool = False


def plan_withheld(
    names: Sequence[str],
    people: Sequence[int],
    cost: Sequence[float],
    effect: Sequence[float],
    minimum: int,
) -> PlanWithheld:
    """Rows and headline figures to withhold so that no small type's figure is pinned."""
    table = _Table(list(names), people, cost, effect)
    primary = [i for i, p in enumerate(table.people) if 0 < p < minimum]
    hidden = set(primary)
    shown = {"people": True, "cost": True, "effect": True}  # the headline's equations
    exposed = table.exposed(primary, hidden, shown)
    while exposed:
        candidates = sorted((p, i) for i, p in enumerate(table.people) if p > 0 and i not in hidden)
        for _, i in candidates:
            trial = table.exposed(primary, hidden | {i}, shown)
            if len(trial) < len(exposed):
                hidden.add(i)
                exposed = trial
                break
        else:
            pinned = {m for _, m in exposed if shown[m]}
            if not pinned:  # nothing left to withhold: the whole population is one type
                break
            for m in pinned:
                shown[m] = False
            exposed = table.exposed(primary, hidden, shown)
    reasons = {
        table.names[i]: (f"fewer than {minimum} people" if i in primary else _COMPLEMENT)
        for i in sorted(hidden)
    }
    return PlanWithheld(reasons, supported=not shown["people"], cost=not shown["cost"],
                        effect=not shown["effect"])  # fmt: skip


class _Table:
    """The section's three linked tables, and the attacker's programs on them."""

    def __init__(
        self, names: list[str], people: Sequence[int], cost: Sequence[float],
        effect: Sequence[float],
    ) -> None:  # fmt: skip
        self.names = names
        self.people = np.asarray(people, dtype=np.float64)
        self.values = {
            "people": self.people,
            "cost": np.asarray(cost, dtype=np.float64),
            "effect": np.asarray(effect, dtype=np.float64),
        }
        none = np.array([name == NONE_ROW for name in names], dtype=bool)
        self.none = none
        zero = none | (self.people == 0)
        # what the attacker knows by construction, or may know (a free type, a null prior)
        self.known = {
            "people": np.zeros(len(names), dtype=bool),
            "cost": zero | (self.values["cost"] == 0),
            "effect": zero | (self.values["effect"] == 0),
        }

    def exposed(
        self, primary: list[int], hidden: set[int], shown: dict[str, bool]
    ) -> set[tuple[int, str]]:
        """The (row, measure) pairs of small types whose withheld figure is pinned exactly."""
        out: set[tuple[int, str]] = set()
        for m in _MEASURES:
            targets = [i for i in primary if not self.known[m][i]]
            if not targets:
                continue
            solver, scale = self._solver(m, hidden, shown[m])
            slack = float(tolerance(scale))
            for i in targets:
                unit = np.zeros(len(self.names))
                unit[i] = 1.0
                high, _ = solver.extreme(unit, +1)
                low, _ = solver.extreme(unit, -1)
                if high - low <= slack:
                    out.add((i, m))
        return out

    def _solver(self, m: str, hidden: set[int], total: bool) -> tuple[Solver, float]:
        from scipy import sparse

        values = self.values[m]
        rows = len(values)
        withheld = np.array([i in hidden for i in range(rows)], dtype=bool)
        big = 2.0 * float(np.sum(np.abs(values))) + 1.0
        if m == "people":
            low = np.where(withheld, 1.0, 0.0)  # a 0 is never withheld
            high = np.full(rows, big)
        else:
            low = np.full(rows, 0.0 if float(np.min(values, initial=0.0)) >= 0 else -big)
            high = np.full(rows, big)
            low[self.known[m]] = high[self.known[m]] = 0.0
        cells: list[npt.NDArray[np.float64]] = [np.eye(rows)[i] for i in range(rows)]
        published = list(~withheld)
        cells.append(np.ones(rows))  # all people; the total cost; the expected effect
        published.append(total if m != "people" else True)
        if m == "people":
            cells.append((~self.none).astype(np.float64))  # the people supported
            published.append(total)
        matrix = sparse.csr_matrix(np.array(cells))
        sums = matrix @ np.where(self.known[m], 0.0, values)
        measure = Measure(m, low, high, np.asarray(sums, dtype=np.float64), integer=m == "people")
        return Solver(matrix, np.array(published, dtype=bool), measure), big

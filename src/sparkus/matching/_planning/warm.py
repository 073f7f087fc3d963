"""Where the dual's minimisation stands, and how a frontier carries it to the next budget.

:class:`Dual` is the least ``L`` found, where, and the state to resume from (the cuts, the
box, the quasi-Newton model). :class:`Warm` is where the structured path ended at one budget;
:meth:`Warm.resume` turns it into the :class:`Dual` to start the next budget from, without a
pass over the people (only the budget's term of ``L`` changes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import numpy as np

from sparkus._checks import FloatArray
from sparkus.matching._planning.integer_program import Instance
from sparkus.matching._planning.passes import Evaluation

if TYPE_CHECKING:
    from sparkus.matching._planning.lagrange import Lagrangian

__all__ = ["Dual", "Warm"]


@attrs.frozen(eq=False)
class Dual:
    """The least ``L`` found (scaled units), where, and how many evaluations it took.

    Also the state to resume from: the cuts and the box.
    """

    x: FloatArray
    best: Evaluation
    evaluations: int
    cuts_g: list[FloatArray] = attrs.field(factory=list)
    cuts_c: list[float] = attrs.field(factory=list)
    box: float = 1.0
    warm: bool = False  # from Warm.resume: the quasi-Newton steps are still to take
    step: float | None = None  # their first step's length, if known
    curvature: FloatArray | None = None  # the quasi-Newton model of the inverse Hessian


@attrs.frozen(eq=False)
class Warm:
    """Where the structured path ended, to start a solve of the same people at another budget.

    The cuts stay valid: only the budget's term of ``L`` changes with the budget, so a cut's
    intercept is unchanged and its budget slope moves by the change of budget.
    """

    x: FloatArray
    cuts_g: tuple[FloatArray, ...]
    cuts_c: tuple[float, ...]
    budget: float  # scaled, as the cuts were taken
    scale: tuple[float, float]  # the Lagrangian's (worth, money)
    box: float
    lagrangian: Lagrangian | None = None  # the people's arrays, kept for the next budget
    instance: Instance | None = None  # whose Lagrangian it is
    best: Evaluation | None = None  # L at x (at `budget`)
    before: tuple[FloatArray, float] | None = None  # x and budget of the budget before
    curvature: FloatArray | None = None  # the warm quasi-Newton's inverse Hessian, kept

    def lagrangian_for(self, instance: Instance) -> Lagrangian | None:
        """The Lagrangian at `instance`'s budget if `instance` differs only in budget."""
        mine = self.instance
        if self.lagrangian is None or mine is None:
            return None
        same = (
            mine.eligible is instance.eligible
            and mine.cost is instance.cost
            and mine.value is instance.value
            and mine.reach is instance.reach
            and np.array_equal(mine.option_pool, instance.option_pool)
            and np.array_equal(mine.capacity, instance.capacity)
            and np.array_equal(mine.reach_min, instance.reach_min)
        )
        return self.lagrangian.at_budget(instance.budget) if same else None

    def resume(self, lagrangian: Lagrangian) -> Dual | None:
        """The dual's state for `lagrangian`, or None if it is not of the same people's kind.

        ``L`` moves with the budget by ``lam * change``, so the end's value and subgradient at
        the new budget need no pass over the people. With the budget before too, the
        multipliers are extrapolated along the budgets (they move smoothly between the kinks)
        and the better of the two points starts; the quasi-Newton steps start as long as the
        last budget's move.
        """
        if self.x.shape != (lagrangian.size,) or self.scale != (
            lagrangian.worth,
            lagrangian.money,
        ):
            return None
        shift = lagrangian.budget - self.budget
        cuts_g = [g.copy() for g in self.cuts_g]
        if lagrangian.has_budget:
            for g in cuts_g:
                g[0] += shift
        cuts_c = list(self.cuts_c)
        x, passes = self.x, 0
        if self.best is None:
            centre = lagrangian.evaluate(x)
            passes += 1
            cuts_g.append(centre.gradient)
            cuts_c.append(centre.value - float(centre.gradient @ x))
        else:
            lam = lagrangian.split(x)[0]
            gradient = self.best.gradient.copy()
            if lagrangian.has_budget:
                gradient[0] += shift
            centre = attrs.evolve(self.best, value=self.best.value + lam * shift,
                                  gradient=gradient)  # fmt: skip
        step = None
        if self.before is not None and lagrangian.has_budget and self.before[1] != self.budget:
            previous, budget = self.before
            move = x - previous
            guess = np.maximum(x + move * (shift / (self.budget - budget)), 0.0)
            trial = lagrangian.evaluate(guess)
            passes += 1
            cuts_g.append(trial.gradient)
            cuts_c.append(trial.value - float(trial.gradient @ guess))
            if trial.value < centre.value:
                x, centre = guess, trial
            step = max(float(np.max(np.abs(move))), 1e-3 * max(1.0, float(np.max(x))))
        return Dual(x, centre, passes, cuts_g, cuts_c, self.box, warm=True, step=step,
                    curvature=self.curvature)  # fmt: skip

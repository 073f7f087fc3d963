"""One constraint of a support plan: how much the plan uses, and what relaxing it is worth."""

from __future__ import annotations

import attrs

from sparkus._results import Result, Table, format_number

__all__ = ["PlanConstraint"]


@attrs.frozen(repr=False)
class PlanConstraint(Result):
    """One constraint of a plan: how much of it the plan uses, and what relaxing it is worth.

    .. versionadded:: 0.1

    Attributes
    ----------
    name : str
        ``"budget"``, ``"pool <name>"`` or ``"min_reach <group>"``.
    kind : {"budget", "capacity", "reach"}
        What the constraint limits. Budget and capacity are upper limits; reach a lower one.
    used : float
        What the plan uses: money (fixed cost included), places, or people supported.
    limit : float
        The budget, the pool's places, or the people the group must have supported.
    shadow_price : float or None
        The LP relaxation's shadow price: the change of the optimum (expected effect, equity-
        weighted if weights were given) per unit more of `limit` (one currency unit, one
        place, one person more of minimum reach). A shadow price is exact for the LP and a
        marginal rate for the integer plan. None for a plan that was not optimised.
    binding : bool
        Whether the constraint limits the optimum (non-zero shadow price).

    Examples
    --------
    A :class:`SupportPlan` holds one per constraint, in `constraints`:

    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import plan_support
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(n=500, seed=1)
    >>> plan = plan_support(org.population, triage(org.population, program=org.program),
    ...                     org.program, org.providers)
    >>> for c in plan.constraints:
    ...     print(f"{c.name:<17} {c.kind:<8} limit {c.limit:>6,.0f}  binding: {c.binding}")
    budget            budget   limit 75,000  binding: True
    pool coaching     capacity limit     21  binding: False
    pool mentoring    capacity limit     15  binding: True
    pool peer_support capacity limit      8  binding: False
    >>> mentoring = plan.constraints[2]
    >>> mentoring
    PlanConstraint(pool mentoring: used=15, limit=15, binding=True)
    >>> mentoring.met, round(mentoring.shadow_price, 2)  # effect per extra mentoring place
    (True, 0.08)
    """

    name: str
    kind: str
    used: float
    limit: float
    shadow_price: float | None
    binding: bool

    @property
    def met(self) -> bool:
        """Whether the plan keeps the constraint."""
        if self.kind == "reach":
            return self.used >= self.limit - 1e-9
        return self.used <= self.limit * (1 + 1e-9) + 1e-9

    def _headline(self) -> str:
        return (
            f"{self.name}: used={self.used:,.6g}, limit={self.limit:,.6g}, binding={self.binding}"
        )

    def _tables(self) -> list[Table]:
        price = format_number(self.shadow_price)
        row = (self.name, format_number(self.used), format_number(self.limit), price,
               format_number(self.binding))  # fmt: skip
        return [Table("Constraint", ("name", "used", "limit", "shadow price", "binds"), (row,))]

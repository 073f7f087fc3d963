"""What a notebook shows for a population and a program: their tables, as HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sparkus._results import Table, format_number, tables_html

if TYPE_CHECKING:
    from sparkus.model._population import Population
    from sparkus.model._records import Program

__all__ = ["population_html", "program_html"]

_SHOWN = 5
"""Rows of a population a notebook shows: enough to see the columns' values, no more."""


def _column_text(pop: Population, name: str) -> tuple[str, ...]:
    column = pop.schema[name]
    values = pop[name]
    if column.kind in ("category", "tuple"):
        about = f"{len(column.categories):,} categories"
        missing = int(np.count_nonzero(values < 0))
    elif column.kind == "reference":
        about, missing = "a person's row", int(np.count_nonzero(values < 0))
    elif column.kind == "float":
        finite = values[~np.isnan(values)]
        about = (
            f"{format_number(float(finite.min()))} to {format_number(float(finite.max()))}"
            if finite.size
            else "-"
        )
        missing = int(values.size - finite.size)
    else:
        about, missing = "", 0
    scale = "-" if column.scale is None else " to ".join(format_number(v) for v in column.scale)
    return (name, column.kind, about, scale, format_number(missing))


def population_html(pop: Population) -> str:
    """The population's columns (kind, range, scale, missing) and its first rows, as HTML."""
    columns = Table(
        f"Population: {len(pop):,} people, {len(pop.columns)} columns",
        ("column", "kind", "values", "scale", "missing"),
        tuple(_column_text(pop, name) for name in pop.columns),
        note="missing: none at the top of the tree for manager_id, unknown for team",
    )
    decoded = {name: pop.decode(name)[:_SHOWN].tolist() for name in pop.columns}
    rows = tuple(
        tuple(
            "; ".join(str(v) for v in value) if isinstance(value, tuple) else format_number(value)
            for value in (decoded[name][i] for name in pop.columns)
        )
        for i in range(min(len(pop), _SHOWN))
    )
    first = Table(f"First {len(rows)} rows", pop.columns, rows)
    return tables_html([columns, first])


def program_html(program: Program) -> str:
    """The program's settings, its costs and its journey's steps, as HTML."""
    settings = Table(
        f"Program: {program.name}",
        ("setting", "value"),
        (
            ("goals", ", ".join(g.value for g in program.goals)),
            ("season", program.season.value),
            ("budget", f"{program.budget:,.0f} {program.currency}"),
            ("fixed cost", f"{program.cost_model.fixed_cost:,.0f} {program.currency}"),
            ("minimum group size", format_number(program.min_group_size)),
            ("journey", f"{program.journey.name} ({program.journey.duration_days} days)"),
        ),
    )
    costs = program.cost_model
    supports = list(dict.fromkeys([*costs.session_cost, *costs.per_participant_cost]))
    fees = Table(
        f"Costs ({program.currency})",
        ("support", "per session", "per participant"),
        tuple(
            (
                s.value,
                format_number(costs.session_cost.get(s)),
                format_number(costs.per_participant_cost.get(s)),
            )
            for s in supports
        ),
        note=(
            f"plus {format_number(costs.session_hours)} h of the participant's time per session "
            f"at {format_number(costs.participant_hourly_cost)} per hour"
        ),
    )
    steps = Table(
        "Journey",
        ("step", "kind", "day", "required"),
        tuple(
            (s.id, s.kind.value, format_number(s.day), format_number(s.required))
            for s in program.journey.steps
        ),
    )
    return tables_html([settings, fees, steps])

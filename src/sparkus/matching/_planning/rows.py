"""The per-person arguments of a plan: pools' access, weights, effects, minimum reach.

:func:`~sparkus.matching.plan_support` and :func:`~sparkus.matching.budget_frontier` take
arrays of one value per person beside the population; their checks are written once here.
Each appends the problems it finds, for the planner's one :class:`~sparkus.SchemaError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    BoolArray,
    FloatArray,
    align_rows,
    as_array,
    as_float,
    check_number,
    describe,
    is_real,
    real_array,
)
from sparkus._checks_effects import booleans_problem, indicator
from sparkus._errors import EstimationError, Problem, SchemaError, key_text, shown
from sparkus._fields import not_one_of, probably_meant, read_member
from sparkus.model import Level, Population, SupportType

__all__ = [
    "EFFECT_SOURCES",
    "MAX_WEIGHT",
    "access_masks",
    "bool_rows",
    "by_ids",
    "equity_weights",
    "expected_effects",
    "reach_groups",
]

_MAX_ROW_PROBLEMS: Final = 20

EFFECT_SOURCES: Final = ("priors", "per-person effects")
"""Where a plan's expected effects come from: the priors, or the caller's `effects`."""

MAX_WEIGHT: Final = 1e12
"""The largest equity weight a person may have (weights are relative: 1e12 to 1 is plenty)."""


def bool_rows(
    problems: list[Problem], path: tuple[str | int, ...], value: object, population: Population
) -> BoolArray | None:
    """One boolean per person: booleans, or the numbers 0 and 1 (as pandas hands them over).

    A pandas Series is put in the population's order by its index, which must hold the ids.
    """
    n = len(population)
    name = Problem(path, "").location
    try:
        array = indicator(by_ids(value, population, name), name)
    except SchemaError as err:
        problems.extend(Problem(path, p.message) for p in err.problems)
        return None
    except EstimationError as err:
        problems.append(Problem(path, str(err)))
        return None
    if array.shape != (n,):
        msg = f"expected one value per person ({n}), got {array.shape[0]}"
        problems.append(Problem(path, msg))
        return None
    return array.copy()


def access_masks(
    access: object, option_names: tuple[str, ...], population: Population, problems: list[Problem]
) -> dict[str, BoolArray]:
    """Per option named in `access`, who may draw on it (a pandas Series by its index)."""
    masks: dict[str, BoolArray] = {}
    if access is None:
        return masks
    if not isinstance(access, Mapping):
        msg = f"expected a mapping of pool name to a bool array, got {describe(access)}"
        problems.append(Problem(("access",), msg))
        return masks
    for key, value in access.items():
        if key not in option_names:
            known = ", ".join(option_names) or "none"
            msg = f"{shown(key)} is not a pool of this plan (pools: {known})"
            problems.append(Problem(("access", key_text(key)), msg))
            continue
        mask = bool_rows(problems, ("access", key), value, population)
        if mask is not None:
            masks[key] = mask
    return masks


def equity_weights(weights: object, population: Population, problems: list[Problem]) -> FloatArray:
    """Each person's equity weight (1 without weights, or while any problem stands).

    Booleans are refused (a mask given as weights), not read as weights 1 and 0.

    A pandas Series is put in the population's order by its index, which must hold the ids.
    """
    n = len(population)
    if weights is None:
        return np.ones(n)
    try:
        w = as_array(by_ids(weights, population, "weights"), "weights")
    except SchemaError as err:
        problems.extend(Problem(("weights",), p.message) for p in err.problems)
        return np.ones(n)
    if w.shape != (n,):
        msg = f"expected one weight per person ({n}), got shape {w.shape}"
        problems.append(Problem(("weights",), msg))
        return np.ones(n)
    if (flags := booleans_problem(w, "equity weights")) is not None:
        problems.append(Problem(("weights",), flags))
        return np.ones(n)
    if w.dtype.kind in "iuf":  # real numbers: the fast path, when every one is in range
        with np.errstate(over="ignore", invalid="ignore"):
            x = w.astype(np.float64)  # float() of each, as check_number reads them
        if bool(np.all(np.isfinite(x) & (x >= 0.0) & (x <= MAX_WEIGHT))):
            return x
    found: list[Problem] = []  # else person by person, each problem with its row
    values = []
    for i, x in enumerate(w.astype(object).tolist()):
        before = len(found)
        values.append(check_number(x, "weights", low=0.0, high=MAX_WEIGHT, problems=found))
        if len(found) > before:  # the row, and whose it is (a Series is read by its ids)
            msg = f"{found[-1].message} for {shown(population.ids[i])}"
            found[-1] = Problem(("weights", i), msg)
    problems += found[:_MAX_ROW_PROBLEMS]
    return np.asarray(values) if not found else np.ones(n)


def _support_of(key: object) -> SupportType | None:
    """A SupportType from itself or its value or name in any spelling; None if neither."""
    return read_member(key, SupportType)


def _twice(member: SupportType | Level, first: object, again: object) -> str:
    """The message for a member given twice as keys of one mapping, in two spellings."""
    return (f"{shown(member.value)} is given twice, as {shown(first)} and as {shown(again)}, which read as "
            "the same; give it once")  # fmt: skip


def by_ids(value: object, population: Population, name: str) -> object:
    """A pandas Series put in the population's order by its index (the ids), or refused.

    Anything else comes back as it was given (paired with the people by position).
    """
    if not type(value).__module__.startswith("pandas"):
        return value
    import pandas as pd  # the caller passed pandas: it is imported already

    reference = pd.Series(np.zeros(len(population)), index=pd.Index(population.ids, name="id"))
    return align_rows(("population.ids", reference), (name, value))[1]


def expected_effects(
    effects: object,
    population: Population,
    supports: tuple[SupportType, ...],
    problems: list[Problem],
) -> FloatArray | None:
    """Each person's expected effect of each planned support type, (n, S); None without any.

    `effects` maps a SupportType (or its value) to one finite float per person (booleans are
    refused: a mask, not effect sizes); a pandas Series is put in the population's order by
    its index, which must hold the population's ids. Types not planned are ignored; a planned
    type without effects is a problem.
    """
    if effects is None:
        return None
    if not isinstance(effects, Mapping):
        msg = (f"expected a mapping of SupportType (or its value) to one expected effect per "
               f"person, got {describe(effects)}")  # fmt: skip
        problems.append(Problem(("effects",), msg))
        return None
    n = len(population)
    given: dict[SupportType, object] = {}
    keys: dict[SupportType, object] = {}
    before = len(problems)
    for key, value in effects.items():
        support = _support_of(key)
        label = key.value if isinstance(key, SupportType) else key_text(key)
        if support is None:
            problems.append(Problem(("effects", label), not_one_of(key, SupportType)))
        elif support in given:
            problems.append(Problem(("effects", label), _twice(support, keys[support], key)))
        else:
            given[support], keys[support] = value, key
    missing = [s.value for s in supports if s not in given]
    if missing:
        names = ", ".join(repr(s) for s in missing)
        msg = (f"has no expected effects for {names}, which the plan may give; give them, or "
               "restrict `supports` to the types given")  # fmt: skip
        problems.append(Problem(("effects",), msg))
    out = np.zeros((n, len(supports)))
    for k, s in enumerate(supports):
        if s not in given:
            continue
        name = f"effects[{shown(s.value)}]"
        try:
            raw = as_array(by_ids(given[s], population, name), name)
            column = real_array(raw, name)
        except SchemaError as err:
            problems.extend(Problem(("effects", s.value), p.message) for p in err.problems)
            continue
        if (flags := booleans_problem(raw, "effect sizes")) is not None:
            problems.append(Problem(("effects", s.value), flags))
            continue
        if column.shape != (n,):
            msg = f"expected one effect per person ({n}), got shape {column.shape}"
            problems.append(Problem(("effects", s.value), msg))
            continue
        bad = np.flatnonzero(~np.isfinite(column))
        for row in bad[:_MAX_ROW_PROBLEMS].tolist():
            what = "missing (NaN)" if math.isnan(column[row]) else f"{column[row]} (not finite)"
            msg = (
                f"is {what} for {shown(population.ids[row])}; every effect must be a finite number"
            )
            problems.append(Problem(("effects", s.value, row), msg))
        out[:, k] = column
    return out if len(problems) == before else None


def reach_groups(
    min_reach: object,
    population: Population,
    level: npt.NDArray[np.int8],
    department: npt.NDArray[np.object_],
    problems: list[Problem],
) -> tuple[BoolArray, npt.NDArray[np.int64], tuple[str, ...]]:
    """The groups with a minimum reach: members (R, n), people to support, names."""
    n = len(population)
    rows: list[BoolArray] = []
    least: list[int] = []
    names: list[str] = []
    if min_reach is not None and not isinstance(min_reach, Mapping):
        msg = f"expected a mapping of Level or department to a share, got {describe(min_reach)}"
        problems.append(Problem(("min_reach",), msg))
    elif min_reach is not None:
        departments = {str(d) for d in population.schema["department"].categories}
        levels = {lv.value: lv for lv in Level}
        seen: dict[Level, object] = {}  # each level's key, to refuse another spelling of it
        for given, share in min_reach.items():
            label = given.value if isinstance(given, Level) else key_text(given)
            # a Level or its value or name in any spelling (a department of that name first)
            key = (
                read_member(given, Level) or given
                if isinstance(given, str) and given not in departments
                else given
            )
            if isinstance(key, Level) and key in seen:
                problems.append(Problem(("min_reach", label), _twice(key, seen[key], given)))
                continue
            if isinstance(key, Level):
                seen[key] = given
                members = level == key.rank
                name = f"level {key.value}"
            elif isinstance(key, str) and key in departments:
                members = department == key
                name = f"department {key}"
            else:
                known = ", ".join(sorted(departments))
                msg = (f"{shown(key)} is neither a Level (or its value: "
                       f"{', '.join(levels)}) nor a department (departments: {known})"
                       f"{probably_meant(key, Level)}")  # fmt: skip
                problems.append(Problem(("min_reach", label), msg))
                continue
            if not is_real(share) or not 0.0 <= as_float(share) <= 1.0:
                msg = f"expected a share from 0 to 1, got {describe(share)}"
                problems.append(Problem(("min_reach", label), msg))
                continue
            rows.append(np.asarray(members, dtype=bool))
            least.append(math.ceil(float(share) * int(members.sum()) - 1e-9))
            names.append(name)
    reach = np.asarray(rows, dtype=bool).reshape(len(rows), n)
    return reach, np.asarray(least, dtype=np.int64), tuple(names)

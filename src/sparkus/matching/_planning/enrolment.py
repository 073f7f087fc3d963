"""From a plan (and who was matched with whom) to the arguments of a journey schedule.

:meth:`SupportPlan.enrolled <sparkus.matching.SupportPlan.enrolled>` returns an
:class:`Enrolment`: the people the plan supports, their support and sessions and, given the
assignments of participants to providers, each one's provider, keyed as
:func:`~sparkus.model.schedule_journeys` takes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NotRequired, TypedDict

import numpy as np
import numpy.typing as npt

from sparkus._checks import describe
from sparkus._errors import Problem, SchemaError
from sparkus.matching._pairing.assign_result import Assignment

__all__ = ["Enrolment", "enrolment"]


class Enrolment(TypedDict):
    """The supported people of a plan, keyed as :func:`~sparkus.model.schedule_journeys`' arguments."""

    ids: npt.NDArray[np.str_]
    support: npt.NDArray[np.object_]
    sessions: npt.NDArray[np.int64]
    provider: NotRequired[npt.NDArray[np.object_]]


def _assignments_iv(assignments: object) -> list[Assignment]:
    if isinstance(assignments, Assignment):
        given: list[object] = [assignments]
    elif isinstance(assignments, str | bytes) or not isinstance(assignments, Iterable):
        msg = f"expected an Assignment or a list of them, got {describe(assignments)}"
        raise SchemaError([Problem(("assignments",), msg)])
    else:
        given = list(assignments)
    problems = [
        Problem(("assignments", i), f"expected an Assignment (from assign), got {describe(a)}")
        for i, a in enumerate(given)
        if not isinstance(a, Assignment)
    ]
    problems += [
        Problem(("assignments", i), "was made on a cost matrix, without participant and "
                                    "provider ids; assign on a candidate_matrix")
        for i, a in enumerate(given)
        if isinstance(a, Assignment) and (a.participant_ids is None or a.provider_ids is None)
    ]  # fmt: skip
    if problems:
        raise SchemaError(problems)
    return [a for a in given if isinstance(a, Assignment)]


def enrolment(
    ids: npt.NDArray[np.str_],
    support: npt.NDArray[np.object_],
    sessions: npt.NDArray[np.int64],
    assignments: object,
) -> Enrolment:
    """The supported rows of a plan and, given assignments, each one's provider.

    A participant placed by two assignments, or placed but not supported by the plan, is an
    error naming the assignment and the id.
    """
    rows = np.flatnonzero(support != None)  # element-wise on an object array
    out = Enrolment(ids=ids[rows].copy(), support=support[rows].copy(),
                    sessions=sessions[rows].copy())  # fmt: skip
    if assignments is None:
        return out
    where = {v: i for i, v in enumerate(out["ids"].tolist())}
    provider = np.full(len(rows), None, dtype=object)
    problems: list[Problem] = []
    for k, assignment in enumerate(_assignments_iv(assignments)):
        for person, placed in assignment.pairs().items():
            i = where.get(str(person))
            if i is None:
                msg = (f"places {person!r}, whom the plan does not support; plan them, or "
                       "match only the supported")  # fmt: skip
                problems.append(Problem(("assignments", k), msg))
            elif provider[i] is not None:
                msg = f"places {person!r} again (with {placed!r}, after {provider[i]!r})"
                problems.append(Problem(("assignments", k), msg))
            else:
                provider[i] = str(placed)
    if problems:
        raise SchemaError(problems[:10])
    out["provider"] = provider
    return out

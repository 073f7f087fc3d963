"""The checks every planning door shares: the people, their triage, the program, the providers.

:func:`~sparkus.matching.recommend_support`, :func:`~sparkus.matching.plan_support`,
:func:`~sparkus.matching.budget_frontier` and :func:`~sparkus.matching.compare_scenarios` all
take a population, its triage and a program (the planners also the providers); the checks of
those arguments, and their messages, are written once here. Each returns the problems found,
for the door's one :class:`~sparkus.SchemaError`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import cast

import numpy as np

from sparkus._checks import describe
from sparkus._errors import Problem
from sparkus.model import Population, Program, Provider
from sparkus.triage import TriageResult

__all__ = ["people_problems", "providers_problems", "same_people"]


def people_problems(population: object, triage: object, program: object) -> list[Problem]:
    """The population, its triage and the program, each of its type."""
    problems: list[Problem] = []
    if not isinstance(population, Population):
        got = type(population).__name__
        problems.append(Problem(("population",), f"expected a Population, got {got}"))
    if not isinstance(triage, TriageResult):
        got = type(triage).__name__
        msg = f"expected a TriageResult (from sparkus.triage.triage), got {got}"
        problems.append(Problem(("triage",), msg))
    if not isinstance(program, Program):
        problems.append(Problem(("program",), f"expected a Program, got {type(program).__name__}"))
    return problems


def providers_problems(providers: object) -> list[Problem]:
    """A sequence of :class:`~sparkus.model.Provider`, each id once.

    A repeated provider would have its capacity counted twice, so it is refused (here for
    the planners and :func:`~sparkus.matching.candidate_matrix` alike), also when the two ids
    differ only in how their accents are encoded (Unicode normal forms), as participant ids.
    """
    if isinstance(providers, str | bytes) or not isinstance(providers, Iterable):
        msg = f"expected a sequence of Provider, got {describe(providers)}"
        return [Problem(("providers",), msg)]
    problems: list[Problem] = []
    first: dict[str, tuple[int, str]] = {}
    for i, p in enumerate(cast(Iterable[object], providers)):
        if not isinstance(p, Provider):
            problems.append(Problem(("providers", i), f"expected a Provider, got {describe(p)}"))
            continue
        j, earlier = first.setdefault(_nfc(p.id), (i, p.id))
        if j == i:
            continue
        msg = f"{p.id!r} repeats providers[{j}]" + (
            f", {earlier!r}, in another Unicode form ({p.id!a} and {earlier!a}); write both "
            "the same way"
            if earlier != p.id
            else ""
        )
        problems.append(Problem(("providers", i, "id"), msg))
    return problems


def _nfc(text: str) -> str:
    """`text` in Unicode normal form C: one id however its accents were encoded."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def same_people(population: Population, triage: TriageResult) -> list[Problem]:
    """The triage is of this population: its ids, in the same order."""
    if np.array_equal(triage.ids, population.ids):
        return []
    msg = "must be the triage of this population: its ids, in the same order"
    return [Problem(("triage", "ids"), msg)]

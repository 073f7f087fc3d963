"""A whole program as one document: the program, its people, providers and assessments."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

import attrs
import numpy as np

from sparkus._errors import Problem, SchemaError
from sparkus._fields import Record, checked, declared, instance_of, number, tuple_of
from sparkus._ids import near_ids
from sparkus.model._columns import CORE, read_columns, record_columns
from sparkus.model._records import Assessment, Participant, Program, Provider

__all__ = ["SCHEMA_VERSION", "ProgramDocument"]

SCHEMA_VERSION: Final = 1
"""The version of the program document format this sparkus writes and reads."""


def _check_version(value: object) -> list[Problem]:
    found = number(integer=True)(value)
    if found:
        return found
    if value != SCHEMA_VERSION:
        how = "upgrade sparkus" if value > SCHEMA_VERSION else "convert the document"  # type: ignore[operator]
        return [Problem((), f"version {value} is not supported (this sparkus reads "
                            f"{SCHEMA_VERSION}); {how}")]  # fmt: skip
    return []


_version = declared(_check_version, {"const": SCHEMA_VERSION})


@attrs.frozen
class ProgramDocument(Record):
    """A program with everyone in it, as exchanged with an HR tool in one JSON document.

    Besides each record's own checks, a document checks that participant and provider ids are
    unique, that every manager id and every assessment names a participant, and that the
    manager tree has no cycle; every problem is reported at once.

    Parameters
    ----------
    program : Program
        The program.
    participants : tuple of Participant
        Everyone who may take part.
    providers : tuple of Provider
        Coaches, mentors and facilitators.
    assessments : tuple of Assessment
        Readiness-instrument answers.
    schema_version : int
        The document format's version, :data:`SCHEMA_VERSION` when written by this sparkus.

    Examples
    --------
    >>> from sparkus.model import ProgramDocument, from_json, to_json
    >>> from sparkus.datasets import synthetic_org
    >>> org = synthetic_org(n=50, seed=1)
    >>> doc = ProgramDocument(org.program, tuple(org.population.to_records()), org.providers)
    >>> from_json(to_json(doc), ProgramDocument) == doc
    True

    .. versionadded:: 0.1
    """

    program: Program = attrs.field(metadata=checked(instance_of(Program, "a Program")))
    participants: tuple[Participant, ...] = attrs.field(
        default=(), metadata=checked(tuple_of(instance_of(Participant, "a Participant")))
    )
    providers: tuple[Provider, ...] = attrs.field(
        default=(), metadata=checked(tuple_of(instance_of(Provider, "a Provider")))
    )
    assessments: tuple[Assessment, ...] = attrs.field(
        default=(), metadata=checked(tuple_of(instance_of(Assessment, "an Assessment")))
    )
    schema_version: int = attrs.field(default=SCHEMA_VERSION, metadata=checked(_version))

    def _cross_check(self) -> list[Problem]:
        return _document_problems(
            list(enumerate(self.participants)),
            list(enumerate(self.providers)),
            list(enumerate(self.assessments)),
        )

    @classmethod
    def _check_partial(cls, parts: Mapping[str, Any], raw: Mapping[str, Any]) -> list[Problem]:
        """Document checks over the records that did read, when others did not.

        A participant that did not read is still a person: a manager id or an assessment
        naming its id (as written in `raw`, the document's data) names someone, so it is not
        reported as naming nobody.
        """

        def indexed(name: str, kind: type[Any]) -> list[tuple[int, Any]]:
            found = parts.get(name, ())
            pairs = found.items() if isinstance(found, Mapping) else enumerate(found)
            return [(int(i), r) for i, r in pairs if isinstance(r, kind)]

        people = indexed("participants", Participant)
        read = {i for i, _ in people}
        given = raw.get("participants")
        unread: set[str] = set()
        if isinstance(given, list | tuple):
            unread = {item["id"] for i, item in enumerate(given)
                      if i not in read and isinstance(item, Mapping)
                      and isinstance(item.get("id"), str)}  # fmt: skip
        return _document_problems(
            people, indexed("providers", Provider), indexed("assessments", Assessment), unread
        )


def _odd_row(values: np.ndarray[Any, Any]) -> int:
    """The row at which a problem of a whole attribute column is shown.

    For a column of mixed types, the first row whose kind differs from the first row's; for
    one of integers too large, the first integer outside 64 bits; else the first row.
    """
    kinds = [str if isinstance(v, str) else bool if isinstance(v, bool) else float for v in values]
    odd = [i for i, kind in enumerate(kinds) if kind is not kinds[0]]
    odd = odd or [i for i, v in enumerate(values) if type(v) is int and not -(2**63) <= v < 2**63]
    return (odd or [0])[0]


def _document_problems(
    participants: list[tuple[int, Participant]],
    providers: list[tuple[int, Provider]],
    assessments: list[tuple[int, Assessment]],
    unread: frozenset[str] | set[str] = frozenset(),
) -> list[Problem]:
    """Unique ids, managers and assessments that name participants, no manager cycle.

    Each list pairs a record with its index in the document, so problems point at the right
    place even when some records could not be read; `unread` holds the ids of participants
    that did not read, which references may name without being reported.
    """
    index = [i for i, _ in participants]
    ids = [*(p.id for _, p in participants), *sorted(unread)]  # in a stable order, for hints
    shifted = index != list(range(len(index)))  # some did not read: rows are renumbered
    try:
        columns = record_columns(r for _, r in participants)
    except SchemaError as error:  # attributes that differ: no columns to check further
        return [
            *(_in_document(p, index, {}, shifted) for p in error.problems),
            *_other_problems(providers, ids, assessments),
        ]
    if unread:  # a manager who did not read is not a missing manager
        managers = columns["manager_id"]
        written = np.fromiter((m in unread for m in managers.tolist()), bool, len(managers))
        managers[written] = None  # compared as written (a text array would drop NULs)
    problems: list[Problem] = []
    try:
        read_columns(columns, {})
    except SchemaError as error:
        problems.extend(_in_document(p, index, columns, shifted) for p in error.problems)
    return problems + _other_problems(providers, ids, assessments)


def _in_document(
    problem: Problem, index: list[int], columns: Mapping[str, Any], shifted: bool
) -> Problem:
    """A problem of the participants' columns at its path in the document.

    Rows, in the path and in the message (``repeats participants[3]``), become the
    participants' indices in the document (`index`, `shifted` if some did not read); a free
    attribute's name is put under ``attributes``, and a problem of a whole attribute column
    is shown at the row that breaks it (:func:`_odd_row`).
    """
    path, message = problem.path, problem.message
    if len(path) == 1 and path[0] in columns and path[0] not in CORE:
        path = ("participants", _odd_row(columns[str(path[0])]), *path)
    if len(path) >= 2 and path[0] == "participants" and isinstance(path[1], int):
        path = ("participants", index[path[1]], *path[2:])
    if len(path) == 3 and path[2] not in _FIELDS:  # a free attribute, where JSON has it
        path = (*path[:2], "attributes", path[2])
    if shifted:
        message = _ROW.sub(lambda row: f"participants[{index[int(row[1])]}]", message)
    return Problem(path, message)


_FIELDS: Final = frozenset(f.name for f in attrs.fields(Participant))
_ROW: Final = re.compile(r"participants\[(\d+)\]")


def _other_problems(
    providers: list[tuple[int, Provider]],
    ids: list[str],
    assessments: list[tuple[int, Assessment]],
) -> list[Problem]:
    """Provider ids repeated, and assessments naming no participant (of `ids`).

    An assessment's participant id written otherwise than one of `ids` is refused with the
    ids it nearly matches (:func:`sparkus._ids.near_ids`, which names them in `ids`' order).
    """
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, provider in providers:
        if seen.setdefault(provider.id, i) != i:
            msg = f"{provider.id!r} repeats providers[{seen[provider.id]}]"
            problems.append(Problem(("providers", i, "id"), msg))
    known = set(ids)
    refused = [(i, a.participant_id) for i, a in assessments if a.participant_id not in known]
    hints = near_ids(ids, [who for _, who in refused])
    for (i, who), hint in zip(refused, hints, strict=True):
        msg = f"{who!r} names no participant of the document{hint}"
        problems.append(Problem(("assessments", i, "participant_id"), msg))
    return problems

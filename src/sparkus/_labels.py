"""Labels counted apart: one rule for when two spellings are one group, shared by every door.

Group labels (departments, sites), cluster labels (teams) and strata come from exports written
by hand, where ``"Sales"``, ``"sales "`` and ``"Sales"`` with a combining accent are one group.
:func:`spelling_problem` is the rule every door that counts labels apart applies (the audit,
subgroup effects, rollout strata and cluster codes through
:func:`sparkus._privacy.group_label_problems`, which names the rows; tracker groupings and the
benefit model's folds), the rule ``Population.from_frame`` applies to text values; it compares
labels by :func:`label_text`, as the reader of enum labels does
(:func:`sparkus._fields.spelling_key`).

:func:`bools_beside_numbers` and :func:`numeric_label` are the rule for labels that are equal
but written apart: ``True`` is ``1`` to Python (one group, named after whichever came first), so
booleans are labels only on their own; ``-0.0`` is ``0.0``, one label named ``0.0``.

Answers on a scale come from the same exports, where ``"4"`` sits beside ``"Agree"``:
:func:`number` is the one rule for which text is a number (the CSV reader's and
``Population.from_frame``'s for a column of answers).

:class:`ByValue` is the metaclass of every sparkus enum: a lookup by a value that cannot be a
member's (a numpy array, a list) goes to the enum's ``_missing_``, its SchemaError.
"""

from __future__ import annotations

import enum
import numbers
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, TypeVar, cast

import numpy as np

from sparkus._errors import Problem, SchemaError, shown, writable

__all__ = [
    "ByValue",
    "bools_beside_numbers",
    "label_text",
    "number",
    "numeric_label",
    "refuse_spellings",
    "spelling_problem",
]

_T = TypeVar("_T")

_NUMBER: Final = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
    re.IGNORECASE,
)


def number(text: str) -> float | None:
    """The text as a float (maybe inf or nan), or None when it is not a number.

    A number is written in ASCII: ``42``, ``-3.5``, ``.5``, ``1e-3``; ``inf``, ``infinity``
    and ``nan`` in any case, with a sign or not, are numbers that are not finite (a number
    column then names them as such). White space around the number is ignored. Python's
    :func:`float` also takes PEP 515 underscores (``3_06`` is 306) and the digits of other
    scripts (Arabic-Indic, fullwidth); no spreadsheet writes these, so such text is no number:
    a mistyped cell must not become another number.

    >>> number(" -1.5e3 "), number("3_06"), number("\uff13"), number("-Inf")
    (-1500.0, None, None, -inf)
    """
    text = text.strip()
    return float(text) if _NUMBER.fullmatch(text) else None


def label_text(text: str) -> str:
    r"""`text` as labels compare: what it shows, in one case, its white space runs as one space.

    Text is taken in Unicode normal form C (a composed and a combining accent are one
    spelling), without the invisible format characters that copies from web pages and
    spreadsheets carry (a byte-order mark, a zero-width space, a soft hyphen: Unicode category
    Cf), case-folded (``"STRASSE"`` and ``"Straße"`` are one spelling), and without white space
    at either end. A label whose text is empty is blank. :func:`spelling_problem` compares
    group labels by it, and :func:`sparkus._fields.spelling_key` enum labels.

    >>> label_text(" Sale\u0301s\u200b  TEAM "), label_text("\ufeff ")
    ('salés team', '')
    """
    if not text.isascii():  # (ASCII text is in normal form C and holds no format character)
        text = unicodedata.normalize("NFC", text)
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join(text.casefold().split())


def spelling_problem(
    labels: Iterable[object], where: Callable[[list[str]], str] | None = None
) -> str | None:
    """What is wrong with distinct group labels written as no group, or one group two ways.

    A blank text label (empty, or white space alone) is a missing value of an export, not a
    group. Labels that differ only in case, white space, Unicode form (``"Sales"``,
    ``"sales "``, a composed and a combining accent) or invisible format characters (a
    zero-width space, a byte-order mark: Unicode category Cf) are one group written several
    ways: counted apart, each gets its own figures, and some print alike. An int too long to
    write out (past 4,300 digits) names no group either. None when none of these occurs; other
    labels that are not text are left out. Each caller names its own field.

    The ways of writing one group are listed sorted; with `where`, in the order of `labels`
    instead, each list followed by ``where(ways)`` (the rows they are found in, say).
    """
    spelled: dict[str, list[str]] = {}
    for label in labels:
        if isinstance(label, str):
            spelled.setdefault(label_text(label), []).append(label)
        elif isinstance(label, int) and label.bit_length() > 14_000 and not writable(label):
            return f"holds {shown(label)}, too long to write out as a group's name; pass text"
    if "" in spelled:
        blank = ", ".join(repr(v) for v in sorted(spelled[""])[:3])
        return f"holds the blank label {blank}; a blank cell is no group: give everyone a group"
    clashes = [
        ways[:3] if where else sorted(ways)[:3] for ways in spelled.values() if len(ways) > 1
    ]
    if not clashes:
        return None
    listed = [" and ".join(map(ascii, ways)) for ways in clashes[:5]]
    if where is not None:
        listed = [f"{text}, in {where(ways)}" for text, ways in zip(listed, clashes, strict=False)]
    return (
        f"holds labels that differ only in case, white space, Unicode form or invisible "
        f"characters ({'; '.join(listed)}): one "
        "group written several ways would be counted as several; write each group one way"
    )


def refuse_spellings(labels: Iterable[object], name: str) -> None:
    """SchemaError at `name` when distinct `labels` break :func:`spelling_problem`'s rule."""
    if (wrong := spelling_problem(labels)) is not None:
        raise SchemaError([Problem((name,), wrong)])


def _is_number(value: object) -> bool:
    """A number that is not a boolean nor NaN (missing values are each caller's own check)."""
    if isinstance(value, float | np.floating):
        return not np.isnan(value)
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds, for a message."""
    return value.item() if isinstance(value, np.generic) else value


def bools_beside_numbers(cells: Sequence[object]) -> str | None:
    """What is wrong with labels that hold booleans beside numbers, or None when they do not.

    ``True == 1`` and ``hash(True) == hash(1)``: counted apart, ``True`` and ``1`` are one group
    (named after whichever came first), and ``True`` beside ``2`` is a flag among numbers.
    Booleans alone are labels (two groups, ``False`` and ``True``); beside numbers they are
    refused, naming their rows. `cells` are the labels' values, row by row.

    >>> bools_beside_numbers([True, False]) is None
    True
    >>> bools_beside_numbers([True, 1, 2, False]).split(":")[0]
    'mixes booleans and numbers (booleans in rows 0, 3; the number 1 in row 1)'
    """
    flags = [row for row, v in enumerate(cells) if isinstance(v, bool | np.bool_)]
    number = next((row for row, v in enumerate(cells) if _is_number(v)), None)
    if not flags or number is None:
        return None
    rows = ", ".join(map(str, flags[:5])) + (f", ... ({len(flags):,} in all)" * (len(flags) > 5))
    return (
        f"mixes booleans and numbers (booleans in row{'s' * (len(flags) > 1)} {rows}; the "
        f"number {shown(_plain(cells[number]))} in row {number}): True equals 1 and False 0, so a flag "
        "would be counted in that number's group; pass one kind (all text, say)"
    )


def numeric_label(value: _T) -> _T:
    """`value`, with a signed zero as ``0.0``: ``-0.0`` and ``0.0`` are one label, named ``0.0``.

    >>> numeric_label(-0.0), numeric_label("-0.0"), numeric_label(3)
    (0.0, '-0.0', 3)
    """
    if isinstance(value, numbers.Number) and not isinstance(value, numbers.Integral):
        return cast(_T, cast(Any, value) + 0)  # IEEE 754: -0.0 + 0 is +0.0, others unchanged
    return value


class ByValue(enum.EnumMeta):
    """The metaclass of sparkus' enums: an unhashable value is looked up by ``_missing_`` alone.

    Python's lookup compares such a value with each member's (``member.value == value``), whose
    truth for a numpy array of other than one element is a bare ValueError; no member's value is
    unhashable, so the enum's ``_missing_`` (a SchemaError naming the allowed values) answers.
    It answers too for a value Python cannot write out (an int of 5,000 digits, an object whose
    ``repr`` fails), which Python's lookup would put in its own message first.
    """

    def __call__(cls, value: object, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs:
            try:
                hash(value)
            except TypeError:
                return cast(type[enum.Enum], cls)._missing_(value)
        try:
            return super().__call__(value, *args, **kwargs)
        except SchemaError:
            raise
        except Exception:  # Python writes out a value it cannot find before asking _missing_
            if args or kwargs or writable(value):
                raise
            return cast(type[enum.Enum], cls)._missing_(value)

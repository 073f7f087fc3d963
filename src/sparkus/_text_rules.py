r"""Text that would not survive as written: NUL characters, and two spellings of one id.

numpy keeps text in 'U' arrays, which drop trailing NUL characters: ``"a\x00"`` would be
stored as ``"a"``, one person's id silently becoming another's. Participant ids, manager ids,
departments and teams, the ids of records and events, and the ids of stable matching's
preference lists refuse any NUL character, by one rule
(:func:`nul_message` for one value, :func:`nul_rows` for a column), on every path: records
built in Python or read from JSON (:data:`name_text`), populations read from columns or frames,
and event tables.

Two ids that differ only in their Unicode form (``"caf\u00e9"`` composed, ``"cafe\u0301"``
with a combining accent) look the same to every reader: :func:`nfc_repeats` finds them, so
that a population refuses them naming both rows.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Final, cast

from sparkus._errors import Problem
from sparkus._fields import Declared, declared, text
from sparkus._patterns import END, WHITE_SPACE

__all__ = [
    "name_text", "nfc", "nfc_repeat_message", "nfc_repeats", "nul_message", "nul_rows",
]  # fmt: skip

# The pattern of sparkus._fields.text, without NUL characters: one rule for both readers.
_NAME: Final = re.compile(rf"^[^{WHITE_SPACE}\x00](?:[^\n\r\x00]*[^{WHITE_SPACE}\x00])?{END}")


def nul_message(value: str) -> str:
    """Why `value`, a text holding a NUL character, is refused."""
    if value.endswith("\x00"):
        return (f"{value!r} ends in a NUL character ('\\x00'), which text arrays drop: it "
                f"would read as {value.rstrip(chr(0))!r}; remove it")  # fmt: skip
    return f"{value!r} holds a NUL character ('\\x00'), not allowed in ids and names; remove it"


def nul_rows(values: list[Any]) -> list[int]:
    """The rows of `values` that are text holding a NUL character (one C pass when none)."""
    try:
        if "\x00" not in "".join(values):
            return []
    except TypeError:  # not all text
        pass
    return [i for i, v in enumerate(values) if isinstance(v, str) and "\x00" in v]


def _name_text(value: object) -> list[Problem]:
    found = text(value)
    if found:
        return found
    value = cast(str, value)  # (text has checked it is one)
    return [Problem((), nul_message(value))] if "\x00" in value else []


name_text: Final[Declared] = declared(_name_text, {"type": "string", "pattern": _NAME.pattern})
"""A non-empty string on one line, without white space at either end or a NUL character."""


def nfc(value: str) -> str:
    """`value` in Unicode normal form C (composed): how two spellings of one text compare."""
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def nfc_repeat_message(value: str, earlier: str, row: int) -> str:
    """Why `value` is refused where participants[`row`] is `earlier`, equal in normal form C."""
    return (f"{value!r} repeats participants[{row}], {earlier!r}, in another Unicode form "
            f"({value!a} and {earlier!a}); write both the same way")  # fmt: skip


def nfc_repeats(values: list[str], skip: Any = ()) -> list[tuple[int, int]]:
    """Pairs (row, earlier row) of texts that differ, yet are equal in normal form C.

    Rows in `skip` are left out. An all-ASCII column (the usual one) costs one pass in C.
    """
    if "".join(values).isascii():
        return []
    first: dict[str, int] = {}
    pairs = []
    skipped = set(skip)
    for i, value in enumerate(values):
        if i in skipped:
            continue
        j = first.setdefault(nfc(value), i)
        if j != i and values[j] != value:
            pairs.append((i, j))
    return pairs

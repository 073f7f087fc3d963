"""How ids compare when written otherwise, and the hint a refused reference gets.

An HR export spells one id several ways: in another case (``'e0012'`` for ``'E0012'``), with
surrounding spaces, without its leading zeros, or as a number (``12``, ``12.0`` or ``'12.0'``
for ``'12'``, when a spreadsheet read the column as floats). :func:`id_key` is how such
spellings compare; :func:`near_ids` gives a reference that names no id the hint naming the
ids it nearly matches. Ids are exact keys everywhere (``'E1'`` and ``'e1'`` may be two
people): a reference written otherwise is refused, never matched, and every door that refuses
one ends its refusal with this hint.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Final

import numpy as np

from sparkus._text_rules import nfc

__all__ = ["NEAR_SHOWN", "NEAR_VALUES", "id_key", "near_ids"]

NEAR_SHOWN: Final = 3
"""The most ids one hint names."""
NEAR_VALUES: Final = 1_000
"""The most refused values one call of :func:`near_ids` gives hints for."""
_WHOLE_FLOAT: Final = re.compile(r"[0-9]+\.0*")  # "12.0": a whole number a spreadsheet wrote


def id_key(value: str) -> str:
    """How an export's ids compare: case folded, digits without their leading zeros."""
    key = nfc(value).casefold()
    return (key.lstrip("0") or "0") if key.isdigit() else key


def near_ids(ids: Iterable[object], refused: Sequence[object]) -> list[str]:
    """For each refused reference, the hint naming the ids it nearly matches ("" for none).

    A reference that names no id may still spell one otherwise (:func:`id_key`, or a number
    for an id of digits). It is never matched; its refusal adds ``"; did you mean 'E0012'?"``,
    naming at most :data:`NEAR_SHOWN` ids (text ids, or integer ids such as stable matching
    takes). Bounded on a million ids: they are read once, and only when one of the first
    :data:`NEAR_VALUES` refused values could spell one; the values past those get no hint.
    """
    wanted = [_near_key(value) for value in refused[:NEAR_VALUES]]
    keys = {key for key, _ in filter(None, wanted)}
    hints = [""] * len(refused)
    if not keys:
        return hints
    found: dict[str, list[object]] = {}
    for identifier in ids.tolist() if isinstance(ids, np.ndarray) else ids:
        key = _own_key(identifier)
        if key is not None and key in keys:
            found.setdefault(key, []).append(identifier)
    for k, w in enumerate(wanted):
        if w is not None:
            hints[k] = _near_hint(found.get(w[0], []), as_float=w[1])
    return hints


def _own_key(identifier: object) -> str | None:
    """How an id compares (text, or an integer as its decimal text); None for anything else."""
    if isinstance(identifier, str):
        return id_key(identifier)
    if isinstance(identifier, int | np.integer) and not isinstance(identifier, bool | np.bool_):
        return _integer_key(int(identifier))
    return None


def _integer_key(number: int) -> str | None:
    """An integer as an id's key; None beyond 64 bits (10**5000 cannot even be written out)."""
    return id_key(str(number)) if -(2**63) <= number < 2**63 else None


def _near_key(value: object) -> tuple[str, bool] | None:
    """How `value` compares with the ids it may spell, and whether it was a float; or None."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        key = _integer_key(int(value))
        return None if key is None else (key, False)
    if isinstance(value, float | np.floating):
        number = float(value)
        whole = math.isfinite(number) and number == round(number) and abs(number) < 2**53
        return (id_key(str(int(number))), True) if whole else None
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if _WHOLE_FLOAT.fullmatch(text):
            return id_key(text.partition(".")[0]), True
        return id_key(text), False
    return None


def _near_hint(matches: list[object], *, as_float: bool) -> str:
    if not matches:
        return ""
    shown = [repr(m) for m in matches[:NEAR_SHOWN]]
    named = " or ".join([", ".join(shown[:-1]), shown[-1]] if len(shown) > 1 else shown)
    more = len(matches) - NEAR_SHOWN
    named += f" (or {more:,} more ids written alike)" if more > 0 else ""
    floats = " (the ids are whole numbers; was the column read as floats?)" if as_float else ""
    return f"; did you mean {named}?{floats}"

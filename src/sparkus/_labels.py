"""Labels counted apart: one rule for when two spellings are one group, shared by every door.

Group labels (departments, sites), cluster labels (teams) and strata come from exports written
by hand, where ``"Sales"``, ``"sales "`` and ``"Sales"`` with a combining accent are one group.
:func:`spelling_problem` is the rule every door that counts labels apart applies (the audit,
subgroup effects, rollout strata, tracker groupings, cluster codes and the benefit model's
folds), the rule ``Population.from_frame`` applies to text values.

Answers on a scale come from the same exports, where ``"4"`` sits beside ``"Agree"``:
:func:`number` is the one rule for which text is a number (the CSV reader's and
``Population.from_frame``'s for a column of answers).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Final

from sparkus._errors import Problem, SchemaError

__all__ = ["number", "refuse_spellings", "spelling_problem"]

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


def spelling_problem(labels: Iterable[object]) -> str | None:
    """What is wrong with distinct group labels written as no group, or one group two ways.

    A blank text label (empty, or white space alone) is a missing value of an export, not a
    group. Labels that differ only in case, white space or Unicode form (``"Sales"``,
    ``"sales "``, a composed and a combining accent) are one group written several ways: counted
    apart, each gets its own figures, and some print alike. None when neither occurs; labels
    that are not text are left out. Each caller names its own field.
    """
    spelled: dict[str, list[str]] = {}
    for label in labels:
        if isinstance(label, str):
            key = " ".join(unicodedata.normalize("NFC", label).casefold().split())
            spelled.setdefault(key, []).append(label)
    if "" in spelled:
        blank = ", ".join(repr(v) for v in sorted(spelled[""])[:3])
        return f"holds the blank label {blank}; a blank cell is no group: give everyone a group"
    clashes = [sorted(ways) for ways in spelled.values() if len(ways) > 1]
    if not clashes:
        return None
    shown = "; ".join(" and ".join(ascii(v) for v in ways[:3]) for ways in clashes[:5])
    return (
        f"holds labels that differ only in case, white space or Unicode form ({shown}): one "
        "group written several ways would be counted as several; write each group one way"
    )


def refuse_spellings(labels: Iterable[object], name: str) -> None:
    """SchemaError at `name` when distinct `labels` break :func:`spelling_problem`'s rule."""
    if (wrong := spelling_problem(labels)) is not None:
        raise SchemaError([Problem((name,), wrong)])

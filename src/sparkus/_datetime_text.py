r"""The one definition of a JSON date-time: RFC 3339's, as a pattern both readers understand.

:func:`sparkus.model.from_json` reads a date-time only if it matches :data:`RFC_3339`, and
every JSON Schema sparkus writes declares the same text as the date-time's ``pattern``; so a
validator that does not assert ``format`` (JSON Schema 2020-12's default) refuses exactly the
texts the reader refuses. The pattern is RFC 3339's ``date-time`` (section 5.6) with the
calendar checked as Python's :class:`datetime.datetime` checks it: months 01 to 12, the days
of each month (29 February in leap years only), hours 00 to 23, minutes and seconds 00 to 59
(a leap second, ``60``, has no :class:`~datetime.datetime`), offsets up to 23:59, years 0001 to
9999; ``T`` and ``Z`` in either case, a fraction of any length.

It means the same in ECMA 262 (a JSON Schema's dialect) and Python's :mod:`re`: ``[0-9]``, not
``\d`` (which Python reads as any Unicode digit), and ``$(?!\n)``, the end of the text in
both (Python's ``$`` alone also matches before a final line break); see :mod:`sparkus._patterns`.
:data:`DATE` is its date alone, the text :meth:`datetime.date.fromisoformat` reads as
``YYYY-MM-DD``.
"""

from __future__ import annotations

import re
from typing import Final

from sparkus._patterns import END

__all__ = ["DATE", "RFC_3339"]

_LEAP_YEAR: Final = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_DAY: Final = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"  # months of 31 days
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"  # of 30
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"  # February, but its 29th
)
_DATE: Final = rf"(?:(?!0000)[0-9]{{4}}-{_DAY}|(?!0000){_LEAP_YEAR}-02-29)"
_TIME: Final = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
_OFFSET: Final = r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"  # hours and minutes, no seconds

RFC_3339: Final = re.compile(rf"^{_DATE}[Tt]{_TIME}{_OFFSET}{END}")
"""A date and time with its UTC offset as JSON writes it, e.g. ``2026-03-02T09:30:00+01:00``."""

DATE: Final = re.compile(rf"^{_DATE}{END}")
"""A calendar date as JSON writes it, e.g. ``2027-01-04``."""

r"""Pieces of regular expressions that mean the same in ECMA 262 and Python's :mod:`re`.

Every ``pattern`` of a JSON Schema sparkus writes is also what its reader applies, so it must
mean the same in both dialects. Their shorthands do not: ``\d`` is any Unicode digit in
Python and ``[0-9]`` in JavaScript (write ``[0-9]``); ``$`` also matches before a final line
break in Python (write :data:`END`); and ``\s`` is a different set in each (write
:data:`WHITE_SPACE` in a character class): JavaScript counts U+FEFF (the byte-order mark) as
white space, Python counts U+001C to U+001F (the information separators) and U+0085 (next
line) instead.
"""

from __future__ import annotations

from typing import Final

__all__ = ["END", "WHITE_SPACE"]

WHITE_SPACE: Final = (
    r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a"
    r"\u2028\u2029\u202f\u205f\u3000"
)
"""The body of a character class of Python's white space (what :meth:`str.isspace` and
:meth:`str.strip` count), written out so that JavaScript reads the same set: ``[^...]`` is a
character that is not white space, for names refused with white space at either end."""

END: Final = r"$(?!\n)"
"""The end of the text in both dialects (Python's ``$`` alone also matches before a final
line break, which let ``"e1\n"`` pass)."""

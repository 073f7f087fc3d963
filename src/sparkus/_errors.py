"""The exceptions and warnings of sparkus.

Every error sparkus raises on purpose is a :class:`SparkusError`. Each concrete error also
subclasses the built-in it stands for, so code that already catches :class:`ValueError` keeps
working.
"""

from __future__ import annotations

import math
import operator
import os
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final

__all__ = [
    "EstimationError",
    "InfeasibleError",
    "NotFittedError",
    "Problem",
    "SchemaError",
    "SparkusError",
    "SparkusWarning",
]

PathSegment = str | int
"""One step of a path into a document: a field name or a list index."""

_MAX_RENDERED: Final = 50


def shown(value: object) -> str:
    """A value as its user wrote it, for a message: numpy scalars as the Python value.

    Python refuses to write out an int of more than 4,300 digits (``repr`` raises a bare
    ValueError); such an int, alone or inside a container, is described instead, and so is an
    object whose ``repr`` fails. numpy is recognised without importing it.

    Examples
    --------
    >>> import numpy as np
    >>> shown(np.float64(1.5)), shown(np.str_("E01")), shown(np.int64(-1)), shown("a")
    ('1.5', "'E01'", '-1', "'a'")
    >>> shown(-(10**5000)), shown([1, 10**5000])
    ('a negative integer of 5,001 digits', 'a list holding an integer too long to write out')
    """
    plain = value.item() if _numpy_scalar(value) else value  # type: ignore[attr-defined]
    try:
        return repr(plain)
    except Exception as error:  # noqa: BLE001 - a message must not fail on the value it names
        return _unwritten(plain, error)


def _unwritten(value: object, error: Exception) -> str:
    """What `value` is, when its ``repr`` raised `error`."""
    too_long = isinstance(error, ValueError) and "integer string conversion" in str(error)
    if too_long and type(value) is int:  # past Python's limit on the digits it writes
        sign = "a negative" if value < 0 else "an"
        return f"{sign} integer of {_digits(value):,} digits"
    if too_long:
        kind = type(value).__name__
        article = "an" if kind[:1].lower() in "aeiou" else "a"
        return f"{article} {kind} holding an integer too long to write out"
    return f"a {type(value).__qualname__} (whose repr raised)"  # as plugins' answers are named


def writable(value: object) -> bool:
    """Whether Python can write `value` out.

    False for an int of more than 4,300 digits, or a container holding one (its ``repr`` is a
    bare ValueError), and for an object whose ``repr`` fails.

    Examples
    --------
    >>> writable(10**100), writable([10**5000])
    (True, False)
    """
    try:
        repr(value)
    except Exception:  # noqa: BLE001 - any failure: the value cannot be written in a message
        return False
    return True


def key_text(key: object) -> str:
    """``str(key)``, for a path to a key the caller gave.

    A key Python cannot write out (an int of 5,000 digits) is named as :func:`shown` describes
    it, for the refusal that follows.

    Examples
    --------
    >>> key_text("level"), key_text(3), key_text(10**5000)
    ('level', '3', 'an integer of 5,001 digits')
    """
    try:
        return str(key)
    except Exception:  # noqa: BLE001 - a path must not fail on the key it names
        return shown(key)


def _numpy_scalar(value: object) -> bool:
    """Whether `value` is a numpy scalar (``np.float64(1.5)``), recognised without numpy."""
    return type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0


def _digits(value: int) -> int:
    """How many decimal digits `value` has, without writing it out."""
    size = abs(value)
    digits = int(math.log10(size)) + 1  # the float's estimate, corrected below
    if 10 ** (digits - 1) > size:
        digits -= 1
    elif 10**digits <= size:
        digits += 1
    return digits


def _render_path(path: Sequence[PathSegment]) -> str:
    """Render ``("participants", 17, "level")`` as ``participants[17].level``; the root is ``$``."""
    out: list[str] = []
    for segment in path:
        if isinstance(segment, int):
            out.append(f"[{shown(segment)}]")
        elif out:
            out.append(f".{segment}")
        else:
            out.append(segment)
    return "".join(out) or "$"


def _path_iv(path: object, name: str = "path") -> tuple[PathSegment, ...]:
    """`path` (the parameter `name`) as a tuple of names and indices; numpy integers become ints."""
    if not isinstance(path, str | bytes) and isinstance(path, Sequence):
        out: list[PathSegment] = []
        for segment in path:
            if isinstance(segment, str):
                out.append(segment)
            elif not isinstance(segment, bool) and hasattr(segment, "__index__"):
                try:  # an array has __index__ but only a scalar integer one converts
                    out.append(operator.index(segment))
                except TypeError:
                    break
            else:
                break
        else:
            return tuple(out)
    msg = f"expected a sequence of field names (str) and list indices (int), got {shown(path)}"
    raise SchemaError([Problem((name,), msg)])


class Problem:
    """One thing wrong with an input: where it is and what is wrong.

    Parameters
    ----------
    path : sequence of str or int
        Field names and list indices leading to the offending value, outermost first.
    message : str
        What was expected, what arrived and, where it helps, how to fix it.

    Examples
    --------
    >>> Problem(("participants", 17, "level"), "'boss' is not one of executive, manager")
    Problem('participants[17].level', "'boss' is not one of executive, manager")
    """

    __slots__ = ("message", "path")

    def __init__(self, path: Sequence[PathSegment], message: str) -> None:
        self.path: tuple[PathSegment, ...] = _path_iv(path)
        given: object = message
        if not isinstance(given, str):
            msg = f"expected the message as text, got {type(given).__name__}"
            raise SchemaError([Problem(("message",), msg)])
        self.message = message

    @property
    def location(self) -> str:
        """The path rendered as text, e.g. ``participants[17].level``."""
        return _render_path(self.path)

    def prefixed(self, prefix: Sequence[PathSegment]) -> Problem:
        """Return the same problem seen from a document that holds this one at `prefix`."""
        return Problem((*_path_iv(prefix, "prefix"), *self.path), self.message)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({self.location!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return (self.path, self.message) == (other.path, other.message)

    def __hash__(self) -> int:
        return hash((self.path, self.message))


class SparkusError(Exception):
    """Base class of every error sparkus raises on purpose."""


class SchemaError(SparkusError, ValueError):
    """Input that does not fit its declared schema.

    One ``SchemaError`` carries every problem found in a document, each with the path of the
    offending value, so a form or an API can point at all of them at once.

    Parameters
    ----------
    problems : iterable of Problem
        What is wrong, and where. At least one.

    Attributes
    ----------
    problems : tuple of Problem
        Every problem found, in the order the checks found them (for a population: column by
        column, row by row).

    Examples
    --------
    >>> err = SchemaError([Problem(("participants", 17, "level"), "'boss' is not a level")])
    >>> print(err)
    1 problem in the input:
      participants[17].level: 'boss' is not a level
    >>> isinstance(err, ValueError)
    True
    """

    # What did read, by list index or mapping key, when a container failed in part: lets the
    # reader check the rest of the document too. Private; not part of the error's meaning.
    _partial: Mapping[PathSegment, object] | None = None

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems or not all(isinstance(p, Problem) for p in self.problems):
            msg = "expected at least one problem, each a Problem"
            raise SchemaError([Problem(("problems",), msg)])
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the input:"
        lines = [f"  {p}" for p in self.problems[:_MAX_RENDERED]]
        if n > _MAX_RENDERED:
            lines.append(f"  ... and {n - _MAX_RENDERED} more (see `.problems`)")
        return "\n".join([head, *lines])

    def prefixed(self, prefix: Sequence[PathSegment]) -> SchemaError:
        """Return the same error seen from a document that holds the input at `prefix`."""
        error = SchemaError(p.prefixed(prefix) for p in self.problems)
        error._partial = self._partial
        return error

    def __reduce__(self) -> tuple[type[SchemaError], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))


class InfeasibleError(SparkusError, ValueError):
    """Constraints that cannot all be met; the message says which, and by how much."""


class EstimationError(SparkusError, ValueError):
    """Data that cannot support the requested estimate (no variance, no overlap, ...)."""


class NotFittedError(SparkusError, ValueError, AttributeError):
    """An estimator used before ``fit``; the message says what to call."""


class SparkusWarning(UserWarning):
    """A result that stands but deserves doubt (weak overlap, few clusters, small groups).

    Filter it like any warning class::

        warnings.simplefilter("ignore", sparkus.SparkusWarning)
    """


_PACKAGE: Final = str(Path(__file__).resolve().parent) + os.sep


def warn_caller(message: str) -> None:
    """Warn with a SparkusWarning attributed to the first frame outside sparkus.

    A helper deep in a fit is reached from several doors at different depths, so a fixed
    `stacklevel` would point inside the package from some of them.
    """
    level, frame = 2, sys._getframe(1).f_back
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, SparkusWarning, stacklevel=level + 1)


# Public errors read as ``sparkus.SchemaError`` in tracebacks, not as the private module's.
for _cls in (Problem, SparkusError, SchemaError, InfeasibleError, EstimationError, NotFittedError,
             SparkusWarning):  # fmt: skip
    _cls.__module__ = "sparkus"


def name_text(value: object, name: str) -> str:
    """``str(value)``, for a name or label the caller gave.

    A value Python cannot write out (an int of more than 4,300 digits, or an object whose
    ``str`` fails) is a SchemaError naming `name`, never Python's bare ValueError.

    Examples
    --------
    >>> name_text(3, "names"), name_text("x1", "names")
    ('3', 'x1')
    """
    try:
        return str(value)
    except Exception:  # noqa: BLE001 - any failure: the name cannot be written
        msg = f"holds {shown(value)}, which cannot be written out as a name; pass names as text"
        raise SchemaError([Problem((name,), msg)]) from None

"""Every public door refuses an integer too long to write out with a typed error.

Python will not write an int of more than 4,300 digits (``repr`` and ``str`` raise a bare
``ValueError``) and numpy cannot convert one to a float (``OverflowError``). A message that
writes the caller's value with ``!r``, a path that writes a key with ``str``, or an intake that
hands the value to numpy, would let those escape instead of a :class:`sparkus.SparkusError`
naming the field. An object whose ``repr`` fails is tried too.

The calls come from the door table: each case's call is run once while a profiler records the
arguments the public name received; then each argument in turn is replaced by ``10**5000``,
``-10**5000``, an object whose ``repr`` fails and, where the argument is a sequence, mapping,
array or frame, by forms of its shape holding one huge integer (as an item, a cell, a key). A
replayed call must succeed or raise a sparkus error. The commands of the command line read
text, whose numbers their own tests bound (``tests/cli``); they are not replayed here.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sparkus import SparkusError

from .table import Case, Door
from .test_doors import ENTRIES

HUGE = 10**5000


def _resolve(name: str) -> tuple[Any, Any] | None:
    """The owner and the public object a door names (a method's door: its class and function)."""
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        owner = None
        for part in parts[cut:]:
            if not hasattr(target, part):
                return _resolve(".".join(parts[:-1])) if len(parts) > 2 else None
            owner, target = target, getattr(target, part)
        return owner, target
    return None


def _codes(owner: Any, target: Any) -> tuple[Any, ...]:
    """The code objects entered when `target` is called: a function's own, a class's
    ``__init__`` or ``__new__``, a method's function."""
    if inspect.isclass(target):
        if issubclass(target, BaseException):  # raised by sparkus with a message it writes
            return ()
        found = []
        for method in ("__init__", "__new__"):
            function = inspect.getattr_static(target, method, None)
            function = getattr(function, "__func__", function)
            if hasattr(function, "__code__"):
                found.append(function.__code__)
        return tuple(found)
    function = getattr(target, "__func__", target)
    code = getattr(function, "__code__", None)
    return (code,) if code is not None else ()


def _capture(
    call: Callable[[], object], codes: tuple[Any, ...]
) -> tuple[list[Any], dict[str, Any]] | None:
    """The arguments the first entry into one of `codes` received while `call` ran: the
    positional ones (``self`` or ``cls`` first, where bound) and the keywords."""
    seen: list[tuple[list[Any], dict[str, Any]]] = []

    def profile(frame: Any, event: str, arg: object) -> None:
        if event == "call" and not seen and frame.f_code in codes:
            seen.append(_split(frame.f_code, dict(frame.f_locals)))

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call()
    except Exception:  # noqa: BLE001, S110 - the case's own error: the call is recorded already
        pass
    finally:
        sys.setprofile(previous)
    return seen[0] if seen else None


def _split(code: Any, local: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """A frame's arguments as the call that made them: positional, then keywords."""
    count = code.co_argcount
    names = code.co_varnames[: count + code.co_kwonlyargcount]
    args = [local[n] for n in names[:count]]
    kwargs = {n: local[n] for n in names[count:]}
    at = len(names)
    if code.co_flags & inspect.CO_VARARGS:
        args.extend(local[code.co_varnames[at]])
        at += 1
    if code.co_flags & inspect.CO_VARKEYWORDS:
        kwargs.update(local[code.co_varnames[at]])
    return args, kwargs


def _bound(owner: Any, target: Any) -> bool:
    """Whether the recorded first argument is ``self`` or ``cls`` (bound by the call itself)."""
    if inspect.isclass(target):
        return True
    if inspect.isclass(owner):
        return not isinstance(inspect.getattr_static(owner, target.__name__, None), staticmethod)
    return False


def _replay(owner: Any, target: Any, first: Any, args: list[Any], kwargs: dict[str, Any]) -> object:
    """Call the public name again with recorded (and edited) arguments, on a copy of ``self``."""
    if inspect.isclass(target) or inspect.ismethod(target):  # a class, or a classmethod
        return target(*args, **kwargs)
    if first is not None:
        return target(copy.deepcopy(first), *args, **kwargs)
    return target(*args, **kwargs)


class _Unwritable:
    """An object whose ``repr`` and ``str`` fail, as a broken plugin's or record's might."""

    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    __str__ = __repr__


def _forms(value: object) -> Iterator[tuple[str, object]]:
    """The huge integer alone and, where `value` is a collection, inside one of its shape; an
    object that cannot be written out."""
    yield "10**5000", HUGE
    yield "-10**5000", -HUGE
    yield "an object whose repr fails", _Unwritable()
    if isinstance(value, (str, bytes)):
        return
    if isinstance(value, (list, tuple, np.ndarray, pd.Series, pd.Index, Mapping, pd.DataFrame)):
        yield "[10**5000]", [HUGE]
        yield "object array", np.array([HUGE, 1], dtype=object)
    if type(value) in (list, tuple) and value:
        yield "first item", type(value)([HUGE, *value[1:]])  # type: ignore[operator]
        if type(value[0]) in (list, tuple) and value[0]:  # rows of a matrix
            row = type(value[0])([HUGE, *value[0][1:]])
            yield "first cell", type(value)([row, *value[1:]])  # type: ignore[operator]
    elif isinstance(value, tuple) and value:  # a named tuple
        yield "first field", type(value)(HUGE, *value[1:])
    elif isinstance(value, np.ndarray) and value.ndim in (1, 2) and value.size:
        held = value.astype(object)
        held[(0,) * value.ndim] = HUGE
        yield "first element", held
    elif isinstance(value, pd.Series) and len(value):
        held = value.astype(object)
        held.iloc[0] = HUGE
        yield "first element", held
    elif isinstance(value, pd.DataFrame) and value.shape[1]:
        held = value.copy()
        column = held.columns[0]
        held[column] = held[column].astype(object)
        held.iloc[0, 0] = HUGE
        yield "first cell", held
    elif isinstance(value, Mapping) and value:
        key, first = next(iter(value.items()))
        yield f"{key!r} as a key", {HUGE: first, **{k: v for k, v in value.items() if k != key}}
        for label, form in _forms(first):
            yield f"{label} of {key!r}", {**value, key: form}


def _typed(error: Exception) -> bool:
    """A sparkus error, or an error class sparkus defines for its own verdict (the
    :class:`~sparkus.testing.MatcherCheckError` of a matcher that breaks the protocol)."""
    return isinstance(error, SparkusError) or type(error).__module__.startswith("sparkus.")


def _calls() -> list[tuple[str, Door]]:
    return [(entry.name, entry) for entry in ENTRIES if isinstance(entry, Door)]


@pytest.mark.parametrize(("name", "door"), _calls(), ids=[name for name, _ in _calls()])
def test_huge_integer_gets_a_typed_error(name: str, door: Door) -> None:
    """Each argument of each door's calls, replaced by a huge integer (or an object whose repr
    fails), gives a result or a sparkus error, never Python's or numpy's bare exception."""
    resolved = _resolve(name)
    if resolved is None:
        pytest.skip("a command: its files are text")
    owner, target = resolved
    codes = _codes(owner, target)
    if not codes:
        pytest.skip("an exception class or an attribute: nothing to call")
    failures: list[str] = []
    recorded = 0
    bound = _bound(owner, target)
    for case in door.cases:
        if not isinstance(case, Case):
            continue
        call = _capture(case.call, codes)
        if call is None:
            continue
        recorded += 1
        args, kwargs = call
        first = None
        if bound and args:
            first, args = args[0], args[1:]
        slots = [(i, None) for i in range(len(args))] + [(None, k) for k in kwargs]
        for index, key in slots:
            value = args[index] if index is not None else kwargs[key]
            for label, form in _forms(value):
                edited_args, edited_kwargs = list(args), dict(kwargs)
                if index is not None:
                    edited_args[index] = form
                else:
                    edited_kwargs[key] = form
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        _replay(owner, target, first, edited_args, edited_kwargs)
                except Exception as error:  # noqa: BLE001 - the failure this test reports
                    if _typed(error):
                        continue
                    where = f"argument {index}" if index is not None else f"`{key}`"
                    failures.append(
                        f"{case.label}: {where} = {label}: {type(error).__name__}: "
                        f"{str(error)[:160]}"
                    )
    if not recorded:
        pytest.skip("no case reaches the call")
    assert not failures, "\n".join(dict.fromkeys(failures))

"""The plugin registry: matchers and compatibility scorers by name.

A plugin is any object that implements :class:`~sparkus.matching.Matcher` (a ``name`` and a
``match`` method) or :class:`~sparkus.matching.Scorer` (a ``name`` and a ``prepare`` method).
It enters the registry in one of two ways:

- :func:`register` at run time, which checks the contract at once and refuses a name that is
  already taken unless told to replace it;
- an entry point in the group ``sparkus.matchers`` or ``sparkus.scorers`` of an installed
  package, found on the first lookup (never when sparkus is imported) and loaded only when its
  name is asked for, so a broken plugin is reported by its name and does not stop the others.

The built-in matchers ``"exact"`` (:func:`~sparkus.matching.solve_assignment`: as many
participants as possible, then the least total cost) and ``"greedy"`` (cheapest pair first, a
baseline) are always present; the built-in scorers come from the compatibility scoring module,
imported on the first scorer lookup.
"""

from __future__ import annotations

import inspect
import threading
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import numpy as np
from numpy.typing import NDArray

from sparkus._errors import Problem, SchemaError, shown
from sparkus.matching._pairing.protocols import (
    METHODS,
    Kind,
    Matcher,
    Scorer,
    describe_plugin,
    kind_of,
    plugin_lacks,
    protocol_problems,
    read_name,
    reads_as_typed,
)

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from scipy.sparse import csr_array
else:
    csr_array = Any

__all__ = [
    "available_matchers",
    "available_scorers",
    "find_plugin",
    "get_matcher",
    "get_scorer",
    "register",
]

IndexArray: TypeAlias = NDArray[np.intp]

GROUPS: Final[dict[Kind, str]] = {"matcher": "sparkus.matchers", "scorer": "sparkus.scorers"}
"""The entry-point group of each kind of plugin."""


# -- the built-in matchers -----------------------------------------------------------------------


class _ExactMatcher:
    """The exact matcher: :func:`~sparkus.matching.solve_assignment` behind the protocol."""

    name = "exact"

    def match(
        self, cost: csr_array, capacity: NDArray[np.int64], *, rng: np.random.Generator
    ) -> IndexArray:
        """Most participants placed, then the least total cost (`rng` is not used).

        The input is canonical (the protocol's promise, kept by :func:`~sparkus.matching.assign`),
        so it goes to the solver's unchecked core: it is not validated a second time.
        """
        from sparkus.matching._pairing.exact.arcs import csr_arcs
        from sparkus.matching._pairing.exact.solve import solve_arcs

        del rng  # exact: the optimum does not depend on chance
        caps = np.asarray(capacity).astype(np.int64)
        return solve_arcs(csr_arcs(cost), caps).provider

    def __repr__(self) -> str:
        return "<matcher 'exact': sparkus.matching.solve_assignment>"


class _GreedyMatcher:
    """The greedy baseline: the cheapest remaining allowed pair first, ties by row then column.

    Deterministic and simple; neither maximal in the number placed nor optimal in cost. It is
    there to compare against: the gap between ``"greedy"`` and ``"exact"`` is what the exact
    solve buys.
    """

    name = "greedy"

    def match(
        self, cost: csr_array, capacity: NDArray[np.int64], *, rng: np.random.Generator
    ) -> IndexArray:
        """The cheapest pair first; a participant or a full provider leaves the pool."""
        del rng  # deterministic: ties are broken by row, then column
        n = int(cost.shape[0])
        indptr = np.asarray(cost.indptr)
        rows = np.repeat(np.arange(n, dtype=np.intp), np.diff(indptr))
        cols = np.asarray(cost.indices, dtype=np.intp)
        order = np.lexsort((cols, rows, np.asarray(cost.data, dtype=np.float64)))
        provider = np.full(n, -1, dtype=np.intp)
        room = np.asarray(capacity, dtype=np.int64).copy()
        for i, j in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
            if provider[i] < 0 and room[j] > 0:
                provider[i] = j
                room[j] -= 1
        return provider

    def __repr__(self) -> str:
        return "<matcher 'greedy': cheapest pair first>"


# -- the registry --------------------------------------------------------------------------------


class _Registry:
    """Plugins by kind and name, the entry points not loaded yet, and the built-ins.

    One lock keeps threads that register and look up at once from seeing a half-done scan of
    the entry points or of the built-in scorers, or from both taking one name. A plugin's
    module is imported outside the lock, so a plugin that registers itself at import, imported
    by another thread at the same time, cannot deadlock with it.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.plugins: dict[Kind, dict[str, Any]] = {"matcher": {}, "scorer": {}}
        self.pending: dict[Kind, dict[str, EntryPoint]] = {"matcher": {}, "scorer": {}}
        self.scanned = False
        self.builtin_scorers_loaded = False
        for matcher in (_ExactMatcher(), _GreedyMatcher()):
            self.plugins["matcher"][matcher.name] = matcher

    # registration --------------------------------------------------------------------------

    def register(self, plugin: object, *, name: str | None, replace: bool) -> Any:
        plugin, kind, key = self._checked(plugin, name, replace)
        with self.lock:
            self._admit(plugin, kind, key, replace)
        return plugin

    def _checked(self, plugin: object, name: str | None, replace: bool) -> tuple[Any, Kind, str]:
        """The plugin (built, if a class), its kind and its key, checked against the contract."""
        given: object = name
        if given is not None and (not isinstance(given, str) or not given):
            msg = f"expected a non-empty string or None, got {shown(given)}"
            raise SchemaError([Problem(("name",), msg)])
        given_replace: object = replace  # checked at run time for callers without a type checker
        if not isinstance(given_replace, bool):
            msg = f"expected True or False, got {shown(replace)}"
            raise SchemaError([Problem(("replace",), msg)])
        if inspect.isclass(plugin):
            try:
                plugin = plugin()
            except Exception as exc:  # the plugin's own constructor: any failure is its problem
                msg = (
                    f"{describe_plugin(plugin)} is a class that could not be built without arguments "
                    f"({exc}); register an instance instead"
                )
                raise SchemaError([Problem(("plugin",), msg)]) from exc
        kind = kind_of(plugin)
        if kind is None:
            both = callable(read_name(plugin, "match")[0])
            msg = (
                f"{describe_plugin(plugin)} has both `match` and `prepare`: register a matcher and a "
                "scorer as two objects"
                if both
                else f"{describe_plugin(plugin)} is neither a matcher nor a scorer: it lacks a `match` "
                "method (sparkus.matching.Matcher) and a `prepare` method "
                "(sparkus.matching.Scorer)"
            )
            raise SchemaError([Problem(("plugin",), msg)])
        problems = protocol_problems(plugin, kind, name)
        if problems:
            raise SchemaError(problems)
        key = name if name is not None else str(plugin.name)  # type: ignore[attr-defined]
        if not reads_as_typed(key):
            msg = (
                f"{shown(key)} has spaces at its ends or characters that do not print; a name is "
                "typed to look a plugin up, so give it as it reads"
            )
            raise SchemaError([Problem(("name",), msg)])
        return plugin, kind, key

    def _admit(self, plugin: object, kind: Kind, key: str, replace: bool) -> None:
        """Add `plugin` under `key` unless the name is taken (in any case) and not `replace`."""
        self._scan()
        self._load_builtin_scorers(kind)
        taken = key in self.plugins[kind] or key in self.pending[kind]
        alike = [k for k in self.names(kind) if k != key and k.casefold() == key.casefold()]
        if alike and not taken:
            msg = (
                f"a {kind} named {shown(alike[0])} is registered, which differs from {shown(key)} only in "
                f"case; give another `name=`, or `name={shown(alike[0])}` with `replace=True` to "
                "replace it"
            )
            raise SchemaError([Problem(("name",), msg)])
        if taken and not replace:
            holder = self.plugins[kind].get(key)
            where = (
                describe_plugin(holder)
                if holder is not None
                else f"the entry point {shown(self.pending[kind][key].value)}"
            )
            msg = (
                f"a {kind} named {shown(key)} is already registered ({where}); pass "
                "`replace=True` to replace it, or another `name=`"
            )
            raise SchemaError([Problem(("name",), msg)])
        self.pending[kind].pop(key, None)
        self.plugins[kind][key] = plugin

    # discovery -----------------------------------------------------------------------------

    def _scan(self) -> None:
        """Read the names of the installed entry points (without importing them), once."""
        if self.scanned:
            return
        from importlib.metadata import entry_points

        self.scanned = True
        for kind, group in GROUPS.items():
            for point in entry_points(group=group):
                # a name registered at run time wins over an installed entry point
                if point.name not in self.plugins[kind]:
                    self.pending[kind].setdefault(point.name, point)

    def _load_builtin_scorers(self, kind: Kind) -> None:
        """Register the scorers of the compatibility scoring module, once, on first need."""
        if kind != "scorer" or self.builtin_scorers_loaded:
            return
        self.builtin_scorers_loaded = True
        for scorer in _builtin_scorers():
            self.plugins["scorer"].setdefault(scorer.name, scorer)
            self.pending["scorer"].pop(scorer.name, None)

    def _load(self, kind: Kind, name: str, point: EntryPoint) -> Any:
        """Import the entry point `point` (outside the lock) and add its plugin under `name`."""
        try:
            loaded = point.load()
        except Exception as exc:
            msg = (
                f"the {kind} plugin {shown(name)} (entry point {shown(point.value)} in group "
                f"{shown(point.group)}) failed to load: {type(exc).__name__}: {exc}"
            )
            raise SchemaError([Problem(("name",), msg)]) from exc
        try:
            plugin = self._entry_point_plugin(loaded, kind, name)
        except SchemaError as exc:
            msg = (
                f"the {kind} plugin {shown(name)} (entry point {shown(point.value)} in group "
                f"{shown(point.group)}) is not usable: {exc.problems[0].message}"
            )
            raise SchemaError([Problem(("name",), msg)]) from exc
        with self.lock:
            if self.pending[kind].get(name) is point:
                del self.pending[kind][name]
                self.plugins[kind][name] = plugin
            # a plugin registered or loaded by another thread meanwhile is the one kept
            return self.plugins[kind].get(name, plugin)

    def _entry_point_plugin(self, loaded: object, kind: Kind, name: str) -> Any:
        if inspect.isclass(loaded):
            try:
                loaded = loaded()
            except Exception as exc:  # the plugin's own constructor
                msg = f"{describe_plugin(loaded)} could not be built without arguments ({exc})"
                raise SchemaError([Problem(("plugin",), msg)]) from exc
        found = kind_of(loaded)
        if found != kind:
            msg = f"{describe_plugin(loaded)} has no `{METHODS[kind]}` method of a {kind}"
            raise SchemaError([Problem(("plugin",), msg)])
        lacks = plugin_lacks(loaded, kind, name)
        if lacks:
            msg = f"{describe_plugin(loaded)} lacks " + "; ".join(lacks)
            raise SchemaError([Problem(("plugin",), msg)])
        return loaded

    # lookup --------------------------------------------------------------------------------

    def get(self, kind: Kind, name: object) -> Any:
        given: object = name
        if not isinstance(given, str):
            msg = f"expected the name of a {kind} (a string), got {shown(given)}"
            raise SchemaError([Problem(("name",), msg)])
        with self.lock:
            self._scan()
            self._load_builtin_scorers(kind)
            if given in self.plugins[kind]:
                return self.plugins[kind][given]
            point = self.pending[kind].get(given)
            names = self.names(kind)
        if point is not None:
            return self._load(kind, given, point)
        known = ", ".join(repr(k) for k in names) or "none"
        alike = [k for k in names if k.casefold() == given.strip().casefold()]
        hint = f" (did you mean {shown(alike[0])}?)" if alike else ""
        msg = (
            f"no {kind} named {shown(given)}{hint}; the known {kind}s are {known}. Install a plugin that "
            f"declares it under the entry-point group {shown(GROUPS[kind])}, or register() it"
        )
        raise SchemaError([Problem(("name",), msg)])

    def names(self, kind: Kind) -> tuple[str, ...]:
        with self.lock:
            self._scan()
            self._load_builtin_scorers(kind)
            return tuple(sorted(set(self.plugins[kind]) | set(self.pending[kind])))


def _builtin_scorers() -> list[Any]:
    """The ready-made scorers of the scoring module (``scorers.py``), if that module exists.

    The module lists them in ``BUILTIN_SCORERS`` (a mapping of name to scorer, or a sequence
    of scorers or scorer classes); failing that, every class in its ``__all__`` that builds
    without arguments and conforms to :class:`~sparkus.matching.Scorer` counts.
    """
    import importlib
    from collections.abc import Mapping

    try:
        module = importlib.import_module("sparkus.matching._pairing.scorers")
    except ModuleNotFoundError as exc:
        if exc.name != "sparkus.matching._pairing.scorers":
            raise
        return []
    listed = getattr(module, "BUILTIN_SCORERS", None)
    if isinstance(listed, Mapping):
        listed = list(listed.values())
    if listed is None:
        listed = [getattr(module, n) for n in getattr(module, "__all__", ())]
        listed = [obj for obj in listed if inspect.isclass(obj)]
    out: list[Any] = []
    for item in listed:
        scorer = item
        if inspect.isclass(item):
            try:
                scorer = item()
            except TypeError:  # a scorer that needs arguments (e.g. stated preferences)
                continue
        if kind_of(scorer) == "scorer" and not plugin_lacks(scorer, "scorer", None):
            out.append(scorer)
    return out


_REGISTRY = _Registry()


def register(plugin: Any, *, name: str | None = None, replace: bool = False) -> Any:
    """Add a matcher or a compatibility scorer to the registry, checking its contract.

    Whether `plugin` is a matcher or a scorer follows from its methods: ``match`` makes a
    :class:`~sparkus.matching.Matcher`, ``prepare`` a :class:`~sparkus.matching.Scorer`.

    .. versionadded:: 0.1

    Parameters
    ----------
    plugin : Matcher or Scorer
        The plugin object; a class is built with no arguments first.
    name : str, optional
        The name to register it under; by default its ``name`` attribute. It is typed to look
        the plugin up, so spaces at its ends, characters that do not print, and a name that
        differs from a registered one only in case are refused.
    replace : bool, default False
        Replace a plugin of the same kind already registered under that name (built-ins and
        installed entry points included). Without it, a name clash is an error.

    Returns
    -------
    Matcher or Scorer
        The registered object (the instance, when `plugin` was a class).

    Raises
    ------
    SchemaError
        If `plugin` lacks what its protocol asks for (the message names the plugin and what
        it lacks), a class cannot be built without arguments, `name` is not a non-empty
        string that reads as it is typed, `replace` is not a bool, or the name is taken (in
        any case) and `replace` is False.

    See Also
    --------
    check_plugin, get_matcher, get_scorer, sparkus.testing.check_matcher

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.matching import get_matcher, register
    >>> class FirstChoice:
    ...     '''Each participant takes its cheapest provider while it has room.'''
    ...     name = "first-choice"
    ...     def match(self, cost, capacity, *, rng):
    ...         provider = np.full(cost.shape[0], -1, dtype=np.intp)
    ...         room = capacity.copy()
    ...         for i in range(cost.shape[0]):
    ...             cols = cost.indices[cost.indptr[i]:cost.indptr[i + 1]]
    ...             vals = cost.data[cost.indptr[i]:cost.indptr[i + 1]]
    ...             for j in cols[np.argsort(vals, kind="stable")]:
    ...                 if room[j] > 0:
    ...                     provider[i], room[j] = j, room[j] - 1
    ...                     break
    ...         return provider
    >>> matcher = register(FirstChoice())
    >>> get_matcher("first-choice") is matcher
    True

    A plugin that lacks part of its contract is refused, with the reason:

    >>> class NoName:
    ...     def match(self, cost, capacity, *, rng): ...
    >>> register(NoName())
    Traceback (most recent call last):
      ...
    sparkus.SchemaError: 1 problem in the input:
      plugin: matcher NoName does not implement the protocol; it lacks a non-empty string `name` (it has None); or pass `name=` to register()
    """
    return _REGISTRY.register(plugin, name=name, replace=replace)


def find_plugin(kind: Kind, name: object) -> Any:
    """The `kind` plugin registered under `name`, for this package's doors (no public door).

    What :func:`get_matcher` and :func:`get_scorer` do, for :func:`~sparkus.matching.assign`,
    :func:`~sparkus.matching.rematch` and :func:`~sparkus.matching.candidate_matrix`.
    """
    return _REGISTRY.get(kind, name)


def get_matcher(name: str) -> Matcher:
    """The matcher registered under `name`: built-in, registered, or an installed plugin.

    .. versionadded:: 0.1

    Parameters
    ----------
    name : str
        ``"exact"``, ``"greedy"``, or the name of a registered or installed matcher.

    Returns
    -------
    Matcher

    Raises
    ------
    SchemaError
        If no matcher has that name (the message lists the known ones), or if the installed
        plugin of that name fails to load or does not implement the protocol.

    Examples
    --------
    >>> from sparkus.matching import get_matcher
    >>> get_matcher("exact").name
    'exact'
    """
    found: Matcher = _REGISTRY.get("matcher", name)
    return found


def get_scorer(name: str) -> Scorer:
    """The compatibility scorer registered under `name`.

    .. versionadded:: 0.1

    Parameters
    ----------
    name : str
        The name of a built-in, registered or installed scorer.

    Returns
    -------
    Scorer

    Raises
    ------
    SchemaError
        If no scorer has that name (the message lists the known ones), or if the installed
        plugin of that name fails to load or does not implement the protocol.

    Examples
    --------
    >>> from sparkus.matching import get_scorer
    >>> get_scorer("no-such-scorer")
    Traceback (most recent call last):
      ...
    sparkus.SchemaError: 1 problem in the input:
      name: no scorer named 'no-such-scorer'; the known scorers are ...
    """
    found: Scorer = _REGISTRY.get("scorer", name)
    return found


def available_matchers() -> tuple[str, ...]:
    """The names of every known matcher, sorted; installed plugins are not imported.

    .. versionadded:: 0.1

    Examples
    --------
    >>> from sparkus.matching import available_matchers
    >>> {"exact", "greedy"} <= set(available_matchers())
    True
    """
    return _REGISTRY.names("matcher")


def available_scorers() -> tuple[str, ...]:
    """The names of every known compatibility scorer, sorted; plugins are not imported.

    .. versionadded:: 0.1

    Examples
    --------
    >>> from sparkus.matching import available_scorers
    >>> isinstance(available_scorers(), tuple)
    True
    """
    return _REGISTRY.names("scorer")

"""The two contracts a plugin implements, a matcher and a compatibility scorer, and their check.

Both are :class:`typing.Protocol` classes, so a plugin needs no sparkus base class: any object
with the right attributes conforms. The registry (:func:`sparkus.matching.register`) checks the
contract when a plugin is registered, and :func:`sparkus.testing.check_matcher` checks the
behaviour every matcher must keep.

:func:`check_plugin` (public) says what an object lacks to implement either; the registry, the
``matcher=`` argument of :func:`~sparkus.matching.assign` and :func:`sparkus.testing.check_matcher`
share its internals (:func:`plugin_lacks`, :func:`kind_of`).

One canonical input shape keeps plugins small. A matcher never sees dense arrays, NaN or
forbidden-pair lists: sparkus validates what the caller passed, removes forbidden pairs and
pairs fixed by a person beforehand, and hands the matcher a CSR matrix of allowed pairs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import (
    TYPE_CHECKING,
    Any,
    Final,
    Literal,
    Protocol,
    TypeAlias,
    cast,
    runtime_checkable,
)

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray, check_choice, describe
from sparkus._errors import Problem, SchemaError

if TYPE_CHECKING:
    from scipy.sparse import csr_array

    from sparkus.model import Population, Provider
else:
    csr_array = Any

__all__ = [
    "METHODS",
    "Kind",
    "Matcher",
    "PairScore",
    "Scorer",
    "check_plugin",
    "checked_scores",
    "describe_plugin",
    "describe_value",
    "kind_of",
    "plugin_lacks",
    "plugin_raised",
    "protocol_problems",
    "read_name",
    "read_only",
    "reads_as_typed",
]

IndexArray: TypeAlias = NDArray[np.intp]
Kind: TypeAlias = Literal["matcher", "scorer"]

METHODS: Final[dict[Kind, str]] = {"matcher": "match", "scorer": "prepare"}
"""The method each kind of plugin is called through."""

_KINDS: Final[tuple[Kind, ...]] = ("matcher", "scorer")

PairScore: TypeAlias = Callable[[IndexArray, IndexArray], FloatArray]
"""A prepared scorer: ``score(rows, cols)`` for integer arrays of participant rows and provider
columns of one shape (or shapes that broadcast) returns the scores of those pairs, same shape."""


@runtime_checkable
class Matcher(Protocol):
    """Assigns participants (rows) to providers (columns) under capacities.

    A matcher is any object with a ``name`` and a ``match`` method of this signature. sparkus
    calls it with validated, canonical input and checks its answer.

    .. versionadded:: 0.1

    Attributes
    ----------
    name : str
        The name the matcher is registered and reported under, such as ``"exact"``.

    Notes
    -----
    ``cost`` is a :class:`scipy.sparse.csr_array` of shape ``(n_participants, n_providers)``
    with sorted, unique column indices and finite costs: a stored entry (zero included) is an
    allowed pair and its cost, a missing entry is not allowed. ``capacity`` is an int64 array
    of length ``n_providers`` with non-negative entries. ``rng`` is a
    :class:`numpy.random.Generator` and the only randomness the matcher may use.

    ``match`` returns an integer array of length ``n_participants``: the provider column of each
    participant, or ``-1`` for none. It must use allowed pairs only, never give a provider more
    than its capacity, return the same answer for the same input and seed, and leave its inputs
    unchanged. Lower total cost is better; how close to the optimum it gets is the matcher's own
    business (``"exact"`` is optimal).

    Examples
    --------
    A class of a few lines conforms, with no sparkus base class:

    >>> import numpy as np
    >>> from sparkus.matching import Matcher, assign, register
    >>> class RowOrder:
    ...     '''Each participant in row order takes its first allowed provider with room.'''
    ...     name = "row-order"
    ...     def match(self, cost, capacity, *, rng):
    ...         provider = np.full(cost.shape[0], -1, dtype=np.intp)
    ...         room = capacity.copy()
    ...         for i in range(cost.shape[0]):
    ...             for j in cost.indices[cost.indptr[i] : cost.indptr[i + 1]]:
    ...                 if room[j] > 0:
    ...                     provider[i], room[j] = j, room[j] - 1
    ...                     break
    ...         return provider
    >>> isinstance(RowOrder(), Matcher), isinstance(object(), Matcher)
    (True, False)

    Registered under a name (a registration lasts as long as the process; `replace` makes
    running this twice harmless), it is used like the built-in ones:

    >>> matcher = register(RowOrder(), name="row-order", replace=True)
    >>> cost = np.array([[0.1, 0.5], [0.2, 0.7], [0.1, 0.4], [0.3, 0.4], [0.2, np.nan]])
    >>> result = assign(cost, capacity=3, matcher="row-order")
    >>> result
    Assignment(n=5, assigned=4, total_cost=0.8, load_gini=0.250, matcher='row-order')
    >>> result.provider, result.unassigned
    (array([ 0,  0,  0,  1, -1]), {4: 'candidates full'})

    :func:`sparkus.testing.check_matcher` checks the behaviour a matcher must keep.
    """

    name: str

    def match(
        self, cost: csr_array, capacity: NDArray[np.int64], *, rng: np.random.Generator
    ) -> IndexArray:
        """The provider column of each participant, ``-1`` for unassigned."""
        ...


@runtime_checkable
class Scorer(Protocol):
    """Scores the compatibility of participant-provider pairs, vectorised over pairs.

    A scorer is any object with a ``name`` and a ``prepare`` method. ``prepare`` sees the whole
    population and the providers once (to build the arrays it needs) and returns a
    :data:`PairScore` function that scores many pairs at once.

    .. versionadded:: 0.1

    Attributes
    ----------
    name : str
        The name of the scorer, used in weights and explanations, such as ``"language"``.

    Notes
    -----
    Scores are floats in ``[0, 1]``, higher is better. ``-inf`` forbids a pair outright (for
    instance a provider inside the participant's own management chain); NaN is never allowed.
    A compatibility model combines scorers with declared weights into one score per pair.

    Examples
    --------
    A scorer that prefers a provider in the participant's own time zone:

    >>> import numpy as np
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import Scorer, candidate_matrix, register
    >>> class SameUtcOffset:
    ...     '''1 for a provider at the participant's UTC offset, else 0.'''
    ...     name = "same_utc_offset"
    ...     def prepare(self, participants, providers):
    ...         mine = np.asarray(participants["utc_offset"], dtype=np.float64)
    ...         theirs = np.array([p.utc_offset for p in providers], dtype=np.float64)
    ...         def score(rows, cols):
    ...             return (mine[rows] == theirs[cols]).astype(np.float64)
    ...         return score
    >>> isinstance(SameUtcOffset(), Scorer)
    True

    Registered (for as long as the process runs; `replace` makes running this twice
    harmless), it is weighted by name like the built-in scorers:

    >>> scorer = register(SameUtcOffset(), name="same_utc_offset", replace=True)
    >>> org = synthetic_org(n=200, seed=3)
    >>> cm = candidate_matrix(org.population, org.providers, k=2, support_type="mentoring",
    ...                       scorers={"same_utc_offset": 1, "shared_language": 1})
    >>> print(cm.shortlist("E000001").summary())
    Shortlist for E000001
    rank  provider  score  same_utc_offset  shared_language
    ----  --------  -----  ---------------  ---------------
    1       M00001      1              0.5              0.5
    2       M00002    0.5                0              0.5
    contributions are weight x score; they sum to the score
    """

    name: str

    def prepare(self, participants: Population, providers: Sequence[Provider]) -> PairScore:
        """Build the arrays this scorer needs and return the vectorised pair scorer."""
        ...


# -- the check of the contracts ------------------------------------------------------------------


def read_name(plugin: object, attribute: str = "name") -> tuple[object, str]:
    """The plugin's ``name`` (None if it has none) and, if reading it raised, what it raised."""
    try:
        return getattr(plugin, attribute, None), ""
    except Exception as exc:  # noqa: BLE001 - plugin code: the caller reports what it raised
        return None, f"{type(exc).__name__}: {exc}"


def plugin_raised(kind: Kind, name: str, path: tuple[str, ...], exc: Exception) -> SchemaError:
    """The error for a plugin's code that raised: it names the plugin and what it raised.

    Raise it ``from exc``, so that the plugin's own traceback stays attached. A SchemaError
    the plugin raised (a check of its own, such as a scorer's ids) keeps its problems, one
    line each, rather than nesting its whole text in one.
    """
    if isinstance(exc, SchemaError) and exc.problems:
        return SchemaError([
            Problem(path, f"the {kind} {name!r} refused its input: {p.location}: {p.message}")
            for p in exc.problems
        ])  # fmt: skip
    msg = f"the {kind} {name!r} raised {type(exc).__name__}: {exc}"
    return SchemaError([Problem(path, msg)])


def read_only(pairs: IndexArray) -> IndexArray:
    """`pairs` (rows or columns handed to a scorer), made read-only in place and returned.

    Several scorers score the same arrays in turn; one that wrote into them would silently
    change what the next one scores, so writing raises instead (inside the plugin, named).
    """
    pairs.flags.writeable = False
    return pairs


def checked_scores(name: str, values: object, shape: tuple[int, ...]) -> FloatArray:
    """A scorer's scores of pairs of `shape`, checked against the contract (else SchemaError).

    Numbers in ``[0, 1]`` or ``-inf``, one per pair (or broadcasting to `shape`): a numpy array,
    a nested list or a number; booleans count as 0 and 1. A pandas or polars object is refused
    (its row labels cannot be matched to the pairs), and so is a masked entry, like NaN. The
    candidate matrix and its explanations check a plugin's scores with it.
    """
    module = type(values).__module__.partition(".")[0]
    if module in ("pandas", "polars"):
        msg = (f"scorer {name!r} returned a {module} {type(values).__name__}; return a numpy "
               "array in the shape of `rows` and `cols`: a table's row labels cannot be "
               "matched to the pairs, and read by position they could be any order")  # fmt: skip
        raise SchemaError([Problem(("scorers", name), msg)])
    if np.ma.is_masked(values):
        msg = (f"scorer {name!r} returned masked (missing) scores; scores must lie in [0, 1], "
               "or be -inf to forbid")  # fmt: skip
        raise SchemaError([Problem(("scorers", name), msg)])
    given = values if isinstance(values, np.ndarray) else None
    if given is None:
        try:
            given = np.asarray(values)
        except (TypeError, ValueError):  # ragged or odd sequences: refused below
            given = np.asarray(None)
    if given.dtype.kind not in "biuf":
        what = f"an array of {given.dtype}" if given is values else describe_value(values)
        msg = (f"scorer {name!r} returned {what}; scores must be numbers in [0, 1] "
               "(or -inf to forbid a pair), one per pair")  # fmt: skip
        raise SchemaError([Problem(("scorers", name), msg)])
    array = given.astype(np.float64, copy=False)
    try:
        array = np.broadcast_to(array, shape)
    except ValueError:
        msg = f"scorer {name!r} returned shape {array.shape} for pairs of shape {shape}"
        raise SchemaError([Problem(("scorers", name), msg)]) from None
    if np.isnan(array).any():
        msg = f"scorer {name!r} returned NaN; scores must lie in [0, 1], or be -inf to forbid"
        raise SchemaError([Problem(("scorers", name), msg)])
    bad = ((array < 0) & (array != -np.inf)) | (array > 1)
    if bad.any():
        value = float(array[bad][0])
        msg = f"scorer {name!r} returned {value!r}; scores must lie in [0, 1], or be -inf to forbid"
        raise SchemaError([Problem(("scorers", name), msg)])
    return array


def reads_as_typed(name: str) -> bool:
    """Whether a plugin name reads as it is typed: no spaces at its ends, every character prints.

    A name is typed to look a plugin up, and it names the plugin in results and messages.
    """
    return name == name.strip() and name.isprintable()


def describe_value(value: object) -> str:
    """What plugin code returned, for a message (see :func:`~sparkus._checks.describe`).

    Its type alone when its own ``repr`` raises: a message about a plugin never fails on it.
    """
    try:
        return describe(value)
    except Exception:  # noqa: BLE001 - plugin code: its repr is not trusted
        return f"a {type(value).__qualname__} (whose repr raised)"


def describe_plugin(plugin: object) -> str:
    """How a plugin is named in a message: its ``name`` if it has one, else its type."""
    name, _ = read_name(plugin)
    kind = type(plugin).__qualname__ if not inspect.isclass(plugin) else plugin.__qualname__
    return f"{name!r} ({kind})" if isinstance(name, str) else f"{kind}"


def plugin_lacks(plugin: object, kind: Kind, name: str | None) -> list[str]:
    """What `plugin` lacks to implement the `kind` protocol (empty if nothing).

    A `name` given (to :func:`~sparkus.matching.register`) stands in for the plugin's own.
    """
    if inspect.isclass(plugin):  # its methods would be checked unbound, and misread
        return [f"being an instance (this is the class; pass {plugin.__qualname__}())"]
    lacks: list[str] = []
    own, failed = read_name(plugin)
    if name is None and failed:
        lacks.append(f"a `name` that can be read (reading it raised {failed})")
    elif name is None and (not isinstance(own, str) or not own):
        lacks.append(f"a non-empty string `name` (it has {own!r}); or pass `name=` to register()")
    elif name is None and not reads_as_typed(cast(str, own)):
        lacks.append(
            f"a `name` that reads as it is typed (it has {own!r}, with spaces at its ends or "
            "characters that do not print); or pass `name=` to register()"
        )
    method_name = METHODS[kind]
    method, failed = read_name(plugin, method_name)
    if failed:
        lacks.append(f"a `{method_name}` method that can be read (reading it raised {failed})")
        return lacks
    if not callable(method):
        lacks.append(f"a `{method_name}` method")
        return lacks
    try:
        signature = inspect.signature(method)
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return lacks
    try:
        if kind == "matcher":
            signature.bind(None, None, rng=None)
        else:
            signature.bind(None, None)
    except TypeError:
        want = (
            "match(cost, capacity, *, rng)"
            if kind == "matcher"
            else "prepare(participants, providers)"
        )
        lacks.append(f"a `{method_name}` method callable as `{want}` (it has {signature})")
    return lacks


def protocol_problems(plugin: object, kind: Kind, name: str | None) -> list[Problem]:
    """One problem at ``plugin`` saying what it lacks, or none (see :func:`plugin_lacks`)."""
    lacks = plugin_lacks(plugin, kind, name)
    if not lacks:
        return []
    msg = f"{kind} {describe_plugin(plugin)} does not implement the protocol; it lacks " + (
        "; ".join(lacks)
    )
    return [Problem(("plugin",), msg)]


def kind_of(plugin: object) -> Kind | None:
    """Matcher if it has ``match``, scorer if it has ``prepare``, None if neither or both."""
    has_match = callable(read_name(plugin, "match")[0])
    has_prepare = callable(read_name(plugin, "prepare")[0])
    if has_match == has_prepare:
        return None
    return "matcher" if has_match else "scorer"


def check_plugin(plugin: object, kind: Kind) -> None:
    """Check that `plugin` implements the matcher or scorer protocol; say what it lacks if not.

    The check :func:`register` makes before it adds a plugin: a non-empty string ``name``, and a
    ``match(cost, capacity, *, rng)`` method for a matcher or a ``prepare(participants,
    providers)`` method for a scorer. It checks what an object offers, not how it behaves:
    :func:`sparkus.testing.check_matcher` runs a matcher on instances.

    .. versionadded:: 0.1

    Parameters
    ----------
    plugin : object
        The matcher or scorer object (an instance, not its class).
    kind : {"matcher", "scorer"}
        The protocol to check it against: :class:`Matcher` or :class:`Scorer`.

    Raises
    ------
    SchemaError
        If `plugin` lacks part of the protocol: the problem names the plugin and everything it
        lacks; or if `kind` is neither ``"matcher"`` nor ``"scorer"``.

    See Also
    --------
    register, sparkus.testing.check_matcher

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.matching import check_plugin
    >>> class FirstAllowed:
    ...     name = "first-allowed"
    ...     def match(self, cost, capacity, *, rng):
    ...         return np.full(cost.shape[0], -1, dtype=np.intp)
    >>> check_plugin(FirstAllowed(), "matcher")

    A scorer without a name whose ``prepare`` takes the wrong arguments:

    >>> class Unnamed:
    ...     def prepare(self, participants):
    ...         return lambda rows, cols: np.ones(np.broadcast(rows, cols).shape)
    >>> check_plugin(Unnamed(), "scorer")
    Traceback (most recent call last):
      ...
    sparkus.SchemaError: 1 problem in the input:
      plugin: scorer Unnamed does not implement the protocol; it lacks a non-empty string `name` (it has None); or pass `name=` to register(); a `prepare` method callable as `prepare(participants, providers)` (it has (participants))
    """
    problems: list[Problem] = []
    checked = check_choice(kind, "kind", _KINDS, problems=problems)
    if problems:
        raise SchemaError(problems)
    problems = protocol_problems(plugin, checked, None)
    if problems:
        raise SchemaError(problems)


def prepare_iv(participants: object, providers: object) -> None:
    """A SchemaError unless the arguments of a built-in scorer's ``prepare`` are right.

    `participants` must be a Population and `providers` a sequence of Provider records.
    """
    from sparkus.model import Population, Provider

    problems: list[Problem] = []
    if not isinstance(participants, Population):
        msg = f"expected a Population, got {type(participants).__name__}"
        problems.append(Problem(("participants",), msg))
    if isinstance(providers, str | bytes) or not isinstance(providers, Sequence):
        msg = f"expected a sequence of Provider records, got {type(providers).__name__}"
        problems.append(Problem(("providers",), msg))
    else:
        problems += [
            Problem(("providers", k), f"expected a Provider, got {type(p).__name__}")
            for k, p in enumerate(providers)
            if not isinstance(p, Provider)
        ][:8]
    if problems:
        raise SchemaError(problems)

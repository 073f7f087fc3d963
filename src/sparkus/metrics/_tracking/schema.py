"""The dashboard document: its name and version, and the records it is made of.

A snapshot of a program is the JSON document ``{"schema": "sparkus.dashboard",
"schema_version": 1, ...}``. Its structure is declared here once, as frozen records: the
tracker builds them (:meth:`~sparkus.metrics.Tracker.snapshot`), :meth:`Dashboard.to_dict`
writes them, and the reader turns a document back into them, so that a snapshot made in
Python and one read from a file are the same objects.

A record's fields are named as the keys of the JSON object it stands for, and a record also
reads like that object (``dashboard.totals["nps"]``, ``dashboard.funnel[0]["step"]``): the
values are the fields' values (records, :class:`~sparkus.metrics.ConfidenceInterval`, dates),
:meth:`Entry.to_json` gives their JSON form. A figure that is withheld or cannot be computed is
``None`` (JSON ``null``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs
import numpy as np

from sparkus._checks import describe, is_finite_real, is_real
from sparkus._errors import Problem, SchemaError
from sparkus._fields import parse_time
from sparkus._results import Result, Table, format_number, to_jsonable
from sparkus.metrics._estimate import ConfidenceInterval
from sparkus.metrics._tracking.document_rules import document_problems
from sparkus.metrics._tracking.frames import DashboardTables

__all__ = [
    "BOUNDS", "CHOICES", "ENGAGEMENT", "FIGURE_FIELDS", "FUNNEL", "SCHEMA", "SCHEMA_VERSION",
    "SCHEMA_VERSIONS", "TOTALS", "Bounds", "Dashboard", "Engagement", "Entry", "GroupRow",
    "Impact", "Point", "Progress", "Roi", "Step", "Suppressed", "Totals", "bounds_of",
    "choices_of",
]  # fmt: skip

SCHEMA: Final = "sparkus.dashboard"
SCHEMA_VERSION: Final = 1
"""The version this sparkus writes."""
SCHEMA_VERSIONS: Final = (1,)
"""The versions this sparkus reads."""

# The names `suppressed` gives to the parts of the document that are not groupings.
TOTALS: Final = "total"
FUNNEL: Final = "funnel"
ENGAGEMENT: Final = "engagement"

FIGURE_FIELDS: Final = {
    "participation": ("active", "participation_rate"),
    "completion": ("completion_rate", "overdue_steps"),
    "rating": ("mean_rating", "nps"),
    "progress": ("progress",),
    "overdue": ("overdue_steps",),  # alone: withheld while a completion cell is hidden
}
"""The figures a suppressed entry's optional ``figure`` names, and the fields each covers."""


def _json(value: object) -> Any:
    """A field's value as JSON-ready data."""
    if isinstance(value, Entry):
        return value.to_json()
    if isinstance(value, ConfidenceInterval):
        return [to_jsonable(value.low), to_jsonable(value.high)]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_json(v) for v in value]
    return to_jsonable(value)


class Entry(Mapping[str, Any]):
    """Mixin for the records of the document: each reads like the JSON object it stands for.

    The keys are the record's fields, in the order the document writes them.
    """

    __slots__ = ()

    def __getitem__(self, key: object) -> Any:
        if isinstance(key, str) and key in _keys(type(self)):
            return getattr(self, key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(_keys(type(self)))

    def __len__(self) -> int:
        return len(_keys(type(self)))

    def to_json(self) -> dict[str, Any]:
        """The record as its JSON object (intervals as ``[low, high]``, dates as ISO text)."""
        return {key: _json(getattr(self, key)) for key in self}


def _keys(cls: type[Entry]) -> tuple[str, ...]:
    return tuple(f.name for f in attrs.fields(cls))  # type: ignore[arg-type]


# -- the rules every record checks when it is made ---------------------------------------------
# The reader checks a document by the same rules, with each value's path in the document; a
# record made in Python (a snapshot's, or one passed to ``Tracker.snapshot``) checks itself, so
# no dashboard holds NaN, an infinity, a rate above 1 or more completions than steps due.

RATING_RANGE: Final = (0.0, 10.0)
NPS_RANGE: Final = (-100.0, 100.0)
BOUNDS: Final = "sparkus.bounds"
"""Field metadata: a :class:`Bounds`, read by the record's checks and by the JSON Schema."""
CHOICES: Final = "sparkus.choices"
"""Field metadata: the strings a text field may hold (besides None)."""


@attrs.frozen
class Bounds:
    """The range a count or a figure of the document keeps: declared once per field."""

    low: float = -math.inf
    high: float = math.inf
    open_: bool = False  # both ends excluded (a confidence level is strictly inside (0, 1))
    integer: bool = False
    nullable: bool = True


def _count(*, minimum: int = 0, nullable: bool = True) -> Any:
    """A whole-number field of at least `minimum` (None allowed if `nullable`)."""
    return attrs.field(metadata={BOUNDS: Bounds(minimum, integer=True, nullable=nullable)})


def _figure(low: float = -math.inf, high: float = math.inf, *, open_: bool = False) -> Any:
    """A finite number field inside ``[low, high]`` (or ``(low, high)`` if `open_`), or None."""
    return attrs.field(metadata={BOUNDS: Bounds(low, high, open_)})


def choices_of(cls: type[Any], name: str) -> tuple[str, ...]:
    """The strings field `name` of record `cls` may hold."""
    found: tuple[str, ...] = attrs.fields_dict(cls)[name].metadata[CHOICES]
    return found


def bounds_of(cls: type[Any], name: str) -> Bounds:
    """The bounds field `name` of record `cls` declares."""
    found: Bounds = attrs.fields_dict(cls)[name].metadata[BOUNDS]
    return found


class _Rules:
    """Collects the problems of one record, each at its field."""

    def __init__(self, record: object) -> None:
        self.record = record
        self.problems: list[Problem] = []

    def fail(self, name: str, message: str) -> None:
        self.problems.append(Problem((name,), message))

    def text(self, name: str) -> None:
        value = getattr(self.record, name)
        if not isinstance(value, str):
            self.fail(name, f"expected a string, got {describe(value)}")

    def count(self, name: str) -> int | None:
        declared = bounds_of(type(self.record), name)
        minimum, nullable = int(declared.low), declared.nullable
        value = getattr(self.record, name)
        if value is None and nullable:
            return None
        if not is_real(value) or not isinstance(value, int | np.integer) or value < minimum:
            self.fail(name, f"expected a whole number of at least {minimum}"
                            f"{' or None' if nullable else ''}, got {describe(value)}")  # fmt: skip
            return None
        return int(value)

    def number(self, name: str) -> float | None:
        declared = bounds_of(type(self.record), name)
        low, high, open_ = declared.low, declared.high, declared.open_
        value = getattr(self.record, name)
        if value is None:
            return None
        inside = is_finite_real(value) and low <= float(value) <= high
        if inside and open_ and float(value) in (low, high):
            inside = False
        if not inside:
            bounds = "" if math.isinf(low) and math.isinf(high) else (
                f" {'strictly ' if open_ else ''}between {low:g} and {high:g}")  # fmt: skip
            self.fail(name, f"expected a finite number{bounds} or None, got {describe(value)}")
            return None
        return float(value)

    def interval(self, name: str) -> ConfidenceInterval | None:
        value = getattr(self.record, name)
        if value is None:
            return None
        if (
            not isinstance(value, ConfidenceInterval)
            or not all(is_finite_real(v) for v in value)
            or value.low > value.high
        ):
            self.fail(name, f"expected a ConfidenceInterval of finite low <= high or None, got "
                            f"{describe(value)}")  # fmt: skip
            return None
        return value

    def at_most(self, name: str, value: float | None, limit: float | None, what: str) -> None:
        if value is not None and limit is not None and value > limit:
            self.fail(name, f"{value:g} is more than the {limit:g} {what}")

    def done(self) -> None:
        if self.problems:
            raise SchemaError(self.problems)


def _figures(rules: _Rules) -> None:
    """The figures a group row and the totals share."""
    participants = rules.count("participants")
    rules.at_most("active", rules.count("active"), participants, "participants")
    for name in ("participation_rate", "completion_rate", "mean_rating", "nps"):
        rules.number(name)


@attrs.frozen(kw_only=True)
class Totals(Entry):
    """The program-wide figures."""

    participants: int | None = _count()
    active: int | None = _count()
    participation_rate: float | None = _figure(0.0, 1.0)
    completion_rate: float | None = _figure(0.0, 1.0)
    overdue_steps: int | None = _count()
    mean_rating: float | None = _figure(*RATING_RANGE)
    nps: float | None = _figure(*NPS_RANGE)

    def __attrs_post_init__(self) -> None:
        rules = _Rules(self)
        _figures(rules)
        rules.count("overdue_steps")
        rules.done()


@attrs.frozen(kw_only=True)
class Point(Entry):
    """One day of the engagement series: people active in the window, and people enrolled."""

    date: dt.date
    active: int | None = _count()
    enrolled: int | None = _count()

    def __attrs_post_init__(self) -> None:
        rules = _Rules(self)
        date: object = self.date
        if not isinstance(date, dt.date):
            rules.fail("date", f"expected a datetime.date, got {describe(date)}")
        rules.at_most("active", rules.count("active"), rules.count("enrolled"), "enrolled")
        rules.done()


@attrs.frozen(kw_only=True)
class Engagement(Entry):
    """The daily engagement series and the window that defines *active*."""

    window_days: int = _count(minimum=1, nullable=False)
    series: tuple[Point, ...]

    def __attrs_post_init__(self) -> None:
        rules = _Rules(self)
        rules.count("window_days")
        series: object = self.series
        if not isinstance(series, tuple) or not all(isinstance(p, Point) for p in series):
            rules.fail("series", f"expected a tuple of Point, got {describe(series)}")
        rules.done()


@attrs.frozen(kw_only=True)
class Step(Entry):
    """One row of the completion funnel: a journey step, due and completed."""

    step: str
    kind: str
    due: int | None = _count()
    completed: int | None = _count()
    median_days_to_complete: float | None = _figure()  # negative: completed early

    def __attrs_post_init__(self) -> None:
        rules = _Rules(self)
        rules.text("step")
        rules.text("kind")
        rules.at_most("completed", rules.count("completed"), rules.count("due"), "due")
        rules.number("median_days_to_complete")
        rules.done()


@attrs.frozen(kw_only=True)
class Progress(Entry):
    """Development progress of a group: mean change (post - pre) with its interval."""

    estimate: float | None = _figure()
    ci: ConfidenceInterval | None
    level: float | None = _figure(0.0, 1.0, open_=True)
    n: int | None = _count(minimum=1)

    def __attrs_post_init__(self) -> None:
        rules = _Rules(self)
        estimate, ci = rules.number("estimate"), rules.interval("ci")
        if estimate is not None and ci is not None and not ci.low <= estimate <= ci.high:
            rules.fail("ci", f"[{ci.low:g}, {ci.high:g}] does not hold the estimate {estimate:g}")
        rules.number("level")
        rules.count("n")
        rules.done()


@attrs.frozen(kw_only=True)
class GroupRow(Entry):
    """The figures of one shown group of a grouping."""

    group: str
    participants: int | None = _count()
    active: int | None = _count()
    participation_rate: float | None = _figure(0.0, 1.0)
    completion_rate: float | None = _figure(0.0, 1.0)
    mean_rating: float | None = _figure(*RATING_RANGE)
    nps: float | None = _figure(*NPS_RANGE)
    progress: Progress | None

    def __attrs_post_init__(self) -> None:
        rules = _Rules(self)
        rules.text("group")
        _figures(rules)
        progress: object = self.progress
        if progress is not None and not isinstance(progress, Progress):
            rules.fail("progress", f"expected a Progress or None, got {describe(progress)}")
        rules.done()


@attrs.frozen(kw_only=True)
class Suppressed(Entry):
    """A hidden cell: which, and why; `figure` names one figure when the rest is shown."""

    grouping: str
    group: str
    figure: str | None = attrs.field(default=None, metadata={CHOICES: tuple(FIGURE_FIELDS)})
    reason: str

    def __attrs_post_init__(self) -> None:
        rules = _Rules(self)
        for name in ("grouping", "group", "reason"):
            rules.text(name)
        if self.figure is not None and self.figure not in choices_of(Suppressed, "figure"):
            rules.fail("figure", f"expected one of {', '.join(FIGURE_FIELDS)} or None, got "
                                 f"{describe(self.figure)}")  # fmt: skip
        rules.done()

    def to_json(self) -> dict[str, Any]:
        """The entry as its JSON object; ``figure`` only when one figure is hidden."""
        out = super().to_json()
        if self.figure is None:
            del out["figure"]
        return out


@attrs.frozen(kw_only=True)
class Impact(Entry):
    """An impact estimate shown beside the tracking figures (from an ``Estimate``)."""

    method: str
    estimate: float | None = _figure()
    ci: ConfidenceInterval | None
    level: float | None = _figure(0.0, 1.0, open_=True)
    n: int | None = _count()
    pvalue: float | None = _figure(0.0, 1.0)

    def __attrs_post_init__(self) -> None:
        rules = _Rules(self)
        rules.text("method")
        rules.number("estimate")
        rules.interval("ci")
        rules.number("level")
        rules.count("n")
        rules.number("pvalue")
        rules.done()


@attrs.frozen(kw_only=True)
class Roi(Entry):
    """A return on investment shown beside the tracking figures (from an ``ROIResult``)."""

    roi_percent: float | None = _figure()
    bcr: float | None = _figure()
    ci: ConfidenceInterval | None
    level: float | None = _figure(0.0, 1.0, open_=True)
    currency: str
    assumptions: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        rules = _Rules(self)
        rules.number("roi_percent")
        rules.number("bcr")
        rules.interval("ci")
        rules.number("level")
        rules.text("currency")
        given: object = self.assumptions  # a record made in Python may hold anything
        if not isinstance(given, tuple) or not all(isinstance(a, str) for a in given):
            rules.fail("assumptions", f"expected a tuple of strings, got {describe(given)}")
        rules.done()


@attrs.frozen(repr=False, eq=False)
class Dashboard(DashboardTables, Result):
    """A privacy-safe snapshot of a program for HR: the shape of the dashboard contract.

    Every grouped figure has passed the program's minimum group size and complementary
    suppression; `suppressed` lists each hidden cell with its reason. :meth:`to_dict` (alias
    :meth:`to_json_dict`) gives the JSON document (``"schema": "sparkus.dashboard"``, version 1),
    with ``None`` (JSON ``null``) for a figure that is withheld or cannot be computed.

    Each part is a frozen record whose fields are the keys of its JSON object, and which also
    reads like that object: ``dashboard.totals.nps`` and ``dashboard.totals["nps"]`` are the
    same figure.

    .. versionadded:: 0.1

    Attributes
    ----------
    program : str
        The program's name.
    as_of : str
        The moment of the snapshot, ISO 8601 in UTC.
    min_group_size : int
        The smallest group any figure describes (at least 2, as a program requires).
    totals : record
        Program-wide figures: participants, active, participation_rate, completion_rate,
        overdue_steps, mean_rating, nps.
    engagement : record
        ``window_days`` and a daily ``series`` of records ``(date, active, enrolled)``, the
        date a :class:`datetime.date`.
    funnel : tuple of records
        Per step, in journey order: step, kind, due, completed, median_days_to_complete.
    groups : dict of str to tuple of records
        Per grouping, one record per shown group: group, participants, active,
        participation_rate, completion_rate, mean_rating, nps, and progress (a record of
        estimate, ci, level and n, or None).
    suppressed : tuple of records
        Each hidden cell: grouping, group, reason, and ``figure`` when only some figures of a
        shown group are hidden (else None).
    impact : record or None
        An impact estimate to show beside the tracking figures: method, estimate, ci (a
        :class:`ConfidenceInterval`), level, n and pvalue, as given to
        :meth:`Tracker.snapshot` (an :class:`Estimate`, say).
    roi : record or None
        A return on investment to show beside them: roi_percent, bcr, ci (the interval of the
        ROI in percent), level, currency and the assumptions it rests on (a list of
        sentences), as given to :meth:`Tracker.snapshot` (an :class:`ROIResult`, whose benefits
        and costs give the assumptions, say).

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.datasets import simulate_events, synthetic_org
    >>> from sparkus.metrics import Tracker
    >>> from sparkus.model import schedule_journeys
    >>> org = synthetic_org(200, seed=1)
    >>> ids = org.population["id"]
    >>> schedule = schedule_journeys(org.program.journey, ids, ["coaching"] * len(ids),
    ...                              start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))
    >>> tracker = Tracker(org.program, schedule)
    >>> tracker.update(simulate_events(schedule, rng=0))
    EventCheck(n=6314, accepted=6314, rejected=0)
    >>> dashboard = tracker.snapshot(as_of=dt.datetime(2027, 4, 1, tzinfo=dt.UTC))
    >>> dashboard
    Dashboard(program='Grow together', as_of=2027-04-01, participants=200, active=175, suppressed=1)
    >>> dashboard.totals.participation_rate, dashboard.funnel[0].step
    (0.875, 'kickoff')
    >>> dashboard.totals["participation_rate"], dashboard.funnel[0]["step"]
    (0.875, 'kickoff')
    >>> dashboard.to_dict()["schema"]
    'sparkus.dashboard'
    """

    program: str
    as_of: str
    min_group_size: int = attrs.field(metadata={BOUNDS: Bounds(2, integer=True, nullable=False)})
    totals: Totals
    engagement: Engagement
    funnel: tuple[Step, ...]
    groups: dict[str, tuple[GroupRow, ...]]
    suppressed: tuple[Suppressed, ...]
    impact: Impact | None = None
    roi: Roi | None = None

    def __attrs_post_init__(self) -> None:
        rules = _Rules(self)
        rules.text("program")
        rules.text("as_of")
        if isinstance(self.as_of, str):
            try:
                offset = parse_time(self.as_of).utcoffset()
                aware = offset is not None and not offset % dt.timedelta(minutes=1)
            except ValueError:
                aware = False
            if not aware:
                rules.fail("as_of", f"expected an ISO 8601 time with a UTC offset, got "
                                    f"{self.as_of!r}")  # fmt: skip
        rules.count("min_group_size")
        parts: dict[str, type[Entry]] = {"totals": Totals, "engagement": Engagement,
                                         "impact": Impact, "roi": Roi}  # fmt: skip
        for name, kind in parts.items():
            value: object = getattr(self, name)
            optional = name in ("impact", "roi")
            if not (isinstance(value, kind) or (optional and value is None)):
                rules.fail(name, f"expected a {kind.__name__}, got {describe(value)}")
        for name, kind in (("funnel", Step), ("suppressed", Suppressed)):
            value = getattr(self, name)
            if not isinstance(value, tuple) or not all(isinstance(v, kind) for v in value):
                rules.fail(name, f"expected a tuple of {kind.__name__}, got {describe(value)}")
        groups: object = self.groups
        if not isinstance(groups, dict) or not all(
            isinstance(k, str) and isinstance(v, tuple) and all(isinstance(r, GroupRow) for r in v)
            for k, v in groups.items()
        ):
            rules.fail("groups", f"expected a dict of str to tuples of GroupRow, got "
                                 f"{describe(groups)}")  # fmt: skip
        rules.done()
        if problems := document_problems(self):  # across records: once each is made
            raise SchemaError(problems)

    def to_dict(self) -> dict[str, Any]:
        """The dashboard as a JSON-ready dict (NaN never appears: missing figures are None)."""
        return {
            "schema": SCHEMA,
            "schema_version": SCHEMA_VERSION,
            "program": self.program,
            "as_of": self.as_of,
            "min_group_size": self.min_group_size,
            "totals": self.totals.to_json(),
            "engagement": self.engagement.to_json(),
            "funnel": _json(self.funnel),
            "groups": {name: _json(rows) for name, rows in self.groups.items()},
            "suppressed": _json(self.suppressed),
            "impact": _json(self.impact),
            "roi": _json(self.roi),
        }

    def to_json_dict(self) -> dict[str, Any]:
        """The same as :meth:`to_dict`."""
        return self.to_dict()

    def _headline(self) -> str:
        t = self.totals
        return (
            f"program={self.program!r}, as_of={self.as_of[:10]}, participants="
            f"{t.participants}, active={t.active}, suppressed={len(self.suppressed)}"
        )

    def _tables(self) -> list[Table]:
        tables = [
            Table(f"{self.program} as of {self.as_of}", ("figure", "value"),
                  tuple((k, format_number(v)) for k, v in self.totals.items())),
            Table("Funnel", ("step", "due", "completed", "median days to complete"),
                  tuple((f.step, format_number(f.due), format_number(f.completed),
                         format_number(f.median_days_to_complete)) for f in self.funnel)),
        ]  # fmt: skip
        for grouping, entries in self.groups.items():
            rows = tuple(
                (e.group, format_number(e.participants), format_number(e.participation_rate),
                 format_number(e.completion_rate), format_number(e.mean_rating),
                 format_number(e.nps),
                 "-" if e.progress is None else format_number(e.progress.estimate))
                for e in entries
            )  # fmt: skip
            tables.append(Table(f"By {grouping}", ("group", "participants", "participation",
                                                   "completion", "rating", "NPS", "progress"),
                                rows))  # fmt: skip
        if self.suppressed:
            hidden = tuple((s.grouping, s.group, s.figure or "all", s.reason)
                           for s in self.suppressed)  # fmt: skip
            note = (f"groups of fewer than {self.min_group_size} are hidden, with the linked cells "
                    "that would give them away")  # fmt: skip
            tables.append(
                Table("Suppressed", ("grouping", "group", "figure", "reason"), hidden, note)
            )
        return tables

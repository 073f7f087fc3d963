"""The reader of a dashboard document: JSON in, the schema's records out, every problem named.

:func:`read_dashboard` turns a ``sparkus.dashboard`` document (the plain dict, or an object
whose ``to_json_dict()`` or ``to_dict()`` gives it) into a :class:`~sparkus.metrics.Dashboard`,
once, at the boundary: every problem is collected into one :class:`~sparkus.SchemaError` with the
path of each offending value (``funnel[2].due``). Keys the contract does not name are ignored,
so a newer tracker's snapshot still renders. :func:`as_impact` and :func:`as_roi` read the impact
and the return on investment given to :meth:`~sparkus.metrics.Tracker.snapshot` by the same
rules.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from sparkus._checks import describe
from sparkus._datetime_text import DATE
from sparkus._errors import PathSegment, Problem, SchemaError, shown
from sparkus._fields import parse_time
from sparkus.metrics._estimate import ConfidenceInterval, Estimate
from sparkus.metrics._roi import ROIResult
from sparkus.metrics._tracking.roi_words import roi_assumptions
from sparkus.metrics._tracking.schema import (
    SCHEMA,
    SCHEMA_VERSIONS,
    Dashboard,
    Engagement,
    GroupRow,
    Impact,
    Point,
    Progress,
    Roi,
    Step,
    Suppressed,
    Totals,
    bounds_of,
)

__all__ = ["as_impact", "as_roi", "describe_json", "read_dashboard"]

_T = TypeVar("_T")
_Path = tuple[PathSegment, ...]


def describe_json(value: object) -> str:
    """What arrived, in JSON words: ``the string '12'``, ``null``, ``a list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {shown(value)}"
    if isinstance(value, str):
        listed = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown(listed)}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a Python {type(value).__name__}"


class _Reader:
    """Reads the snapshot field by field, collecting every problem with its path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: _Path, message: str) -> None:
        self.problems.append(Problem(path, message))

    def make(self, path: _Path, cls: Callable[..., _T], **fields: Any) -> _T:
        """A record of the fields read, or None with its problems collected at `path`.

        The record's own checks (consistency: no more completions than steps due, ...) run
        when it is made; the reader raises before using a None.
        """
        try:
            return cls(**fields)
        except SchemaError as error:
            self.problems.extend(error.prefixed(path).problems)
            return None  # type: ignore[return-value]  # the reader raises before using it

    def mapping(self, value: object, path: _Path) -> Mapping[str, object] | None:
        if isinstance(value, Mapping):
            return value
        self.fail(path, f"expected an object, got {describe_json(value)}")
        return None

    def get(self, obj: Mapping[str, object], path: _Path, key: str) -> tuple[bool, object]:
        if key in obj:
            return True, obj[key]
        self.fail((*path, key), "is required but missing; see the dashboard contract")
        return False, None

    def string(self, obj: Mapping[str, object], path: _Path, key: str) -> str:
        found, value = self.get(obj, path, key)
        if not found:
            return ""
        if isinstance(value, str):
            return value
        self.fail((*path, key), f"expected a string, got {describe_json(value)}")
        return ""

    def number(
        self,
        obj: Mapping[str, object],
        path: _Path,
        key: str,
        *,
        low: float | None = None,
        high: float | None = None,
        nullable: bool = True,
    ) -> float | None:
        found, value = self.get(obj, path, key)
        return self._number(value, (*path, key), low, high, nullable=nullable) if found else None

    def _number(
        self,
        value: object,
        path: _Path,
        low: float | None,
        high: float | None,
        *,
        nullable: bool,
    ) -> float | None:
        expected = "a number or null" if nullable else "a number"
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"expected {expected}, got {describe_json(value)}")
            return None
        if abs(value) > sys.float_info.max:  # an integer: JSON has no limit
            self.fail(path, f"expected {expected}, got one beyond the range of floats")
            return None
        x = float(value)
        if not math.isfinite(x):
            self.fail(path, f"got {shown(x)}; write null for a figure that cannot be computed")
            return None
        if (low is not None and x < low) or (high is not None and x > high):
            if low is not None and high is not None:
                bounds = f"from {low:g} to {high:g}"
            else:
                bounds = f"of at least {low:g}" if low is not None else f"of at most {high:g}"
            self.fail(path, f"expected a number {bounds}, got {shown(x)}")
            return None
        return x

    def count(
        self,
        obj: Mapping[str, object],
        path: _Path,
        key: str,
        *,
        minimum: int = 0,
        nullable: bool = True,
    ) -> int | None:
        found, value = self.get(obj, path, key)
        if not found or (value is None and nullable):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON has one kind of number: 2.0 is the whole number 2
        if isinstance(value, bool) or not isinstance(value, int):
            expected = "a whole number or null" if nullable else "a whole number"
            self.fail((*path, key), f"expected {expected}, got {describe_json(value)}")
            return None
        if abs(value) > sys.float_info.max:  # JSON has no limit; the figures are floats
            self.fail((*path, key), "expected a whole number, got one beyond the range of floats")
            return None
        if value < minimum:
            self.fail((*path, key), f"expected a whole number of at least {minimum}, got {value}")
            return None
        return value

    def interval(
        self, obj: Mapping[str, object], path: _Path, key: str
    ) -> ConfidenceInterval | None:
        found, value = self.get(obj, path, key)
        if not found or value is None:
            return None
        where = (*path, key)
        if not isinstance(value, list | tuple) or len(value) != 2:
            self.fail(where, f"expected a pair [low, high] or null, got {describe_json(value)}")
            return None
        low = self._number(value[0], (*where, 0), None, None, nullable=False)
        high = self._number(value[1], (*where, 1), None, None, nullable=False)
        if low is None or high is None:
            return None
        if low > high:
            self.fail(where, f"low {shown(low)} is above high {shown(high)}; write [low, high]")
            return None
        return ConfidenceInterval(low, high)

    def items(
        self,
        obj: Mapping[str, object],
        path: _Path,
        key: str,
        read: Callable[[Mapping[str, object], _Path], _T],
    ) -> tuple[_T, ...]:
        found, value = self.get(obj, path, key)
        if not found:
            return ()
        if not isinstance(value, list | tuple):
            self.fail((*path, key), f"expected a list, got {describe_json(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            where = (*path, key, i)
            record = self.mapping(item, where)
            if record is not None:
                made = read(record, where)
                if made is not None:  # None: its problems are listed
                    out.append(made)
        return tuple(out)

    def optional(
        self,
        obj: Mapping[str, object],
        path: _Path,
        key: str,
        read: Callable[[Mapping[str, object], _Path], _T],
    ) -> _T | None:
        value = obj.get(key)
        if value is None:
            return None
        record = self.mapping(value, (*path, key))
        return None if record is None else read(record, (*path, key))

    # -- the records of the contract ---------------------------------------------------------

    def totals(self, obj: Mapping[str, object], path: _Path) -> Totals:
        return self.make(
            path,
            Totals,
            participants=self.count(obj, path, "participants"),
            active=self.count(obj, path, "active"),
            participation_rate=self.number(obj, path, "participation_rate", low=0, high=1),
            completion_rate=self.number(obj, path, "completion_rate", low=0, high=1),
            overdue_steps=self.count(obj, path, "overdue_steps"),
            mean_rating=self.number(obj, path, "mean_rating"),
            nps=self.number(obj, path, "nps", low=-100, high=100),
        )

    def point(self, obj: Mapping[str, object], path: _Path) -> Point:
        text = self.string(obj, path, "date")
        try:
            if DATE.match(text) is None:  # the schema's calendar date: not '20270104', a week
                raise ValueError(text)
            date = dt.date.fromisoformat(text)
        except ValueError:
            if "date" in obj and isinstance(obj["date"], str):
                self.fail(
                    (*path, "date"), f"expected an ISO date like '2027-01-04', got {shown(text)}"
                )
            date = dt.date.min
        active, enrolled = self.count(obj, path, "active"), self.count(obj, path, "enrolled")
        return self.make(path, Point, date=date, active=active, enrolled=enrolled)

    def step(self, obj: Mapping[str, object], path: _Path) -> Step:
        return self.make(
            path,
            Step,
            step=self.string(obj, path, "step"),
            kind=self.string(obj, path, "kind"),
            due=self.count(obj, path, "due"),
            completed=self.count(obj, path, "completed"),
            median_days_to_complete=self.number(obj, path, "median_days_to_complete"),
        )

    def progress(self, obj: Mapping[str, object], path: _Path) -> Progress:
        return self.make(
            path,
            Progress,
            estimate=self.number(obj, path, "estimate"),
            ci=self.interval(obj, path, "ci"),
            level=self.number(obj, path, "level", low=0, high=1),
            n=self.count(obj, path, "n"),
        )

    def group_row(self, obj: Mapping[str, object], path: _Path) -> GroupRow:
        group = self.string(obj, path, "group")
        found, _ = self.get(obj, path, "progress")
        progress = self.optional(obj, path, "progress", self.progress) if found else None
        return self.make(
            path,
            GroupRow,
            group=group,
            participants=self.count(obj, path, "participants"),
            active=self.count(obj, path, "active"),
            participation_rate=self.number(obj, path, "participation_rate", low=0, high=1),
            completion_rate=self.number(obj, path, "completion_rate", low=0, high=1),
            mean_rating=self.number(obj, path, "mean_rating"),
            nps=self.number(obj, path, "nps", low=-100, high=100),
            progress=progress,
        )

    def suppressed(self, obj: Mapping[str, object], path: _Path) -> Suppressed:
        figure = obj.get("figure")  # optional: one figure of the cell rather than all of it
        if figure is not None and not isinstance(figure, str):
            self.fail((*path, "figure"), f"expected a string or null, got {describe_json(figure)}")
            figure = None
        return self.make(
            path,
            Suppressed,
            grouping=self.string(obj, path, "grouping"),
            group=self.string(obj, path, "group"),
            reason=self.string(obj, path, "reason"),
            figure=figure,
        )

    def impact(self, obj: Mapping[str, object], path: _Path) -> Impact:
        return self.make(
            path,
            Impact,
            method=self.string(obj, path, "method"),
            estimate=self.number(obj, path, "estimate"),
            ci=self.interval(obj, path, "ci"),
            level=self.number(obj, path, "level", low=0, high=1),
            n=self.count(obj, path, "n"),
            pvalue=self.number(obj, path, "pvalue", low=0, high=1),
        )

    def roi(self, obj: Mapping[str, object], path: _Path) -> Roi:
        return self.make(
            path,
            Roi,
            roi_percent=self.number(obj, path, "roi_percent"),
            bcr=self.number(obj, path, "bcr"),
            ci=self.interval(obj, path, "ci"),
            level=self.number(obj, path, "level", low=0, high=1),
            currency=self.string(obj, path, "currency"),
            assumptions=self.texts(obj, path, "assumptions"),
        )

    def texts(self, obj: Mapping[str, object], path: _Path, key: str) -> tuple[str, ...]:
        """An optional list of strings (absent or null: none)."""
        value = obj.get(key)
        if value is None:
            return ()
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        self.fail((*path, key), f"expected a list of strings, got {describe_json(value)}")
        return ()

    def groups(self, obj: Mapping[str, object], path: _Path) -> dict[str, tuple[GroupRow, ...]]:
        found, value = self.get(obj, path, "groups")
        if not found:
            return {}
        groups = self.mapping(value, (*path, "groups"))
        if groups is None:
            return {}
        out = {}
        for grouping in groups:
            name: object = grouping  # a Python caller's dict may have keys of any type
            if not isinstance(name, str):
                self.fail(
                    (*path, "groups"), f"grouping names must be strings, got {shown(grouping)}"
                )
                continue
            out[grouping] = self.items(groups, (*path, "groups"), grouping, self.group_row)
        return out


def _as_mapping(snapshot: object) -> object:
    """The contract's dict, from the dict itself or from a result that can produce it."""
    if isinstance(snapshot, Mapping):
        return snapshot
    for name in ("to_json_dict", "to_dict"):
        method = getattr(snapshot, name, None)
        if callable(method):
            return method()
    return snapshot


def read_dashboard(snapshot: object) -> Dashboard:
    """Read and check a dashboard snapshot; every problem goes into one SchemaError.

    A :class:`~sparkus.metrics.Dashboard` is already made of the schema's records, checked when
    they were made: it is returned as it is.
    """
    if isinstance(snapshot, Dashboard):
        return snapshot
    reader = _Reader()
    root = reader.mapping(_as_mapping(snapshot), ())
    if root is None:
        raise SchemaError(reader.problems)
    root = _with_result_parts(root)
    schema = root.get("schema")
    if not isinstance(schema, str) or schema != SCHEMA:
        reader.fail(
            ("schema",),
            f"expected {shown(SCHEMA)}, got {describe_json(schema)}: this is not a sparkus dashboard "
            "snapshot (make one with sparkus.metrics.Tracker.snapshot)",
        )
    version = root.get("schema_version")
    if isinstance(version, bool) or version not in SCHEMA_VERSIONS:
        supported = ", ".join(str(v) for v in SCHEMA_VERSIONS)
        reader.fail(
            ("schema_version",),
            f"this sparkus renders schema version {supported}, got {describe_json(version)}; "
            "upgrade sparkus to render newer snapshots",
        )
    if reader.problems:  # another schema: its other fields mean something else
        raise SchemaError(reader.problems)

    program = reader.string(root, (), "program")
    as_of_text = reader.string(root, (), "as_of")
    if "as_of" in root and isinstance(root["as_of"], str):
        try:
            as_of = parse_time(as_of_text)
            if (as_of.utcoffset() or dt.timedelta()) % dt.timedelta(minutes=1):
                raise ValueError(as_of_text)  # the schema's offsets are whole minutes
        except ValueError:
            reader.fail(
                ("as_of",),
                f"expected an ISO 8601 time like '2027-03-31T00:00:00+00:00', got {shown(as_of_text)}",
            )
        else:
            if as_of.utcoffset() is None:
                reader.fail(
                    ("as_of",), f"{shown(as_of_text)} has no time zone; add one, e.g. +00:00"
                )
    least = int(bounds_of(Dashboard, "min_group_size").low)  # the record's rule, one place
    min_group_size = reader.count(root, (), "min_group_size", minimum=least, nullable=False)

    totals = Totals(participants=None, active=None, participation_rate=None,
                    completion_rate=None, overdue_steps=None, mean_rating=None, nps=None)  # fmt: skip
    found, value = reader.get(root, (), "totals")
    totals_obj = reader.mapping(value, ("totals",)) if found else None
    if totals_obj is not None:
        totals = reader.totals(totals_obj, ("totals",))

    window_days: int | None = None
    series: tuple[Point, ...] = ()
    found, value = reader.get(root, (), "engagement")
    engagement = reader.mapping(value, ("engagement",)) if found else None
    if engagement is not None:
        window_days = reader.count(
            engagement, ("engagement",), "window_days", minimum=1, nullable=False
        )
        series = reader.items(engagement, ("engagement",), "series", reader.point)
        seen: dict[dt.date, int] = {}
        for i, point in enumerate(series):
            if point.date in seen and point.date != dt.date.min:
                reader.fail(
                    ("engagement", "series", i, "date"),
                    f"{point.date.isoformat()} appears twice (first at series[{seen[point.date]}])",
                )
            seen.setdefault(point.date, i)

    funnel = reader.items(root, (), "funnel", reader.step)
    groups = reader.groups(root, ())
    suppressed = reader.items(root, (), "suppressed", reader.suppressed)
    impact = reader.optional(root, (), "impact", reader.impact)
    roi = reader.optional(root, (), "roi", reader.roi)

    if reader.problems:
        raise SchemaError(reader.problems)
    return Dashboard(
        program=program,
        as_of=as_of_text,
        min_group_size=cast(int, min_group_size),
        totals=totals,
        engagement=Engagement(
            window_days=window_days or 1, series=tuple(sorted(series, key=lambda p: p.date))
        ),
        funnel=funnel,
        groups=groups,
        suppressed=suppressed,
        impact=impact,
        roi=roi,
    )


def as_impact(value: object) -> Impact | None:
    """The impact estimate given to a snapshot, as the document's record.

    An :class:`~sparkus.metrics.Estimate` gives its method, estimate, interval, level, n and
    p-value (a value that is not finite becomes None, as in JSON); a mapping is read as the
    document's ``impact`` object, with the same checks and messages.
    """
    if value is None or isinstance(value, Impact):
        return value
    if isinstance(value, Estimate):
        return _made(
            ("impact",),
            Impact,
            method=value.method,
            estimate=_finite(value.estimate),
            ci=_finite_interval(value.ci),
            level=_finite(value.level),
            n=int(value.n),
            pvalue=_finite(value.pvalue),
        )
    if isinstance(value, Mapping):
        return _read_part(value, "impact", _Reader.impact)
    msg = f"expected an Estimate or a mapping, got {describe(value)}"
    raise SchemaError([Problem(("impact",), msg)])


def as_roi(value: object) -> Roi | None:
    """The return on investment given to a snapshot, as the document's record.

    An :class:`~sparkus.metrics.ROIResult` gives its ROI in percent, benefit-cost ratio, the
    interval of the ROI, its level and currency; a mapping is read as the document's ``roi``
    object, with the same checks and messages.
    """
    if value is None or isinstance(value, Roi):
        return value
    if isinstance(value, ROIResult):
        return _made(
            ("roi",),
            Roi,
            roi_percent=_finite(value.roi),
            bcr=_finite(value.bcr),
            ci=_finite_interval(value.roi_ci),
            level=_finite(value.level),
            currency=value.currency,
            assumptions=roi_assumptions(value),
        )
    if isinstance(value, Mapping):
        return _read_part(_roi_document(value), "roi", _Reader.roi)
    msg = f"expected an ROIResult or a mapping, got {describe(value)}"
    raise SchemaError([Problem(("roi",), msg)])


def _roi_document(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """The document's ``roi`` object from :meth:`ROIResult.to_dict`'s form (``roi``, ``roi_ci``).

    A mapping with ``roi_percent`` is the document's form already and is returned as given.
    """
    if "roi_percent" in value or "roi" not in value or "roi_ci" not in value:
        return value
    return {"roi_percent": value["roi"], "bcr": value.get("bcr"), "ci": value["roi_ci"],
            "level": value.get("level"), "currency": value.get("currency", ""),
            "assumptions": value.get("assumptions")}  # fmt: skip


def _with_result_parts(root: Mapping[str, Any]) -> Mapping[str, Any]:
    """A snapshot mapping whose ``impact`` and ``roi`` are typed results or their to_dict().

    An :class:`~sparkus.metrics.Estimate` or :class:`~sparkus.metrics.ROIResult` (or the
    ROIResult's ``to_dict()``) becomes the document's object; anything else is left for the
    reader to check. The caller's mapping is not changed.
    """
    impact, roi = root.get("impact"), root.get("roi")
    if not isinstance(impact, Estimate) and not isinstance(roi, ROIResult | Mapping):
        return root
    out = dict(root)
    if isinstance(impact, Estimate):
        out["impact"] = cast(Impact, as_impact(impact)).to_json()
    if isinstance(roi, ROIResult):
        out["roi"] = cast(Roi, as_roi(roi)).to_json()
    elif isinstance(roi, Mapping):
        out["roi"] = _roi_document(roi)
    return out


def _made(path: _Path, cls: Callable[..., _T], **fields: Any) -> _T:
    reader = _Reader()
    record = reader.make(path, cls, **fields)
    if reader.problems:
        raise SchemaError(reader.problems)
    return record


def _read_part(
    value: Mapping[str, object],
    key: str,
    read: Callable[[_Reader, Mapping[str, object], _Path], _T],
) -> _T:
    reader = _Reader()
    record = read(reader, value, (key,))
    if reader.problems:
        raise SchemaError(reader.problems)
    return record


def _finite(value: float) -> float | None:
    x = float(value)
    return x if math.isfinite(x) else None


def _finite_interval(ci: ConfidenceInterval) -> ConfidenceInterval | None:
    low, high = _finite(ci.low), _finite(ci.high)
    return None if low is None or high is None else ConfidenceInterval(low, high)

"""A tracker's state on disk: a ``.npz`` archive, read back with every size checked first.

``Tracker.save`` writes it; ``Tracker.load`` reads it with every size checked before anything
is allocated and every value checked before it is trusted.

A state file is a zip archive of ``.npy`` members: ``meta`` (the options as JSON text),
``state_<name>`` for each array of :class:`~sparkus.model.JourneyProgress`, ``group_<i>``
for each grouping's codes and, once the tracker has released a snapshot, ``ledger_<figure>_<j>_
{bits,published,values}`` and ``ledger_hidden_<figure>_<j>_{bits,published,values}`` for each
part of its release ledger, the latter one row per layer of withheld cells, as many as
``meta.ledger.layers`` says, and ``ledger_past_completion_<j>_{bits,published,values}``, one
row per layer of completion cells' earlier published releases, as many as ``meta.ledger.past``
says (version 6; earlier files kept none), with ``ledger_reset_{rating,progress}``, the (slot, time) rows of
the values set again after a release, one per release window a slot was set again in, as many
per slot as ``meta.ledger.stamps`` says (version 5, see ``resets.py``; version 4 files hold
the latest of each slot's stamps only, which load as one stamp each, as that version read
them; version 3 files, written before those, load with none; version 2 files, whose rating ledger has one bit per
participant rather than per rated session, load with it moved to sessions by
:func:`~sparkus.metrics._tracking.ledger.rated_slots`; files written before the layers, without
that key, hold one withheld layer as plain rows and still load; version 1 files, written before
the ledger, read as a tracker that has released nothing). Reading one never unpickles (numpy's
``allow_pickle=False``) and never trusts a declared size: the archive's directory must list
exactly those members, each member's declared size must fit what the schedule implies (a few
bytes per slot or per participant, per layer for withheld cells), a member is read only up to that size (a member that inflates past what it
declared is refused), and each ``.npy`` header's dtype and shape are checked before its data
is read. Every problem is a :class:`~sparkus.SchemaError`, file problems naming the file.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, Final

import numpy as np
import numpy.typing as npt

from sparkus._checks import describe
from sparkus._errors import Problem, SchemaError
from sparkus.metrics._tracking.ledger import (
    FIGURES,
    FINAL,
    MAX_LAYERS,
    MEASURES,
    SLOTS,
    part_labels,
)
from sparkus.metrics._tracking.resets import RESET_FIGURES
from sparkus.model import JourneySchedule

__all__ = ["FORMAT", "VERSION", "check_file_arg", "file_name", "read_state", "slot_figures",
           "write_state"]  # fmt: skip

FORMAT: Final = "sparkus.tracker"
VERSION: Final = 6
VERSIONS: Final = (1, 2, 3, 4, 5, 6)
"""The versions this sparkus reads (1: no release ledger; 2: ratings per participant; 3: no
record of values set again after a release; 4: only the last time each value was set again;
5: no earlier releases of completion cells published again)."""
_HEADER_ROOM: Final = 4_096
"""Bytes allowed for a ``.npy`` member's magic and header."""
_META_BASE: Final = 1 << 20
_META_PER_PARTICIPANT: Final = 4_096
_ARRAYS: Final = ("first_done", "status", "moved_time", "moved_days", "rating_time", "rating",
                  "score_time", "score", "active")  # fmt: skip

FileArg = str | os.PathLike[str] | IO[bytes] | io.IOBase


def slot_figures(version: int) -> frozenset[str]:
    """The figures whose ledger units are slots in a state file of `version`.

    Version 2 kept the rating figure per participant (see :func:`.ledger.rated_slots`).
    """
    return SLOTS if version >= 3 else frozenset({"completion"})


def file_name(file: object) -> str:
    """The path of `file` as text, or its ``name``, for messages."""
    if isinstance(file, str | os.PathLike):
        return os.fspath(file)
    return str(getattr(file, "name", "the file object"))


def _file_error(file: object, message: str) -> SchemaError:
    return SchemaError([Problem(("file",), f"{file_name(file)}: {message}")])


def check_file_arg(file: object) -> None:
    """A path or a binary file object, or a SchemaError naming `file`."""
    if isinstance(file, str | os.PathLike):
        if isinstance(file, str) and not file:
            raise SchemaError([Problem(("file",), "expected a path, got an empty string")])
        path = os.fspath(file)
        if ("\x00" if isinstance(path, str) else b"\x00") in path:  # os.stat: bare ValueError
            msg = f"expected a path, got {path!r}, which holds a NUL character"
            raise SchemaError([Problem(("file",), msg)])
        return
    if isinstance(file, io.TextIOBase):  # its write() refuses bytes, its read() gives text
        msg = (f"expected a binary file object (open it with 'wb' or 'rb'), got a text-mode "
               f"{type(file).__name__}")  # fmt: skip
        raise _file_error(file, msg)
    if callable(getattr(file, "read", None)) or callable(getattr(file, "write", None)):
        return
    msg = f"expected a path or a binary file object, got {describe(file)}"
    raise SchemaError([Problem(("file",), msg)])


def write_state(
    file: FileArg, meta: Mapping[str, Any], arrays: Mapping[str, npt.NDArray[Any]]
) -> None:
    """Write `meta` (as JSON) and `arrays` to `file`; an OS error is a SchemaError naming it.

    A path is written exactly as given (``np.savez`` given a path would add ``.npz``, and
    :func:`read_state` reads the path as given); a folder is refused.
    """
    check_file_arg(file)
    members = {"meta": np.array(json.dumps(meta)), **arrays}
    try:
        if not isinstance(file, str | os.PathLike):
            np.savez(file, **members)  # type: ignore[arg-type]
            return
        if Path(file).is_dir():
            raise _file_error(file, "is a folder, not a file; give a file name in it")
        with Path(file).open("wb") as out:
            np.savez(out, **members)  # type: ignore[arg-type]
    except OSError as error:
        raise _file_error(file, f"cannot be written ({error.strerror or error})") from None


def _limits(
    schedule: JourneySchedule,
    n_groups: int,
    ledger: list[int] | None = None,
    layers: int = 1,
    version: int = VERSION,
    stamps: int = 1,
    past: int | None = None,
) -> dict[str, int]:
    """The most bytes each member may declare (data plus header).

    `ledger` is each grouping's number of groups when the file holds a release ledger, with
    `layers` layers of withheld cells and at most `stamps` stamps of a slot set again, in a
    file of `version`, and `past` layers of earlier releases of completion cells (None: a file
    written before version 6 keeps none).
    """
    m, n = schedule.n_slots, len(schedule)
    words = max(1, -(-schedule.n_days // 64))
    limits = {f"state_{a}.npy": 8 * m + _HEADER_ROOM for a in _ARRAYS}
    limits["state_active.npy"] = 8 * n * words + _HEADER_ROOM
    limits["meta.npy"] = _META_BASE + _META_PER_PARTICIPANT * n
    limits.update({f"group_{i}.npy": 8 * n + _HEADER_ROOM for i in range(n_groups)})
    if ledger is not None:
        steps = len(schedule.template.steps)
        for f in FIGURES:
            units = m if f in slot_figures(version) else n
            stores = [("", 1), ("hidden_", layers)]
            if past is not None and f in FINAL:
                stores.append(("past_", past))
            for j, k in enumerate(part_labels(f, ledger, steps)):
                for kind, rows in stores:
                    name = f"ledger_{kind}{f}_{j}"
                    limits[f"{name}_bits.npy"] = rows * -(-units // 8) + _HEADER_ROOM
                    limits[f"{name}_published.npy"] = rows * 8 * k + _HEADER_ROOM
                    limits[f"{name}_values.npy"] = rows * 8 * k * MEASURES[f] + _HEADER_ROOM
        if version >= 4:  # (slot, time) rows of the values set again, `stamps` per slot
            for f in RESET_FIGURES:
                limits[f"ledger_reset_{f}.npy"] = 16 * m * stamps + _HEADER_ROOM
    return limits


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, file: object
) -> npt.NDArray[Any]:
    """One ``.npy`` member, read at most `limit` bytes, its header checked first."""
    if info.file_size > limit:
        msg = (f"member {info.filename!r} declares {info.file_size:,} bytes, more than the "
               f"{limit:,} this schedule allows")  # fmt: skip
        raise _file_error(file, msg)
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError,
            RuntimeError, ValueError) as error:  # fmt: skip
        raise _file_error(file, f"member {info.filename!r} cannot be read ({error})") from None
    if len(data) > limit or len(data) != info.file_size:
        msg = f"member {info.filename!r} holds another size than it declares"
        raise _file_error(file, msg)
    buffer = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(buffer)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(buffer)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(buffer)
        else:
            raise ValueError(f"unsupported .npy version {version}")
        if dtype.hasobject:
            raise ValueError("it holds Python objects, which are never loaded")
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if count < 0 or count * dtype.itemsize != len(data) - buffer.tell():
            raise ValueError("its header does not match its data")
        array = np.frombuffer(data, dtype=dtype, count=count, offset=buffer.tell())
        array = array.reshape(shape, order="F" if fortran else "C")
    except Exception as error:  # noqa: BLE001 - numpy's header parser raises many kinds
        raise _file_error(
            file, f"member {info.filename!r} is not a numpy array ({error})"
        ) from None
    return np.array(array)  # a writable, owned copy in native layout


def read_state(
    file: FileArg, schedule: JourneySchedule
) -> tuple[
    dict[str, Any], dict[str, npt.NDArray[Any]], list[npt.NDArray[Any]], dict[str, npt.NDArray[Any]]
]:
    """The options, state arrays, grouping codes and ledger arrays of a saved tracker.

    A file saved for another schedule is refused as such, before its members are sized.
    Sizes, member names, dtypes and shapes are checked here; the values are checked by
    :meth:`JourneyProgress.from_arrays <sparkus.model.JourneyProgress.from_arrays>` and the
    options by the tracker.
    """
    check_file_arg(file)
    try:
        archive = zipfile.ZipFile(file if not isinstance(file, os.PathLike) else Path(file))
    except FileNotFoundError:
        raise _file_error(file, "no such file") from None
    except IsADirectoryError:
        raise _file_error(file, "is a folder, not a file") from None
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as error:
        why = (
            "is empty"
            if "empty" in str(error).lower()
            else "is not a saved Tracker (not a .npz archive)"
        )
        raise _file_error(file, why) from None
    with archive:
        infos = {info.filename: info for info in archive.infolist()}
        if "meta.npy" not in infos:
            raise _file_error(file, "is not a saved Tracker (no meta member)")
        meta_limit = _limits(schedule, 0)["meta.npy"]
        meta_array = _read_member(archive, infos["meta.npy"], meta_limit, file)
        if meta_array.dtype.kind != "U" or meta_array.shape != ():
            raise _file_error(file, "is not a saved Tracker (its meta is not text)")
        meta = _meta(str(meta_array), file)
        if meta["schedule"] != schedule.fingerprint:  # before sizing members by `schedule`
            msg = ("differs from the one saved (other participants, journeys, starts or "
                   "template); load the file with the schedule it was saved with")  # fmt: skip
            raise SchemaError([Problem(("schedule",), msg)])
        n_groups = len(meta["grouping_names"])
        stored = meta["ledger"].get("stored") is True
        sizes = [len(meta["groups"][name]) for name in meta["grouping_names"]]
        declared = (meta["ledger"].get(key, 1) for key in ("layers", "stamps", "past"))
        layers, stamps, past = (min(x, MAX_LAYERS) if isinstance(x, int) and x >= 0 else 1
                                for x in declared)  # checked with the ledger; bounded here  # fmt: skip
        kept = past if "past" in meta["ledger"] else None  # written before version 6: none
        limits = _limits(schedule, n_groups, sizes if stored else None, layers, meta["version"],
                         stamps, kept)  # fmt: skip
        extra = sorted(set(infos) - set(limits))
        missing = sorted(set(limits) - set(infos))
        if extra or missing:
            parts = ([f"lacks {', '.join(missing)}"] if missing else []) + (
                [f"has unexpected members {', '.join(extra[:5])}"] if extra else [])  # fmt: skip
            raise _file_error(
                file, f"is not a saved Tracker of this form: it {' and '.join(parts)}"
            )
        arrays = {a: _read_member(archive, infos[f"state_{a}.npy"], limits[f"state_{a}.npy"], file)
                  for a in _ARRAYS}  # fmt: skip
        groups = [_read_member(archive, infos[f"group_{i}.npy"], limits[f"group_{i}.npy"], file)
                  for i in range(n_groups)]  # fmt: skip
        ledger = {name[:-4]: _read_member(archive, infos[name], limit, file)
                  for name, limit in limits.items() if name.startswith("ledger_")}  # fmt: skip
    return meta, arrays, groups, ledger


_META_KEYS: Final = {
    "format": str, "version": int, "program": str, "min_group_size": int, "schedule": str,
    "window_days": int, "pre_step": str, "post_step": str, "level": float, "groups": dict,
    "grouping_names": list, "ledger": dict, "protection_share": float,
}  # fmt: skip


def _meta(text: str, file: object) -> dict[str, Any]:
    try:  # the text is bounded by the member's size limit
        meta = json.loads(text)
    except (ValueError, RecursionError):
        raise _file_error(file, "is not a saved Tracker (its meta is not JSON)") from None
    if (
        not isinstance(meta, dict)
        or meta.get("format") != FORMAT
        or meta.get("version") not in (VERSIONS)
    ):
        raise _file_error(file, f"is not a saved Tracker (format {FORMAT!r}, version "
                                f"{' or '.join(map(str, VERSIONS))})")  # fmt: skip
    if meta["version"] == 1:
        meta = {**meta, "ledger": {"releases": 0, "last": -1, "withheld": [], "stored": False},
                "protection_share": 0.5}  # fmt: skip
    problems = []
    for key, kind in _META_KEYS.items():
        value = meta.get(key)
        ok = isinstance(value, kind) and not isinstance(value, bool)
        if kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok:
            msg = f"{file_name(file)}: meta.{key}: expected {kind.__name__}, got {describe(value)}"
            problems.append(Problem(("file",), msg))
    if not problems:
        names, groups = meta["grouping_names"], meta["groups"]
        if (not all(isinstance(g, str) for g in names) or len(set(names)) != len(names)
                or list(groups) != names):  # fmt: skip
            msg = f"{file_name(file)}: meta.groups: does not match meta.grouping_names"
            problems.append(Problem(("file",), msg))
        elif not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in groups.values()
        ):
            msg = f"{file_name(file)}: meta.groups: expected lists of group names"
            problems.append(Problem(("file",), msg))
        elif not all(names) or any(len(set(v)) != len(v) for v in groups.values()):
            msg = (f"{file_name(file)}: meta.groups: expected named groupings of distinct "
                   "group names (two groups of one name would show as one)")  # fmt: skip
            problems.append(Problem(("file",), msg))
    if problems:
        raise SchemaError(problems)
    return meta

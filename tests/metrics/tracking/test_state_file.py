"""Tracker.load trusts nothing it reads: missing, empty, garbage and crafted files are refused
with a SchemaError naming the file, sizes are checked before anything is allocated, and a
saved state round-trips exactly."""

from __future__ import annotations

import io
import json
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.metrics import Tracker
from tests.metrics.tracking.test_tracker import DEPARTMENTS, EVENTS, ONE_PASS, PROGRAM, SCHEDULE


def _saved(tracker: Tracker = ONE_PASS) -> bytes:
    buffer = io.BytesIO()
    tracker.save(buffer)
    return buffer.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _archive(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _with(**arrays: np.ndarray) -> bytes:
    members = _members(_saved())
    for name, array in arrays.items():
        members[f"{name}.npy"] = _npy(array)
    return _archive(members)


def _load(data: bytes | str) -> Tracker:
    source = data if isinstance(data, str) else io.BytesIO(data)
    return Tracker.load(source, PROGRAM, SCHEDULE)


def _state(name: str) -> np.ndarray:
    return ONE_PASS.progress.arrays()[name].copy()


def test_round_trip_through_a_file(tmp_path):
    """A state saved to a path loads equal (groupings included)."""
    path = tmp_path / "state.npz"
    ONE_PASS.save(path)
    assert Tracker.load(path, PROGRAM, SCHEDULE) == ONE_PASS
    assert Tracker.load(str(path), PROGRAM, SCHEDULE) == ONE_PASS


def test_missing_empty_garbage_and_folder_name_the_file(tmp_path):
    """A missing, empty or garbage file, or a folder, is a SchemaError naming the path."""
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip archive at all" * 10)
    for path, why in [
        (tmp_path / "missing.npz", "no such file"),
        (empty, "not a saved Tracker"),
        (garbage, "not a saved Tracker"),
        (tmp_path, "folder"),
    ]:
        with pytest.raises(SchemaError, match=why) as error:
            _load(str(path))
        assert str(path) in str(error.value)
        assert error.value.problems[0].location == "file"


@pytest.mark.parametrize("file", [None, 5, b"bytes", "", ["a"]])
def test_file_argument_of_the_wrong_type(file):
    """A file argument that is neither a path nor a file object is refused naming `file`."""
    with pytest.raises(SchemaError, match="file"):
        Tracker.load(file, PROGRAM, SCHEDULE)
    with pytest.raises(SchemaError, match="file"):
        ONE_PASS.save(file)


def test_save_to_a_missing_folder_names_the_path(tmp_path):
    """Saving where no folder exists is a SchemaError naming the path, not an OSError."""
    target = tmp_path / "no" / "such" / "state.npz"
    with pytest.raises(SchemaError, match="cannot be written"):
        ONE_PASS.save(target)


def test_members_missing_or_extra():
    """An archive without a member, or with one more, is refused naming the member."""
    members = _members(_saved())
    del members["state_rating.npy"]
    with pytest.raises(SchemaError, match=r"lacks state_rating.npy"):
        _load(_archive(members))
    members = _members(_saved())
    members["payload.npy"] = _npy(np.zeros(3))
    with pytest.raises(SchemaError, match=r"unexpected members payload.npy"):
        _load(_archive(members))
    members = _members(_saved())
    del members["meta.npy"]
    with pytest.raises(SchemaError, match="no meta"):
        _load(_archive(members))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"state_rating": np.zeros(3)}, r"rating: .*shape \(3,\)"),
        (
            {"state_rating": np.zeros(SCHEDULE.n_slots, dtype=np.float32)},
            "rating: .*expected float64",
        ),
        ({"state_first_done": np.zeros((SCHEDULE.n_slots, 1), dtype=np.int64)}, "first_done"),
        ({"state_status": np.full(SCHEDULE.n_slots, 7, dtype=np.int64)}, "status: .*holds"),
        ({"state_rating": np.full(SCHEDULE.n_slots, np.nan)}, "rating: .*holds values without"),
        ({"group_0": np.full(len(DEPARTMENTS), 9, dtype=np.int64)}, "codes outside 0 to 3"),
        ({"group_0": np.zeros(len(DEPARTMENTS), dtype=np.float64)}, "integer codes"),
        ({"meta": np.array("not json")}, "meta is not JSON"),
        ({"meta": np.array(json.dumps({"format": "other"}))}, "not a saved Tracker"),
        ({"meta": np.zeros(2)}, "meta is not text"),
    ],
)
def test_crafted_members_are_refused(change, message):
    """Wrong shapes, dtypes, codes and values are refused, naming the file and the array."""
    with pytest.raises(SchemaError, match=message):
        _load(_with(**change))


def test_values_no_event_could_leave_are_refused():
    """Times outside a journey, ratings past 10, scores on sessions, stray active days."""
    first_done = _state("first_done")
    first_done[0] = 0  # 1970: before every journey
    rating = _state("rating")
    rating_time = _state("rating_time")
    rated = np.flatnonzero(rating_time != Tracker.load(io.BytesIO(_saved()), PROGRAM, SCHEDULE)
                           .progress.UNSET)[0]  # fmt: skip
    rating[rated] = 11.0
    active = _state("active")
    active[:, -1] |= np.uint64(1) << np.uint64(63)  # the last bit: after every journey's end
    with pytest.raises(SchemaError) as error:
        _load(_with(state_first_done=first_done, state_rating=rating, state_active=active))
    text = str(error.value)
    for name in ("first_done", "rating", "active"):
        assert f"file.{name}" in text
    assert "slot 0" in text


def test_score_of_a_step_that_carries_none_is_refused():
    """A score on a coaching session (only assessments and checkpoints carry one)."""
    score, score_time = _state("score"), _state("score_time")
    session = int(np.flatnonzero(SCHEDULE.step == 4)[0])  # a coaching session's slot
    score[session], score_time[session] = 50.0, _state("first_done")[0] + 1
    score_time[session] = SCHEDULE.start_seconds[SCHEDULE.row[session]] + 10
    with pytest.raises(SchemaError, match="scores of steps that carry none"):
        _load(_with(state_score=score, state_score_time=score_time))


def test_object_arrays_are_never_unpickled():
    """A member holding pickled Python objects is refused; nothing is unpickled."""
    members = _members(_saved())
    header = _npy(np.zeros(SCHEDULE.n_slots))
    pickled = header.replace(b"'<f8'", b"'|O' ")  # same length: a header claiming objects
    members["state_rating.npy"] = pickled
    with pytest.raises(SchemaError, match="never loaded"):
        _load(_archive(members))


def test_huge_declared_shape_is_refused_before_allocation():
    """A header declaring a billion values over a few bytes of data is refused; so is a
    header that does not parse."""
    members = _members(_saved())
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**9,)}
    )
    members["state_rating.npy"] = header.getvalue() + bytes(8 * SCHEDULE.n_slots)
    with pytest.raises(SchemaError, match=r"state_rating.npy' is not a numpy array"):
        _load(_archive(members))
    broken = header.getvalue().replace(b"(1000000000,)", b"(99999, }    ")
    members["state_rating.npy"] = broken + bytes(8 * SCHEDULE.n_slots)
    with pytest.raises(SchemaError, match=r"state_rating.npy' is not a numpy array"):
        _load(_archive(members))


def test_zip_bomb_of_declared_size_is_refused_unread():
    """A member inflating to 64 MiB (a few kB on disk) is refused from its declared size."""
    members = _members(_saved())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if name != "state_score.npy":
                archive.writestr(name, content)
        with archive.open("state_score.npy", "w", force_zip64=True) as member:
            for _ in range(64):
                member.write(bytes(1 << 20))
    assert len(buffer.getvalue()) < 1 << 20
    with pytest.raises(SchemaError, match="declares 67,108,864 bytes"):
        _load(buffer.getvalue())


def test_member_lying_about_its_size_is_refused():
    """A member whose directory entry declares fewer bytes than it holds is refused."""
    data = bytearray(_saved())
    at = data.find(b"PK\x01\x02")  # the first central-directory entry
    (size,) = struct.unpack_from("<I", data, at + 24)
    struct.pack_into("<I", data, at + 24, size - 8)
    with pytest.raises(SchemaError, match="file"):
        _load(bytes(data))


def test_saved_for_another_program_or_options():
    """A state saved with other options or for another program is refused naming them."""
    data = _saved(Tracker(PROGRAM, SCHEDULE, window_days=7))
    members = _members(data)
    meta = json.loads(str(np.load(io.BytesIO(members["meta.npy"]))))
    meta["window_days"] = 0
    members["meta.npy"] = _npy(np.array(json.dumps(meta)))
    with pytest.raises(SchemaError, match="window_days"):
        _load(_archive(members))
    meta["window_days"], meta["level"] = 7, "high"
    members["meta.npy"] = _npy(np.array(json.dumps(meta)))
    with pytest.raises(SchemaError, match=r"meta.level"):
        _load(_archive(members))


@given(st.data())
@settings(max_examples=40)
def test_any_corruption_is_a_schema_error_or_the_same_state(data):
    """Flipping bytes of a saved state gives a SchemaError, never another exception."""
    saved = bytearray(_saved())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(saved) - 1))
        saved[at] = data.draw(st.integers(0, 255))
    try:
        loaded = _load(bytes(saved))
    except SchemaError:
        return
    loaded.snapshot()  # whatever loads is a state events could leave: it snapshots


@given(st.lists(st.integers(0, len(EVENTS) - 1), max_size=300))
@settings(max_examples=25)
def test_save_load_round_trip(rows):
    """Any state the tracker reaches saves and loads back equal."""
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"department": DEPARTMENTS})
    tracker.update(EVENTS.take(np.asarray(rows, dtype=np.int64)))
    assert _load(_saved(tracker)) == tracker

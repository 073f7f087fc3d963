"""The release ledger: saved and loaded with the tracker, merged across shards, never changed by
a preview, read from a state file written before it existed, and refused when corrupted."""

from __future__ import annotations

import copy
import io
import json
import zipfile

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import Tracker
from sparkus.metrics._tracking.ledger import Ledger
from sparkus.metrics._tracking.state_file import VERSION
from tests.privacy.world import day, events, tracker_of

DEPT = ["Sales"] * 7 + ["Tech"] * 6 + ["Ops"] * 6
N = len(DEPT)
_rng = np.random.default_rng(8)
PRE = np.round(_rng.uniform(2, 4, N), 1)
POST = np.round(PRE + _rng.uniform(-0.5, 1.5, N), 1)


def _scores(people, post_day, first_id=0):
    rows = []
    for p in people:
        rows.append((p, "activity", "", post_day - 1, np.nan))
        rows.append((p, "step_completed", "kickoff", 0.5, np.nan))
        rows.append((p, "session_rated", "kickoff", 0.6, float(p % 11)))
        rows.append((p, "step_completed", "self-assessment", 7.5, PRE[p]))
        rows.append((p, "step_completed", "checkpoint-final", post_day + 0.01 * p, POST[p]))
    return events(rows, first_id=first_id)


FIRST = [p for p in range(N) if p != 6]


def _released(times: int = 2) -> Tracker:
    """Sales 6 paired, a release; person 6 paired, another release (and so on)."""
    tracker = tracker_of({"department": DEPT})
    tracker.update(_scores(FIRST, 20.0))
    tracker.snapshot(day(25))
    if times > 1:
        tracker.update(_scores([6], 30.0, 1_000))
        tracker.snapshot(day(35))
    return tracker


def _bytes(tracker: Tracker) -> bytes:
    buffer = io.BytesIO()
    tracker.save(buffer)
    return buffer.getvalue()


def _load(data: bytes, like: Tracker) -> Tracker:
    return Tracker.load(io.BytesIO(data), like.program, like.schedule)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _archive(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _array(data: bytes, member: str) -> np.ndarray:
    return np.load(io.BytesIO(_members(data)[member]), allow_pickle=False)


def _meta(data: bytes) -> dict:
    return json.loads(str(_array(data, "meta.npy")))


def _sales(snap):
    return {r.group: r for r in snap.groups["department"]}["Sales"].progress


# -- save and load -------------------------------------------------------------------------------


def test_save_and_load_round_trip_the_ledger(tmp_path):
    """Two releases saved and loaded: the same count, an equal ledger and an equal tracker."""
    tracker = _released()
    assert tracker.releases == 2
    path = tmp_path / "state.npz"
    tracker.save(path)
    loaded = Tracker.load(path, tracker.program, tracker.schedule)
    assert loaded.releases == 2
    assert loaded.ledger == tracker.ledger
    assert loaded == tracker
    names = _members(path.read_bytes())
    assert any(name.startswith("ledger_") for name in names)
    assert _meta(path.read_bytes())["ledger"]["releases"] == 2


def test_a_loaded_ledger_still_protects_the_next_release():
    """Loaded after one release, the tracker withholds Sales' change of one, like the original."""
    original = _released(times=1)
    loaded = _load(_bytes(original), original)
    fresh = tracker_of({"department": DEPT})
    fresh.update(_scores(FIRST, 20.0))
    for tracker in (original, loaded, fresh):
        tracker.update(_scores([6], 30.0, 1_000))
    shown = [_sales(t.snapshot(day(35))) for t in (original, loaded, fresh)]
    assert shown[0] is None
    assert shown[1] is None
    assert shown[2] is not None
    assert shown[2].n == 7


def test_ledgers_differ_so_trackers_differ():
    """A tracker that released compares unequal to the same events never released."""
    released = _released(times=1)
    quiet = tracker_of({"department": DEPT})
    quiet.update(_scores(FIRST, 20.0))
    assert quiet.progress == released.progress
    assert quiet != released
    assert quiet.ledger != released.ledger


# -- previews ------------------------------------------------------------------------------------


def test_a_preview_leaves_the_ledger_unchanged():
    """snapshot(release=False) records nothing: same ledger, same count, same next release."""
    tracker = _released(times=1)
    data = _bytes(tracker)
    tracker.update(_scores([6], 30.0, 1_000))
    before = copy.deepcopy(tracker.ledger)  # the update stamps the scores set since the release
    preview = tracker.snapshot(day(35), release=False)
    assert tracker.releases == 1
    assert tracker.ledger == before
    assert _sales(preview) is None  # a preview is protected like a release
    # the preview did not count as a release: loading the saved state gives the same next step
    again = _load(data, tracker)
    again.update(_scores([6], 30.0, 1_000))
    assert again.snapshot(day(35)).to_dict() == tracker.snapshot(day(35)).to_dict()


def test_a_fresh_tracker_has_released_nothing():
    """No snapshot yet: zero releases, an empty ledger, and a preview keeps it so."""
    tracker = tracker_of({"department": DEPT})
    tracker.update(_scores(FIRST, 20.0))
    tracker.snapshot(day(25), release=False)
    assert tracker.releases == 0
    assert tracker.ledger == Ledger()


@pytest.mark.parametrize("release", ["yes", 1, None])
def test_release_must_be_a_bool(release):
    """release= anything but True or False is a SchemaError naming it."""
    tracker = tracker_of({"department": DEPT})
    with pytest.raises(SchemaError, match="release"):
        tracker.snapshot(day(25), release=release)
    assert tracker.releases == 0


# -- merge ---------------------------------------------------------------------------------------


def _shards():
    """Two shards of the same program: one saw the scores and released once; the other saw
    only activity and released twice, later."""
    a, b = tracker_of({"department": DEPT}), tracker_of({"department": DEPT})
    a.update(_scores(FIRST, 20.0))
    b.update(events([(p, "activity", "", 24.0, np.nan) for p in range(N)], first_id=5_000))
    a.snapshot(day(25))
    b.snapshot(day(26))
    b.snapshot(day(27))
    return a, b


def test_merge_keeps_both_ledgers_commutatively():
    """A merge has the most releases of either and the same ledger whichever side merges."""
    a, b = _shards()
    ab, ba = a.merge(b), b.merge(a)
    assert ab.releases == ba.releases == max(a.releases, b.releases) == 2
    assert ab.ledger == ba.ledger
    assert ab == ba
    assert ab.ledger.last == max(a.ledger.last, b.ledger.last)


def test_merge_is_associative_and_an_empty_ledger_is_neutral():
    """(a + b) + c equals a + (b + c); merging a tracker that never released keeps the ledger."""
    a, b = _shards()
    c = tracker_of({"department": DEPT})
    c.update(_scores([6], 30.0, 2_000))
    assert a.merge(b).merge(c) == a.merge(b.merge(c))
    assert a.merge(c).ledger == a.ledger
    assert c.merge(a).ledger == a.ledger


def test_a_merged_ledger_survives_save_and_load():
    """The merge of two shards saves and loads to an equal tracker."""
    a, b = _shards()
    merged = a.merge(b)
    assert _load(_bytes(merged), merged) == merged


def test_a_merged_tracker_still_applies_the_change_rule():
    """After the merge, one more Sales pair is withheld: shard a's release of Sales is kept."""
    a, b = _shards()
    merged = b.merge(a)
    merged.update(_scores([6], 30.0, 3_000))
    assert _sales(merged.snapshot(day(35))) is None


# -- older and corrupted files --------------------------------------------------------------------


def _version_one(data: bytes) -> bytes:
    """The same state as a version-1 file: no ledger in the meta, no ledger members."""
    members = {k: v for k, v in _members(data).items() if not k.startswith("ledger_")}
    meta = _meta(data)
    meta["version"] = 1
    del meta["ledger"]
    members["meta.npy"] = _npy(np.array(json.dumps(meta)))
    return _archive(members)


def test_a_version_one_file_loads_with_no_releases():
    """A state file written before the ledger loads as a tracker that has released nothing."""
    tracker = _released()
    old = _load(_version_one(_bytes(tracker)), tracker)
    assert old.releases == 0
    assert old.ledger == Ledger()
    assert old.progress == tracker.progress
    # and it releases again from there, then saves as the current version
    old.snapshot(day(35))
    assert old.releases == 1
    assert _meta(_bytes(old))["version"] == VERSION


def _corrupt(member: str, change) -> bytes:
    data = _bytes(_released())
    members = _members(data)
    members[member] = _npy(change(_array(data, member)))
    return _archive(members)


def _meta_changed(change) -> bytes:
    data = _bytes(_released())
    members = _members(data)
    meta = _meta(data)
    change(meta)
    members["meta.npy"] = _npy(np.array(json.dumps(meta)))
    return _archive(members)


def _version_two_without_members(change) -> bytes:
    data = _bytes(_released())
    members = {k: v for k, v in _members(data).items() if not k.startswith("ledger_")}
    meta = _meta(data)
    change(meta)
    members["meta.npy"] = _npy(np.array(json.dumps(meta)))
    return _archive(members)


def _set(path, value):
    def change(meta):
        meta["ledger"][path] = value

    return change


@pytest.mark.parametrize(
    ("data", "names"),
    [
        pytest.param(
            lambda: _corrupt("ledger_participation_1_published.npy", lambda a: a + 10**9),
            ("ledger_participation_1_published", "at most the last release"),
            id="published-after-the-last-release",
        ),
        pytest.param(
            lambda: _corrupt("ledger_progress_1_published.npy", lambda a: np.full_like(a, -5)),
            ("ledger_progress_1_published", "-1"),
            id="published-before-never",
        ),
        pytest.param(
            lambda: _corrupt("ledger_rating_0_values.npy", lambda a: np.full_like(a, np.nan)),
            ("ledger_rating_0_values", "not finite"),
            id="values-nan",
        ),
        pytest.param(
            lambda: _corrupt("ledger_rating_1_values.npy", lambda a: a[:, :1]),
            ("ledger_rating_1_values", "shape"),
            id="values-shape",
        ),
        pytest.param(
            lambda: _corrupt("ledger_completion_0_bits.npy", lambda a: a.astype(np.int64)),
            ("ledger_completion_0_bits", "bytes of packed bits"),
            id="bits-dtype",
        ),
        pytest.param(
            lambda: _corrupt(
                "ledger_participation_0_bits.npy", lambda a: np.r_[a[:-1], np.uint8(255)]
            ),
            ("ledger_participation_0_bits", "past the last unit"),
            id="bits-past-the-end",
        ),
        pytest.param(
            lambda: _corrupt("ledger_progress_0_published.npy", lambda a: a.astype(np.float64)),
            ("ledger_progress_0_published", "int64"),
            id="published-dtype",
        ),
        pytest.param(
            lambda: _meta_changed(_set("releases", -1)),
            ("meta.ledger.releases",),
            id="releases-negative",
        ),
        pytest.param(
            lambda: _meta_changed(_set("releases", "2")),
            ("meta.ledger.releases",),
            id="releases-text",
        ),
        pytest.param(
            lambda: _meta_changed(_set("last", -2)), ("meta.ledger.last",), id="last-before-never"
        ),
        pytest.param(
            lambda: _meta_changed(_set("withheld", [10**6])),
            ("meta.ledger.withheld",),
            id="withheld-past-the-schedule",
        ),
        pytest.param(
            lambda: _version_two_without_members(_set("stored", "yes")),
            ("meta.ledger.stored",),
            id="stored-text",
        ),
        pytest.param(
            lambda: _meta_changed(lambda m: m["ledger"].pop("last")),
            ("meta.ledger",),
            id="meta-key-missing",
        ),
        pytest.param(
            lambda: _archive(
                {
                    k: v
                    for k, v in _members(_bytes(_released())).items()
                    if k != "ledger_rating_1_values.npy"
                }
            ),
            ("lacks", "ledger_rating_1_values"),
            id="member-missing",
        ),
        pytest.param(
            lambda: _meta_changed(_set("stored", False)),
            ("unexpected members", "ledger_"),
            id="members-not-declared",
        ),
    ],
)
def test_a_corrupted_ledger_is_refused_naming_the_file_and_the_member(data, names):
    """Each corrupted ledger member or meta field is a SchemaError naming the file and it."""
    like = _released()
    with pytest.raises(SchemaError) as info:
        Tracker.load(io.BytesIO(data()), like.program, like.schedule)
    text = str(info.value)
    assert "file" in text
    for name in names:
        assert name in text, (name, text)

"""The faster paths of ``Tracker.update`` against plain references.

``JourneyProgress`` allocates arrays of 4 MiB or more outside numpy's allocator, which asks the
kernel for huge pages (slow to fault in where the kernel compacts memory first). The values,
dtypes and shapes must be exactly those of ``np.full``, and copies, merges and states read back
must stay independent of the arrays they came from. Small schedules stay under the threshold, so
these tests lower it to 0 to send every array through the mmap path.

The check of repeated ids picks the rows holding a repeated key (small integer ids: sorted
with their rows; others: through a table of hash buckets before a binary search): it must
refuse exactly the rows a plain dict of each id's contents refuses. The active days, set by
one sorted pass over (row, day) keys, must equal ``bitwise_or.at`` event by event.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sparkus._memory as memory_module
import sparkus.model._event_check as event_check
from sparkus._memory import fresh, taken
from sparkus.model import EventTable, JourneyProgress, check_events
from sparkus.model._event_ids import conflicting_ids
from sparkus.model._progress import _BIT, _copy, _mark_days
from tests.model.test_event_reference import EVENTS, SCHEDULE


@pytest.mark.parametrize(
    ("dtype", "fill"),
    [(np.int64, np.iinfo(np.int64).max), (np.int64, np.iinfo(np.int64).min),
     (np.float64, -np.inf), (np.uint64, 0)],
)  # fmt: skip
@pytest.mark.parametrize("shape", [(0,), (1,), (7,), (3, 5), (600_000,)])
def test_fresh_equals_np_full(monkeypatch, dtype, fill, shape):
    # (600_000,) int64 is 4.6 MiB: the mmap path at the real threshold too
    for threshold in (memory_module.PLAIN_FROM, 0):
        monkeypatch.setattr(memory_module, "PLAIN_FROM", threshold)
        out = fresh(shape, dtype, fill)
        expected = np.full(shape, fill, dtype=dtype)
        assert out.dtype == expected.dtype
        assert out.shape == expected.shape
        assert out.flags.writeable
        assert out.flags.c_contiguous
        assert np.array_equal(out, expected)
        twin = _copy(out)
        assert np.array_equal(twin, out)
        assert not np.shares_memory(twin, out)


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.bool_])
def test_taken_columns_equal_numpys_in_plain_pages(monkeypatch, dtype):
    rng = np.random.default_rng(3)
    array = (rng.random((1_000, 6)) * 100).astype(dtype)
    columns = np.array([4, 0, 0, 5, 2], dtype=np.intp)
    for threshold in (memory_module.PLAIN_FROM, 0):
        monkeypatch.setattr(memory_module, "PLAIN_FROM", threshold)
        out = taken(array, columns)
        assert out.dtype == array.dtype
        assert out.flags.c_contiguous
        assert np.array_equal(out, array[:, columns])
        assert not np.shares_memory(out, array)
    with pytest.raises(IndexError, match="columns outside"):
        taken(array, np.array([0, 6]))


@pytest.mark.parametrize("whole", [False, True])
@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_plain_pages_are_private_to_a_forked_child(monkeypatch, whole):
    """A child forked after the allocation writes its own copy, as with numpy's own memory
    (a shared map would let a worker process change the parent's tracker state)."""
    monkeypatch.setattr(memory_module, "PLAIN_FROM", 0)
    out = fresh((1_000,), np.int64, 0, whole=whole)
    assert not out.flags.owndata  # the mmap path
    pid = os.fork()
    if pid == 0:  # the child
        out[:] = 7
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not out.any()


def _state(seed: int, size: int) -> JourneyProgress:
    rng = np.random.default_rng(seed)
    state = JourneyProgress(SCHEDULE)
    state.apply(check_events(SCHEDULE, EVENTS.take(rng.integers(0, len(EVENTS), size))))
    return state


@given(st.integers(0, 2**32 - 1), st.integers(0, 300))
@settings(max_examples=25, deadline=None)
def test_state_in_plain_pages_equals_numpys(seed, size):
    numpys = _state(seed, size)  # the test schedule is small: every array from np.full
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(memory_module, "PLAIN_FROM", 0)
        plain = _state(seed, size)
        assert all(not a.flags.owndata for a in plain.arrays().values())  # the mmap path
        assert plain == numpys
        for name, array in plain.arrays().items():
            mine = numpys.arrays()[name]
            assert array.dtype == mine.dtype, name
            assert array.shape == mine.shape, name
        # a copy, a merge and a state read back share no memory with their sources
        copied = plain.copy()
        merged = plain.merge(numpys)
        read = JourneyProgress.from_arrays(SCHEDULE, plain.arrays())
        for other in (copied, merged, read):
            assert other == numpys
            for name, array in other.arrays().items():
                assert not np.shares_memory(array, plain.arrays()[name]), name
        copied.active[...] = 0
        assert plain == numpys


def _dict_conflicts(ids, content):
    """The rows whose id appears with two different contents, by a plain dict."""
    seen: dict[int, set[int]] = {}
    for i, c in zip(ids.tolist(), content.tolist(), strict=True):
        seen.setdefault(i, set()).add(c)
    return np.array([len(seen[i]) > 1 for i in ids.tolist()])


@given(
    st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=20),
    st.integers(0, 2**32 - 1),
    st.integers(2, 3000),
    st.integers(1, 3000),
)
@settings(max_examples=60, deadline=None)
def test_conflicting_ids_equal_a_dict_of_contents(pool, seed, size, spread):
    # ids drawn from a pool (edge values and `spread` random 64-bit ones: few or many repeated
    # keys, so small and large bucket tables), contents from two values: the rows refused are
    # those whose id appears with two different contents (a plain dict)
    rng = np.random.default_rng(seed)
    drawn = rng.integers(-(2**63), 2**63 - 1, spread, dtype=np.int64, endpoint=True)
    pool = np.concatenate([np.array(pool, dtype=np.int64), drawn])
    ids = pool[rng.integers(0, len(pool), size)]
    content = rng.integers(0, 2, size) * rng.integers(0, 2, size)
    expected = _dict_conflicts(ids, content)
    assert np.array_equal(conflicting_ids(ids, (content,)), expected)
    text = ids.astype(str)
    assert np.array_equal(conflicting_ids(text, (content,)), expected)


def test_a_saved_score_past_the_events_limit_is_refused_on_load():
    """Events refuse scores beyond ±1e12 (a snapshot's protection overflowed past them); a
    saved state edited to hold one is refused on load too, as other values no event leaves."""
    from sparkus import SchemaError
    from sparkus.model import EventTable
    from tests.model.event_data import DAY
    from tests.model.event_data import SCHEDULE as TWO

    table = EventTable.from_records([{"id": "s1", "participant": "a", "kind": "step_completed",
                                      "time": DAY, "step": "self-assessment", "value": 3.5}])  # fmt: skip
    state = JourneyProgress(TWO)
    state.apply(check_events(TWO, table))
    arrays = state.arrays()
    assert JourneyProgress.from_arrays(TWO, arrays) == state
    arrays["score"] = np.where(np.isfinite(arrays["score"]), 1e100, arrays["score"])
    with pytest.raises(SchemaError, match=r"score: holds values outside -1e\+12 to 1e\+12"):
        JourneyProgress.from_arrays(TWO, arrays)


@given(st.integers(0, 2**32 - 1), st.integers(2, 3000), st.integers(1, 62))
@settings(max_examples=60, deadline=None)
def test_small_integer_ids_find_the_same_conflicts(seed, size, bits):
    # ids below 2 ** bits: where they leave room for the row beside the key (one sort of both)
    # and where they do not (the general path), the rows refused are a plain dict's
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, 2**bits, min(size, 2**bits), dtype=np.int64)
    ids = ids[rng.integers(0, len(ids), size)]
    content = rng.integers(0, 2, size) * rng.integers(0, 2, size)
    expected = _dict_conflicts(ids, content)
    assert np.array_equal(conflicting_ids(ids, (content,)), expected)
    assert np.array_equal(conflicting_ids(ids.astype(str), (content,)), expected)


@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 200)), max_size=80),
    st.integers(1, 4),
    st.integers(0, 2**32 - 1),
)
@settings(max_examples=100, deadline=None)
def test_marked_days_equal_bitwise_or_at(marks, words, seed):
    # rows and days repeated within a batch and across its kinds: the words or'ed once each
    rng = np.random.default_rng(seed)
    start = rng.integers(0, 2**63, 6 * words, dtype=np.uint64, endpoint=False)
    days = np.array([d % (64 * words) for _, d in marks], dtype=np.int64)
    rows = np.array([r for r, _ in marks], dtype=np.int64)
    expected = start.copy()
    np.bitwise_or.at(expected, rows * words + (days >> 6), _BIT[days & 63])
    state = start.copy()
    cut = len(marks) // 2  # two kinds' events
    times = (days + 3) * 86_400 + 7
    _mark_days(state, [(rows[:cut], times[:cut]), (rows[cut:], times[cut:])], words, 3)
    np.testing.assert_array_equal(state, expected)


_EDGE_VALUES = [np.nan, np.inf, -np.inf, 0.0, -0.0, 10.0, 10.5, -0.1, 7.0, 3660.0, 3660.5,
                -3661.0, 1e12, -1e12, 1.5e12, 2e308 / 2]  # fmt: skip


@given(st.integers(0, 2**32 - 1), st.integers(1, 200), st.integers(-1, 5),
       st.sampled_from(_EDGE_VALUES))  # fmt: skip
@settings(max_examples=150, deadline=None)
def test_values_that_fit_skip_no_refusal(seed, size, odd_kind, odd_value):
    # kinds (some not a kind), steps (some unknown, some not scored) and values at the rules'
    # edges: the check that clears a batch in one pass refuses exactly what the rules refuse
    rng = np.random.default_rng(seed)
    table = EVENTS.take(rng.integers(0, len(EVENTS), size))
    kinds = rng.integers(-1, 6, size).astype(np.int8)
    steps = np.where(rng.random(size) < 0.1, rng.integers(-1, 40, size), table.step)
    values = np.array(_EDGE_VALUES)[rng.integers(0, len(_EDGE_VALUES), size)]
    if rng.random() < 0.7:  # usual values (no score), but for one event an edge value
        values = np.where(np.isin(kinds, [0, 1, 2, 5]), np.nan, rng.random(size) * 9)
        odd = rng.integers(0, size)
        kinds[odd], values[odd] = odd_kind, odd_value
    batch = EventTable(table.id, table.participant, kinds, table.time, table.time_flag,
                       steps, values)  # fmt: skip
    fast = check_events(SCHEDULE, batch)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(event_check, "_values_fit", lambda *_: False)
        slow = check_events(SCHEDULE, batch)
    assert [(r.row, r.reasons) for r in fast.rejected] == [(r.row, r.reasons)
                                                            for r in slow.rejected]  # fmt: skip
    assert fast.accepted == slow.accepted

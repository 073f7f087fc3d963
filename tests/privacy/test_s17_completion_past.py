"""The ledger keeps every release of a completion cell, saved, loaded and merged with it."""

from __future__ import annotations

import io
import json

import numpy as np

from sparkus.metrics import Tracker
from tests.privacy.completion_attack import organisation
from tests.privacy.test_s15_backdated import _npy, _rewritten
from tests.privacy.world import day, events


def _released(seed):
    """The random organisation `seed` of the red team, after all its releases."""
    tracker, batches, _ = organisation(seed)
    first = 0
    for rows, d in batches:
        if rows:
            tracker.update(events(rows, first_id=first))
            first += len(rows)
        tracker.snapshot(day(d))
    return tracker


def _held(tracker):
    """How many earlier releases of completion cells the ledger holds."""
    return sum(int((r.published >= 0).sum()) for layers in tracker.ledger.past["completion"]
               for r in layers)  # fmt: skip


def test_every_release_of_a_completion_cell_survives_a_saved_state():
    """A cell published in three releases keeps the first two, through save and load."""
    tracker = _released(16)  # four releases, the total and most groups shown in several
    assert _held(tracker) > 0
    buffer = io.BytesIO()
    tracker.save(buffer)
    buffer.seek(0)
    loaded = Tracker.load(buffer, tracker.program, tracker.schedule)
    assert loaded.ledger == tracker.ledger
    assert _held(loaded) == _held(tracker)
    assert loaded.merge(tracker).ledger == tracker.ledger


def test_a_version_5_file_loads_without_earlier_releases():
    """A file written before version 6 keeps no earlier releases, and reads as none."""
    tracker = _released(16)

    def version_5(members):
        meta = json.loads(str(np.load(io.BytesIO(members["meta.npy"]))))
        del meta["ledger"]["past"]
        members["meta.npy"] = _npy(np.array(json.dumps({**meta, "version": 5})))
        for name in [m for m in members if m.startswith("ledger_past_")]:
            del members[name]

    loaded = _rewritten(tracker, version_5)
    assert _held(loaded) == 0
    assert loaded.ledger.parts["completion"][0].same(tracker.ledger.parts["completion"][0])

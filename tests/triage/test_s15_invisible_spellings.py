"""Group labels that differ only by an invisible format character are one group two ways.

A zero-width space or a byte-order mark copied from a web page or a spreadsheet leaves a label
that prints like another: the fairness audit kept ``"F"`` and ``"F\\u200b"`` as two groups
(and flagged one of them against the other). The shared rule (``sparkus._labels``) now leaves
Unicode category Cf out when it compares spellings, as the rule for field values does.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.triage import audit


@pytest.mark.parametrize("twin", ["F\u200b", "\ufeffF", "F\u00ad"],
                         ids=["zero-width-space", "byte-order-mark", "soft-hyphen"])  # fmt: skip
def test_a_label_with_an_invisible_character_is_the_same_group_written_twice(twin):
    selected = np.r_[np.ones(20, dtype=bool), np.zeros(20, dtype=bool)]
    with pytest.raises(SchemaError, match="invisible characters"):
        audit(selected, ["F"] * 20 + [twin] * 20)
    assert audit(selected, ["F"] * 20 + ["M"] * 20).reference_group == "F"

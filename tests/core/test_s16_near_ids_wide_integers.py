"""The id hint passes over an integer beyond 64 bits instead of failing to write it out.

``near_ids`` wrote an integer reference (and, for stable matching, an integer id) out as text
to compare it with the ids: ``10**5000`` raised Python's ``ValueError`` (more than 4,300
digits) from inside a refusal. Such an integer spells no id: it gets no hint, and an integer
id beyond 64 bits is passed over while the others are still named.
"""

from __future__ import annotations

import pytest

from sparkus._ids import near_ids


@pytest.mark.parametrize("wide", [10**5000, -(10**5000)], ids=["10**5000", "-10**5000"])
def test_an_integer_beyond_64_bits_gets_no_hint_and_is_passed_over_among_the_ids(
    wide: int,
) -> None:
    """A wide reference has no hint; a wide id does not stop the hint naming the others."""
    assert near_ids(["a", "12"], [wide, 12, "A"]) == ["", "; did you mean '12'?",
                                                      "; did you mean 'a'?"]  # fmt: skip
    assert near_ids([wide, 12], ["012"]) == ["; did you mean 12?"]

"""Half of a UTF-16 surrogate pair in a record's text: a typed error, never a bare one.

Records built in Python may hold ``"\\ud800"``; ``to_json`` wrote it into a str that cannot be
encoded as UTF-8 (a UnicodeEncodeError for whoever saves it) and that ``from_json`` refuses;
``schedule_journeys`` raised a bare UnicodeEncodeError for such a template name; and an error
naming a key that holds one could not itself be printed.
"""

import pytest

from sparkus import SchemaError
from sparkus.model import (
    JourneyTemplate,
    Level,
    Participant,
    Step,
    StepKind,
    from_json,
    to_json,
)


@pytest.mark.parametrize(
    ("given", "where"),
    [
        ({"manager_id": "b\ud800"}, ["manager_id"]),
        ({"team": "\udfff"}, ["team"]),
        ({"attributes": {"site": "Oslo\udc00"}}, ["attributes.site"]),
        ({"attributes": {"k\ud800": "v\udc00"}}, ["attributes.k\\ud800"] * 2),
    ],
)
def test_text_utf8_cannot_carry_is_refused_at_its_path(
    given: dict[str, object], where: list[str]
) -> None:
    """The record names the field, as from_json would (since s9h at construction, not to_json)."""
    fields: dict[str, object] = {"department": "Sales", **given}
    with pytest.raises(SchemaError, match="surrogate pair") as error:
        Participant("a", Level.MANAGER, tenure_years=1.0, **fields)  # type: ignore[arg-type]
    assert [p.location for p in error.value.problems] == where
    str(error.value).encode("utf-8")  # the message itself can be printed and logged


def test_a_key_with_half_a_pair_is_shown_escaped_below_it_too() -> None:
    """Reading JSON, the value under such a key has the key escaped in its path."""
    text = (
        '{"id": "a", "level": "manager", "department": "S", "tenure_years": 1,'
        ' "attributes": {"k\\udc00": "v\\ud800"}}'
    )
    with pytest.raises(SchemaError) as error:
        from_json(text, Participant)
    assert [p.location for p in error.value.problems] == ["attributes.k\\udc00"] * 2
    str(error.value).encode("utf-8")


def test_non_ascii_text_is_still_written() -> None:
    """Text beyond ASCII, astral characters too, is written and read back."""
    person = Participant("Z\u00fcrich \U0001f600", Level.MANAGER, "\u55b6\u696d", 1.0)
    assert from_json(to_json(person), Participant) == person


def test_a_template_whose_name_holds_half_a_pair_is_refused_by_name() -> None:
    """No bare UnicodeEncodeError from a schedule's fingerprint: the template refuses the name."""
    with pytest.raises(SchemaError, match="surrogate pair") as error:
        JourneyTemplate("pilot\ud800", (Step("kickoff", StepKind.KICKOFF_WEBINAR, 0),), 10)
    assert [p.location for p in error.value.problems] == ["name"]

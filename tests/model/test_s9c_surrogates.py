"""Half of a UTF-16 surrogate pair in a record's text: a typed error, never a bare one.

Records built in Python may hold ``"\\ud800"``; ``to_json`` wrote it into a str that cannot be
encoded as UTF-8 (a UnicodeEncodeError for whoever saves it) and that ``from_json`` refuses;
``schedule_journeys`` raised a bare UnicodeEncodeError for such a template name; and an error
naming a key that holds one could not itself be printed.
"""

import datetime as dt

import pytest

from sparkus import SchemaError
from sparkus.model import (
    JourneyTemplate,
    Level,
    Participant,
    Step,
    StepKind,
    from_json,
    schedule_journeys,
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
def test_to_json_refuses_text_utf8_cannot_carry_at_its_path(
    given: dict[str, object], where: list[str]
) -> None:
    """to_json names the field, as from_json would, instead of writing unencodable text."""
    fields: dict[str, object] = {"department": "Sales", **given}
    person = Participant("a", Level.MANAGER, tenure_years=1.0, **fields)  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="surrogate pair") as error:
        to_json(person)
    assert [p.location for p in error.value.problems] == where
    str(error.value).encode("utf-8")  # the message itself can be printed and logged


def test_a_key_with_half_a_pair_is_shown_escaped_below_it_too() -> None:
    """Reading JSON, the value under such a key has the key escaped in its path."""
    text = '{"id": "a", "attributes": {"k\\udc00": "v\\ud800"}}'
    with pytest.raises(SchemaError) as error:
        from_json(text, Participant)
    assert [p.location for p in error.value.problems] == ["attributes.k\\udc00"] * 2
    str(error.value).encode("utf-8")


def test_non_ascii_text_is_still_written() -> None:
    """Text beyond ASCII, astral characters too, is written and read back."""
    person = Participant("Z\u00fcrich \U0001f600", Level.MANAGER, "\u55b6\u696d", 1.0)
    assert from_json(to_json(person), Participant) == person


def test_a_schedule_takes_a_template_whose_name_holds_half_a_pair() -> None:
    """The template's fingerprint no longer raises a bare UnicodeEncodeError."""
    template = JourneyTemplate("pilot\ud800", (Step("kickoff", StepKind.KICKOFF_WEBINAR, 0),), 10)
    start = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    schedule = schedule_journeys(template, ["a"], start=start, support=[None])
    assert len(schedule.ids) == 1

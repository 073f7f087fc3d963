"""An attribute integer past the float range, beside floats: refused on every JSON path.

A record refuses an attribute integer no float can hold (``10**309``: "too large; expected a
number"). msgspec's typed decoder (the optional ``json`` extra) takes an integer of any size
where the fast path of from_json declares ``int``, and its path did not check the attribute
values the plain path checks: a column of floats with one such integer was read, a document
the detailed pass refuses.
"""

import json

import pytest

from sparkus.datasets import synthetic_org
from sparkus.model import Population, ProgramDocument, unstructure
from sparkus.model._fast_json import fast_document
from sparkus.model._serialize import _structure
from tests.model.test_fast_json import assert_same, parser
from tests.model.test_population_json import by_records, outcome
from tests.model.test_stream_json import streamed

_ORG = synthetic_org(20, seed=1)
_DATA = unstructure(ProgramDocument(_ORG.program, tuple(_ORG.population.to_records())))


@pytest.mark.parametrize("token", ["1" + "0" * 309, "-" + "1" * 400, str(2**1024)])
def test_an_attribute_integer_no_float_holds_is_refused_by_every_path(token: str) -> None:
    """A float column with one integer past the float range: refused as the detailed pass does."""
    text = json.dumps(_DATA).replace('"self_motivation": 4.0', f'"self_motivation": {token}', 1)
    assert token in text
    kind, problems = outcome(by_records, text)
    assert kind == "refused"
    assert [location for location, _ in problems] == ["participants[0].attributes.self_motivation"]
    for name in ("json", "msgspec"):  # with msgspec's typed decoder, and without it
        with parser(name):
            assert fast_document(text, _structure) is None
            assert_same(text)  # from_json reports what the detailed pass reports
            assert outcome(Population.from_json, text) == (kind, problems)
            assert streamed(text, 300) is None

"""A department or team written in two Unicode forms is one label, refused on every path.

``"Salés"`` with a composed accent and with a combining one look alike, yet a population read
from columns or from JSON kept them as two departments, shown as two groups of one name;
``from_frame`` refused them (as spellings of one label) and ids in two forms were refused
already. Every reader of a population now refuses them, naming both.
"""

from __future__ import annotations

import json

import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.model import Population, ProgramDocument, to_json
from sparkus.model._serialize import _structure
from sparkus.model._stream_json import stream_population
from tests.model.test_fast_json import parser
from tests.model.test_population_json import by_records, outcome

COMPOSED, DECOMPOSED = "Sal\u00e9s", "Sale\u0301s"


@pytest.mark.parametrize("column", ["department", "team"])
def test_columns_in_two_forms_are_refused_naming_both(column: str) -> None:
    cols = {"id": ["a", "b", "c"], "level": ["manager"] * 3, "department": ["Ops"] * 3,
            "tenure_years": [1.0, 2.0, 3.0], "team": ["t"] * 3}  # fmt: skip
    cols[column] = [COMPOSED, DECOMPOSED, "Ops"]
    with pytest.raises(SchemaError, match="one label in two Unicode forms") as caught:
        Population.from_columns(cols)
    assert [p.path for p in caught.value.problems] == [("participants", 0, column)]
    cols[column] = [COMPOSED, COMPOSED, "Ops"]  # one form: one label
    assert Population.from_columns(cols).schema[column].categories == ("Ops", COMPOSED)


def test_json_in_two_forms_is_refused_alike_by_every_path() -> None:
    org = synthetic_org(40, seed=2)
    document = ProgramDocument(org.program, tuple(org.population.to_records()), org.providers)
    data = json.loads(to_json(document))
    first = data["participants"][0]["department"]
    others = [i for i, p in enumerate(data["participants"]) if p["department"] == first]
    data["participants"][others[0]]["department"] = COMPOSED
    data["participants"][others[1]]["department"] = DECOMPOSED
    text = json.dumps(data)
    expected = outcome(by_records, text)
    assert expected[0] == "refused"
    assert "one label in two Unicode forms" in expected[1][0][1]
    for name in ("json", "msgspec"):
        with parser(name):
            assert outcome(Population.from_json, text) == expected
            assert stream_population(text, _structure, {}) is None  # left to the detailed pass

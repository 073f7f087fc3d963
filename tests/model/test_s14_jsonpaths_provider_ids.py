"""A provider id holding a NUL character: refused, alike by every path.

A provider's id and employee id took any one-line text, NUL included, where a participant's
refused it (numpy text arrays drop a trailing NUL, so ``"C1\\x00"`` and ``"C1"`` become one).
msgspec's path of from_json checked them by the participants' rule, so with msgspec installed it
left such a document to the detailed pass while the streaming reader read it. Ids of every
record now refuse a NUL, and every path says so with the same problems.
"""

import json

import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.model import ProgramDocument, unstructure
from sparkus.model._fast_json import fast_document
from sparkus.model._serialize import _structure
from tests.model.test_fast_json import assert_same, detailed, parser
from tests.model.test_stream_json import streamed

_ORG = synthetic_org(20, seed=1)
_DATA = unstructure(
    ProgramDocument(_ORG.program, tuple(_ORG.population.to_records()), _ORG.providers)
)


@pytest.mark.parametrize(
    ("field", "value"), [("id", "\x00C1"), ("id", "C\x001"), ("employee_id", "E\x00")]
)
def test_a_provider_text_with_a_nul_is_refused_alike_by_every_path(field: str, value: str) -> None:
    """Refused by the detailed pass at the field, and by both fast paths, msgspec or not."""
    data = json.loads(json.dumps(_DATA))
    data["providers"][1][field] = value
    text = json.dumps(data)
    with pytest.raises(SchemaError, match="NUL") as caught:
        detailed(text)
    assert [p.path for p in caught.value.problems] == [("providers", 1, field)]
    for name in ("json", "msgspec"):
        with parser(name):
            assert fast_document(text, _structure) is None
            assert streamed(text, 300) is None
            assert_same(text)

"""A byte-order mark reads alike from bytes and from text.

``from_json`` and ``Population.from_json`` dropped a BOM from UTF-8 bytes but refused the very
same document as text (``"\\ufeff{...}"``, what ``open(path, encoding="utf-8").read()`` gives),
because ``json.loads`` refuses a BOM in text. One BOM is now dropped from both; a second is
refused from both.
"""

import json
from typing import Any

import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.model import Participant, Population, ProgramDocument, from_json, to_json
from tests.model.test_fast_json import parser


def _outcome(read: Any, text: str | bytes) -> Any:
    try:
        return "read", read(text)
    except SchemaError as error:
        return "refused", [(p.location, p.message) for p in error.problems]


PERSON = json.dumps({"id": "e1", "level": "manager", "department": "S", "tenure_years": 2})
_ORG = synthetic_org(20, seed=1)
DOCUMENT = to_json(
    ProgramDocument(_ORG.program, tuple(_ORG.population.to_records()), _ORG.providers)
)
READERS = {
    "participant": lambda t: from_json(t, Participant),
    "document": lambda t: to_json(from_json(t, ProgramDocument)),
    "population": Population.from_json,
}


@pytest.mark.parametrize("name", ["json", "msgspec"])
@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("marks", [1, 2])
def test_a_byte_order_mark_reads_alike_from_bytes_and_from_text(
    name: str, reader: str, marks: int
) -> None:
    """One BOM is dropped, two are refused, whether the document is bytes or text."""
    text = "\ufeff" * marks + (PERSON if reader == "participant" else DOCUMENT)
    read = READERS[reader]
    with parser(name):
        as_text, as_bytes = _outcome(read, text), _outcome(read, text.encode("utf-8"))
    assert as_text == as_bytes
    assert as_text[0] == ("read" if marks == 1 else "refused")

"""Benchmark of JSON in and out of a ``ProgramDocument``, the machinery of run.py.

Usage: ``python benchmarks/bench_json.py [--quick] [--repeats N] [--only NAME] [--no-check]``.

The document is the synthetic organisation's, as the figures of issue 16 were measured:
``ProgramDocument(org.program, org.population.to_records(), org.providers)`` for
``synthetic_org(10_000, seed=0)``, written by ``to_json`` (5.8 MB). Each case times one side
against one peer on the same text, interleaved, each repeat in a fresh child:

- ``from_json(text, ProgramDocument)`` (every record checked, every problem reported with
  its path) against ``json.loads`` of the same text (no checks at all: the floor), against
  pydantic v2 (``TypeAdapter.validate_json`` of an equivalent model of the participants, with
  the same field rules: types, bounds, enums, no unknown field) and against msgspec
  (``msgspec.json.decode`` into the same model as ``msgspec.Struct`` classes);
- ``to_json(document)`` against ``json.dumps`` of the equivalent plain data, with the options
  ``to_json`` uses.

Every side is warmed before its timing (its models built, one call made): a server reads
many documents with the same readers. The program, providers and assessments are few; the peers' models read them as plain objects.
pydantic and msgspec are benchmark peers only (``nox -s bench`` installs them), never sparkus
dependencies. msgspec is also sparkus's optional ``fast`` extra: where it is installed (as in
``nox -s bench``), ``Population.from_json`` parses the chunks of its participants with it.
The untimed check reads the text with every side and compares the participants.
"""

# No `from __future__ import annotations`: the peers read the models' annotations at run time.

import json
import sys
from typing import Any

from _harness import Case, Params, Work, main

FULL: Params = {"n": 10_000}
QUICK: Params = {"n": 1_000}
JSON_OPTIONS: dict[str, Any] = {"allow_nan": False, "ensure_ascii": False}  # as sparkus.to_json


# -- in the children ---------------------------------------------------------------------------


def _document(n: int) -> Any:
    from sparkus.datasets import synthetic_org
    from sparkus.model import ProgramDocument

    org = synthetic_org(n, seed=0)
    return ProgramDocument(org.program, tuple(org.population.to_records()), org.providers)


def _text(params: Params) -> str:
    from sparkus.model import to_json

    text: str = to_json(_document(params["n"]))
    return text


def _from_json(params: Params) -> Work:
    from sparkus.model import ProgramDocument, from_json

    text = _text(params)
    from_json(text, ProgramDocument)  # warm: the readers of the few other records are built once
    return lambda: from_json(text, ProgramDocument)


def _from_json_stdlib(params: Params) -> Work:
    """from_json with msgspec hidden: the standard library's parser, no optional extra."""
    sys.modules["msgspec"] = None  # type: ignore[assignment]  # import msgspec: ImportError
    return _from_json(params)


def _loads(params: Params) -> Work:
    text = _text(params)
    return lambda: json.loads(text)


def _pydantic_model() -> Any:
    from typing import Annotated, Literal

    from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

    from sparkus.model import Goal, Level

    ident = Annotated[str, Field(pattern=r"^\S(?:[^\n\r]*\S)?$")]
    language = Annotated[str, Field(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")]
    forbid = ConfigDict(extra="forbid", allow_inf_nan=False)

    class Person(BaseModel):
        model_config = forbid
        id: ident
        level: Level
        department: ident
        tenure_years: Annotated[float, Field(ge=0)]
        manager_id: ident | None = None
        team: ident | None = None
        utc_offset: Annotated[float, Field(ge=-12, le=14)] = 0.0
        languages: tuple[language, ...] = ()
        focus_goals: tuple[Goal, ...] = ()
        attributes: dict[ident, str | bool | int | float] = {}

    class Document(BaseModel):
        model_config = forbid
        program: dict[str, Any]
        participants: list[Person] = []
        providers: list[dict[str, Any]] = []
        assessments: list[dict[str, Any]] = []
        schema_version: Literal[1] = 1

    return TypeAdapter(Document)


def _pydantic(params: Params) -> Work:
    adapter = _pydantic_model()
    text = _text(params)
    return lambda: adapter.validate_json(text)


def _msgspec_type() -> Any:
    from typing import Annotated, Any, Literal

    import msgspec

    from sparkus.model import Goal, Level

    ident = Annotated[str, msgspec.Meta(pattern=r"^\S(?:[^\n\r]*\S)?$")]
    language = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")]

    class Person(msgspec.Struct, forbid_unknown_fields=True):
        id: ident
        level: Level
        department: ident
        tenure_years: Annotated[float, msgspec.Meta(ge=0)]
        manager_id: ident | None = None
        team: ident | None = None
        utc_offset: Annotated[float, msgspec.Meta(ge=-12, le=14)] = 0.0
        languages: tuple[language, ...] = ()
        focus_goals: tuple[Goal, ...] = ()
        attributes: dict[ident, str | bool | int | float] = {}

    class Document(msgspec.Struct, forbid_unknown_fields=True):
        program: dict[str, Any]
        participants: list[Person] = []
        providers: list[dict[str, Any]] = []
        assessments: list[dict[str, Any]] = []
        schema_version: Literal[1] = 1

    return Document


def _msgspec(params: Params) -> Work:
    import msgspec

    decoder = msgspec.json.Decoder(_msgspec_type())
    text = _text(params).encode("utf-8")  # msgspec reads bytes; from_json takes either
    return lambda: decoder.decode(text)


def _to_json(params: Params) -> Work:
    from sparkus.model import to_json

    document = _document(params["n"])
    to_json(document)  # warm, as every peer is: their models are built before the timing
    return lambda: to_json(document)


def _dumps(params: Params) -> Work:
    from sparkus.model import unstructure

    data = unstructure(_document(params["n"]))
    return lambda: json.dumps(data, **JSON_OPTIONS)


def check(params: Params) -> dict[str, Any]:
    """Every side reads the same participants from the same text; to_json writes it back.

    A peer that is not installed is left out of the check (its own case is skipped), so the
    floor's case runs without the validators.
    """
    from sparkus.model import ProgramDocument, from_json, to_json, unstructure

    text = _text(params)
    document = from_json(text, ProgramDocument)
    plain = json.loads(text)
    people = plain["participants"]
    ours = unstructure(document)["participants"]
    same = {"json.loads": ours == people, "to_json": to_json(document) == text}
    try:
        model = _pydantic_model()
        same["pydantic"] = (
            json.loads(model.dump_json(model.validate_json(text)))["participants"] == people
        )
    except ModuleNotFoundError:
        pass
    try:
        import msgspec

        decoded = msgspec.json.decode(text, type=_msgspec_type())
        same["msgspec"] = json.loads(msgspec.json.encode(decoded))["participants"] == people
    except ModuleNotFoundError:
        pass
    if not all(same.values()):
        msg = f"the sides disagree on the participants: {same}"
        raise AssertionError(msg)
    return {"participants": len(people), "text_mb": round(len(text.encode()) / 1e6, 2), **same}


POPULATION_FULL: Params = {"n": 1_000_000}
POPULATION_QUICK: Params = {"n": 2_000}


def _write_document(params: Params) -> None:
    """The synthetic organisation's document, written once to the run's folder."""
    from pathlib import Path

    Path(params["workdir"], "document.json").write_text(_text(params), encoding="utf-8")


def _read_document(params: Params) -> str:
    from pathlib import Path

    return Path(params["workdir"], "document.json").read_text(encoding="utf-8")


def _population(params: Params) -> Work:
    from sparkus.model import Population

    text = _read_document(params)
    return lambda: Population.from_json(text)


def _population_loads(params: Params) -> Work:
    text = _read_document(params)
    return lambda: json.loads(text)


def check_population(params: Params) -> dict[str, Any]:
    """The columnar path reads the ids, levels and attributes json.loads reads."""
    from sparkus.model import Population

    text = _read_document(params)
    population = Population.from_json(text)
    people = json.loads(text)["participants"]
    same = {
        "ids": population.ids.tolist() == [p["id"] for p in people],
        "levels": population.decode("level").tolist() == [p["level"] for p in people],
        "attributes": all(
            population.decode(name).tolist() == [p["attributes"][name] for p in people]
            for name in population.attributes
        ),
    }
    if not all(same.values()):
        msg = f"the columns disagree with json.loads: {same}"
        raise AssertionError(msg)
    return {"participants": len(people), "text_mb": round(len(text.encode()) / 1e6, 1), **same}


CASES = [
    Case("from_json_vs_loads", "from_json(text, ProgramDocument), {n:_} participants",
         _from_json, _loads, "json.loads of the same text (floor)", FULL, QUICK, target=1.5,
         check=check),
    Case("from_json_stdlib_vs_loads",
         "from_json(text, ProgramDocument), {n:_} participants, without msgspec",
         _from_json_stdlib, _loads, "json.loads of the same text (floor)", FULL, QUICK,
         target=1.5),
    Case("from_json_vs_pydantic", "from_json(text, ProgramDocument), {n:_} participants",
         _from_json, _pydantic, "pydantic v2 TypeAdapter.validate_json", FULL, QUICK),
    Case("from_json_vs_msgspec", "from_json(text, ProgramDocument), {n:_} participants",
         _from_json, _msgspec, "msgspec.json.decode into Structs", FULL, QUICK),
    Case("population_from_json_vs_loads",
         "Population.from_json(text), {n:_} participants", _population, _population_loads,
         "json.loads of the same text (floor)", POPULATION_FULL, POPULATION_QUICK, repeats=1,
         target=2.0, prepare=_write_document, check=check_population),
    Case("to_json_vs_dumps", "to_json(document), {n:_} participants", _to_json, _dumps,
         "json.dumps of the same plain data", FULL, QUICK, target=1.5),
]  # fmt: skip

if __name__ == "__main__":
    sys.exit(main(CASES, title="sparkus JSON benchmark", doc=__doc__, script=__file__))

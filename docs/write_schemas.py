"""Write the JSON Schema files of sparkus' documents into ``docs/_static/schema/``.

Run ``nox -s schemas`` (or ``python docs/write_schemas.py``) after changing a record, an enum or
the dashboard: the files are generated from the code, never edited by hand, and
``tests/model/test_schema_files.py`` fails while they differ from what the code generates.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "_static" / "schema"


def records() -> tuple[type[Any], ...]:
    """The records :func:`sparkus.model.to_json` writes, in the order the docs list them."""
    from sparkus.model import (
        Assessment,
        CostModel,
        Event,
        Journey,
        JourneyTemplate,
        Participant,
        Program,
        ProgramDocument,
        Provider,
        Step,
    )

    return (ProgramDocument, Program, CostModel, JourneyTemplate, Step, Participant, Provider,
            Assessment, Journey, Event)  # fmt: skip


def schemas() -> dict[str, str]:
    """File name -> text of every schema file, as the code generates them."""
    from sparkus.metrics import dashboard_schema
    from sparkus.model import json_schema

    found = [json_schema(cls) for cls in records()] + [dashboard_schema()]
    return {
        schema["$id"].rsplit("/", 1)[1]: json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        for schema in found
    }


def main() -> int:
    """Write every file; say which changed."""
    HERE.mkdir(parents=True, exist_ok=True)
    for name, text in schemas().items():
        path = HERE / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The door table of ``sparkus run``: a bad program file exits with 2 naming the file and the key;
a bad export exits with 3 naming the file and its column."""

from __future__ import annotations

from importlib import resources

from .table import Door, command


def _example(name: str) -> str:
    return (resources.files("sparkus.cli") / "example" / name).read_text(encoding="utf-8")


PROGRAM = _example("program.toml")
EXPORT = _example("messy_export.csv")
PROVIDERS = _example("providers.json")


def _files(program: str = PROGRAM, export: str = EXPORT) -> dict[str, str]:
    return {"program.toml": program, "messy_export.csv": export, "providers.json": PROVIDERS}


RUN = Door(
    "sparkus run",
    (
        command("nothing to run", ["run"], 2, "give the program file"),
        command("program file and --example", ["run", "p.toml", "--example", "d"], 2, "not both"),
        command("no such program file", ["run", "nope.toml"], 2, "nope.toml: no such file"),
        command("program file is a folder", ["run", "d"], 2, "d: is a folder", files={"d/x": ""}),
        command(
            "not TOML",
            ["run", "p.toml"],
            2,
            "p.toml: not valid TOML",
            "line 1",
            files={"p.toml": "[program\n"},
        ),
        command(
            "required keys missing",
            ["run", "p.toml"],
            2,
            "p.toml, at costs: missing",
            "p.toml, at export: missing",
            files={"p.toml": "[program]\n"},
        ),
        command(
            "unknown goal",
            ["run", "program.toml"],
            2,
            "program.toml, at program.goals[0]",
            "growth",
            files=_files(PROGRAM.replace('["leadership_development"]', '["growth"]')),
        ),
        command(
            "negative budget",
            ["run", "program.toml"],
            2,
            "program.toml, at program.budget",
            files=_files(PROGRAM.replace("budget = 40_000", "budget = -1")),
        ),
        command(
            "unknown support type in costs",
            ["run", "program.toml"],
            2,
            "program.toml, at costs.session_cost",
            "yoga",
            files=_files(PROGRAM.replace("coaching = 250,", "yoga = 5, coaching = 250,", 1)),
        ),
        command(
            "export column that does not exist",
            ["run", "program.toml"],
            2,
            "program.toml, at export.columns.site",
            "'Location'",
            files=_files(PROGRAM.replace('site = "Site"', 'site = "Location"')),
        ),
        command(
            "missing policy unknown",
            ["run", "program.toml"],
            2,
            "program.toml, at export.missing",
            "'maybe'",
            files=_files(PROGRAM.replace('self_motivation = "carry"', 'self_motivation = "maybe"')),
        ),
        command(
            "export file missing",
            ["run", "program.toml"],
            3,
            "messy_export.csv: no such file",
            files={"program.toml": PROGRAM, "providers.json": PROVIDERS},
        ),
        command(
            "blank answers refused without a missing policy",
            ["run", "program.toml"],
            3,
            "messy_export.csv, line",
            "Q1 Motivation (self)",
            files=_files(PROGRAM.replace("\nmissing = {", "\n# missing = {")),
        ),
        command(
            "--example into a file",
            ["run", "--example", "f"],
            2,
            "--example f: is a file",
            files={"f": "x"},
        ),
        command(
            "--example over an example",
            ["run", "--example", "d"],
            2,
            "program.toml: the file exists",
            "--force",
            files={"d/program.toml": "keep"},
        ),
    ),
)

DOORS = [RUN]

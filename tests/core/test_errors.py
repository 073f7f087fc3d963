"""Errors, problems and the side effects of importing sparkus."""

import pickle
import subprocess
import sys
import textwrap

import pytest

import sparkus
from sparkus import (
    EstimationError,
    InfeasibleError,
    NotFittedError,
    Problem,
    SchemaError,
    SparkusError,
    SparkusWarning,
)


@pytest.mark.parametrize(
    ("path", "rendered"),
    [
        (("participants", 17, "level"), "participants[17].level"),
        ((), "$"),
        (("level",), "level"),
        (("program", "journey", "steps", 3, "day"), "program.journey.steps[3].day"),
        ((0, "id"), "[0].id"),
        (("scores", "motivation"), "scores.motivation"),
    ],
)
def test_problem_location_renders_path(path, rendered):
    """Problem.location renders names with dots, indices in brackets and the root as `$`."""
    assert Problem(path, "m").location == rendered


def test_problem_str_and_prefix():
    """A problem prints as `location: message` and prefixing prepends to its path."""
    problem = Problem(("level",), "'boss' is not a level")
    assert str(problem) == "level: 'boss' is not a level"
    moved = problem.prefixed(("participants", 3))
    assert moved.path == ("participants", 3, "level")
    assert moved.message == problem.message
    assert problem.path == ("level",)


def test_problems_compare_by_path_and_message():
    """Problems with the same path and message are equal and hash alike; others differ."""
    assert Problem(["a", 1], "m") == Problem(("a", 1), "m")
    assert hash(Problem(["a", 1], "m")) == hash(Problem(("a", 1), "m"))
    assert Problem(("a",), "m") != Problem(("b",), "m")
    assert Problem(("a",), "m") != Problem(("a",), "n")


def test_schema_error_is_a_value_error_and_a_sparkus_error():
    """SchemaError is caught by `except ValueError` and by `except SparkusError`."""
    error = SchemaError([Problem(("x",), "bad")])
    assert isinstance(error, ValueError)
    assert isinstance(error, SparkusError)
    with pytest.raises(ValueError, match="x: bad"):
        raise error


def test_schema_error_message_lists_every_problem():
    """The message counts the problems and gives each one's location on its own line."""
    error = SchemaError([Problem(("a", 0), "first"), Problem(("b",), "second")])
    assert str(error) == "2 problems in the input:\n  a[0]: first\n  b: second"
    single = SchemaError([Problem((), "only")])
    assert str(single) == "1 problem in the input:\n  $: only"


def test_schema_error_caps_the_rendered_problems():
    """Beyond 50 problems the message says how many more there are; `.problems` keeps all."""
    error = SchemaError(Problem(("p", i), "bad") for i in range(53))
    assert len(error.problems) == 53
    assert "p[49]: bad" in str(error)
    assert "p[50]: bad" not in str(error)
    assert "and 3 more (see `.problems`)" in str(error)


def test_schema_error_needs_a_problem():
    """A SchemaError without any problem cannot be made."""
    with pytest.raises(ValueError, match="at least one problem"):
        SchemaError([])


def test_schema_error_pickles():
    """A SchemaError survives pickling with its type, problems and message."""
    error = SchemaError([Problem(("participants", 17, "level"), "'boss' is not a level")])
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is SchemaError
    assert back.problems == error.problems
    assert str(back) == str(error)


def test_schema_error_prefixed_moves_every_problem():
    """SchemaError.prefixed puts every problem under the prefix."""
    error = SchemaError([Problem(("level",), "a"), Problem(("id",), "b")]).prefixed(
        ("participants", 2)
    )
    assert [p.location for p in error.problems] == ["participants[2].level", "participants[2].id"]


def test_not_fitted_error_is_an_attribute_error():
    """NotFittedError is an AttributeError (so hasattr is False) and a ValueError."""

    class Estimator:
        @property
        def coef_(self):
            raise NotFittedError("call `fit` first")

    assert issubclass(NotFittedError, AttributeError)
    assert issubclass(NotFittedError, ValueError)
    assert issubclass(NotFittedError, SparkusError)
    assert not hasattr(Estimator(), "coef_")


def test_other_errors_subclass_their_builtins():
    """InfeasibleError and EstimationError are ValueErrors; SparkusWarning is a UserWarning."""
    for cls in (InfeasibleError, EstimationError):
        assert issubclass(cls, ValueError)
        assert issubclass(cls, SparkusError)
    assert issubclass(SparkusWarning, UserWarning)


def test_public_names_are_sorted_and_exist():
    """sparkus.__all__ is sorted and every name in it resolves."""
    assert list(sparkus.__all__) == sorted(sparkus.__all__)
    for name in sparkus.__all__:
        assert getattr(sparkus, name) is not None


def test_unknown_attribute_raises_attribute_error():
    """An unknown attribute of the sparkus module raises AttributeError naming it."""
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = sparkus.no_such_thing


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_import_does_not_load_scipy():
    """Neither `import sparkus` nor `import sparkus.model` imports scipy."""
    out = _run(
        """
        import sys
        import sparkus
        top = 'scipy' in sys.modules
        import sparkus.model
        print(top, 'scipy' in sys.modules, 'sparkus.model' in sys.modules)
        """
    )
    assert out == "False False True"


def test_import_leaves_warning_filters_alone():
    """Importing sparkus (and sparkus.model, past its dependencies) adds no warning filter."""
    out = _run(
        """
        import warnings
        before = list(warnings.filters)
        import sparkus
        top = list(warnings.filters) == before
        import attrs, cattrs, numpy  # dependencies may set their own filters
        before = list(warnings.filters)
        import sparkus.model
        print(top, list(warnings.filters) == before)
        """
    )
    assert out == "True True"

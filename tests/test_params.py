"""Figure parameters declared with param: an author's text coerced, param's verdict in one
line that says what is allowed, cross checks."""

from __future__ import annotations

import math

import param
import pytest

from vanishing_post.engine.params import FigureError, FigureSpec, declared, lookup
from vanishing_post.engine.registry import FIGURES

RATE, COUNT, MODE = declared(
    "toy",
    {
        "rate": param.Number(0.5, bounds=(-2.0, 3.0), step=0.5, label="learning rate"),
        "count": param.Integer(6, bounds=(1, 60), step=1, label="steps"),
        "mode": param.Selector(objects=["linear", "log"], default="linear", label="y axis"),
    },
)


def error_of(call, *args):
    with pytest.raises(FigureError) as caught:
        call(*args)
    return str(caught.value)


def assert_names_figure_and_param(message: str, figure: str, param: str) -> None:
    assert "\n" not in message
    assert f"'{figure}'" in message
    assert f"'{param}'" in message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.5", 1.5),
        (" -2 ", -2.0),
        ("3", 3.0),
        (2, 2.0),
        (0.25, 0.25),
        (-2.0, -2.0),
        ("1e-3", 1e-3),
    ],
)
def test_float_param_accepts_numbers_and_text_in_range(raw, expected):
    value = RATE.coerce("fig", raw)
    assert value == expected
    assert type(value) is float


@pytest.mark.parametrize(("raw", "expected"), [("7", 7), (" 60 ", 60), (1, 1), (12.0, 12)])
def test_int_param_accepts_integers_as_text_ints_or_whole_floats(raw, expected):
    value = COUNT.coerce("fig", raw)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(("raw", "expected"), [("log", "log"), (" linear ", "linear")])
def test_choice_param_accepts_a_known_choice(raw, expected):
    assert MODE.coerce("fig", raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "nan",
        "NaN",
        math.nan,
        "inf",
        "-inf",
        math.inf,
        -math.inf,
        "abc",
        "",
        "1.5.2",
        None,
        [1],
        True,
        False,
        "True",
    ],
)
def test_float_param_rejects_non_numbers_and_non_finite_values(raw):
    message = error_of(RATE.coerce, "my-figure", raw)
    assert_names_figure_and_param(message, "my-figure", "rate")
    assert "allowed: a number from -2 to 3" in message


@pytest.mark.parametrize("raw", [3.5, "3.0001", -2.5, "-100", 1e300])
def test_float_param_rejects_values_out_of_range(raw):
    message = error_of(RATE.coerce, "my-figure", raw)
    assert_names_figure_and_param(message, "my-figure", "rate")
    assert "out of range" in message
    assert "a number from -2 to 3" in message


@pytest.mark.parametrize("raw", [6.5, "6.5", "abc", math.nan, math.inf, True, "nan"])
def test_int_param_rejects_non_integers(raw):
    message = error_of(COUNT.coerce, "decay", raw)
    assert_names_figure_and_param(message, "decay", "count")
    assert "an integer from 1 to 60" in message


@pytest.mark.parametrize("raw", [0, "61", -1, 1000.0])
def test_int_param_rejects_integers_out_of_range(raw):
    message = error_of(COUNT.coerce, "decay", raw)
    assert_names_figure_and_param(message, "decay", "count")
    assert "out of range" in message
    assert "an integer from 1 to 60" in message


@pytest.mark.parametrize("raw", ["cubic", "LOG", "", 1])
def test_choice_param_rejects_unknown_choices_listing_the_allowed_ones(raw):
    message = error_of(MODE.coerce, "decay", raw)
    assert_names_figure_and_param(message, "decay", "mode")
    assert "one of linear, log" in message


def test_error_message_stays_one_line_for_text_with_newlines():
    message = error_of(RATE.coerce, "fig", "1\n2")
    assert "\n" not in message


def test_figure_error_is_a_value_error():
    assert issubclass(FigureError, ValueError)


@pytest.mark.parametrize(
    ("declared_param", "allowed"),
    [
        (RATE, "a number from -2 to 3"),
        (COUNT, "an integer from 1 to 60"),
        (MODE, "one of linear, log"),
        (
            declared("toy", {"seed": param.Integer(0, bounds=(0, 2**32 - 1))})[0],
            "an integer from 0 to 4294967295",
        ),
        (
            declared("toy", {"eps": param.Number(0.1, bounds=(1e-12, 0.1234567))})[0],
            "a number from 1e-12 to 0.1234567",
        ),
    ],
)
def test_allowed_says_what_is_allowed_in_words(declared_param, allowed):
    assert declared_param.allowed() == allowed


@pytest.mark.parametrize(
    ("declared_as", "read"),
    [
        (param.Number(2.0, bounds=(0, 5), step=0.5, label="gain"), (float, 0, 5, 0.5, True)),
        (param.Integer(3, bounds=(1, 9), precedence=-1), (int, 1, 9, None, False)),
        (param.Selector(objects=["a", "b"], default="a"), (str, None, None, None, True)),
    ],
)
def test_what_the_engine_reads_of_a_param_declaration(declared_as, read):
    [p] = declared("toy", {"knob": declared_as})
    assert (p.kind, p.low, p.high, p.step, p.control) == read
    assert p.name == "knob" and p.default == declared_as.default


def test_a_declaration_that_is_not_a_param_object_names_the_figure_and_parameter():
    with pytest.raises(TypeError, match="figure 'toy', parameter 'knob'"):
        declared("toy", {"knob": 3.0})


def test_every_registered_default_passes_its_own_checks():
    for spec in FIGURES.values():
        values = spec.values()
        for p in spec.params:
            assert p.coerce(spec.name, p.default) == p.default
            assert values[p.name] == p.default


def make_spec() -> FigureSpec:
    def check(values):
        return "low must be below high" if values["rate"] >= values["count"] else None

    return FigureSpec("toy", "A toy", (RATE, COUNT, MODE), build=lambda v: v, check=check)


@pytest.mark.parametrize("raw", [None, {}])
def test_values_applies_all_defaults(raw):
    assert make_spec().values(raw) == {"rate": 0.5, "count": 6, "mode": "linear"}


def test_values_overlays_coerced_raw_values_on_the_defaults():
    assert make_spec().values({"count": "9", "mode": "log"}) == {
        "rate": 0.5,
        "count": 9,
        "mode": "log",
    }


def test_values_rejects_an_unknown_parameter_listing_the_known_ones():
    message = error_of(make_spec().values, {"colour": "red"})
    assert "\n" not in message
    assert "'toy'" in message and "'colour'" in message
    assert "known: rate, count, mode" in message


def test_values_runs_the_cross_check():
    message = error_of(make_spec().values, {"rate": 3.0, "count": 2})
    assert message == "figure 'toy': low must be below high"


def test_values_leaves_the_raw_mapping_alone():
    raw = {"count": "9"}
    make_spec().values(raw)
    assert raw == {"count": "9"}


@pytest.mark.parametrize("name", ["side-by-side", "compression", "numbers", "sigmoid-tangent"])
@pytest.mark.parametrize(("start", "stop"), [("2", "2"), ("3", "-3")])
def test_start_must_be_below_stop(name, start, stop):
    message = error_of(FIGURES[name].values, {"start": start, "stop": stop})
    assert "\n" not in message
    assert f"'{name}'" in message
    assert "start" in message and "must be below stop" in message


@pytest.mark.parametrize(
    "raw",
    [
        {"tangent_x": "10.5"},
        {"tangent_x": "-11"},
        {"start": "1", "stop": "5"},
        {"start": "-3", "stop": "3", "tangent_x": "4"},
    ],
)
def test_tangent_x_must_lie_within_the_x_range(raw):
    message = error_of(FIGURES["sigmoid-tangent"].values, raw)
    assert "\n" not in message
    assert "'sigmoid-tangent'" in message
    assert "tangent_x" in message and "must lie in the x range" in message


@pytest.mark.parametrize("tangent_x", ["-10", "10", "0", "3.7"])
def test_tangent_x_may_sit_anywhere_in_the_range_including_its_ends(tangent_x):
    values = FIGURES["sigmoid-tangent"].values({"tangent_x": tangent_x})
    assert values["tangent_x"] == float(tangent_x)


def test_registered_figure_reports_the_parameter_it_rejects():
    message = error_of(FIGURES["decay"].values, {"steps": "0"})
    assert_names_figure_and_param(message, "decay", "steps")
    assert "an integer from 1 to 60" in message


def test_param_lookup_by_name():
    spec = make_spec()
    assert spec.param("count") is COUNT
    message = error_of(spec.param, "nope")
    assert "known: rate, count, mode" in message


def test_lookup_finds_a_registered_figure():
    assert lookup(FIGURES, "decay") is FIGURES["decay"]


@pytest.mark.parametrize("name", ["nope", "Decay", "", ["decay"]])
def test_lookup_of_an_unknown_figure_lists_the_known_names(name):
    message = error_of(lookup, FIGURES, name)
    assert "\n" not in message
    assert "unknown figure" in message
    assert "known figures: " + ", ".join(sorted(FIGURES)) in message

"""Every control of every figure, moved in Chromium with the keyboard and with the mouse.

After each move the data BokehJS plots (and the tables it shows) must equal what
``vanishing_post`` computes in Python for the values the controls then show, to 1e-12
relative: the JavaScript twins in ``maths.js`` and ``figures.js`` are checked against their
Python originals on the built page. One page per figure, opened once and reused by its tests:
each test reads the controls after acting and computes its expectations from them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pytest

from tests.conftest import POST
from tests.reader import (
    Visit,
    choose_option,
    drag_slider,
    figure_text,
    move_slider_with_keyboard,
    open_page,
    read_controls,
    read_plots,
    read_plotted_data,
    read_slider_bounds,
    read_table,
    wait_for_figures,
)
from vanishing_post.content import frames, tables
from vanishing_post.content.figures import FIGURES, log_axis_range

RTOL = 1e-12
SLUG = "rnns-and-vanishing-gradients"
NUMBER = {  # figure name -> its number on the page (the post's order)
    "sigmoid-tangent": 1,
    "side-by-side": 2,
    "compression": 3,
    "decay": 4,
    "numbers": 5,
    "decay-steps": 6,
}
PLOTTED = ["sigmoid-tangent", "side-by-side", "compression", "decay"]
TABLED = ["numbers", "decay-steps"]
VIEWPORT = {"width": 1100, "height": 900}


def figure_id(name: str) -> str:
    return f"{SLUG}-{NUMBER[name]}"


# What Python computes for a figure's values: the columns its series plot, the table it shows.


def settings(name: str, controls: Mapping[str, Any]) -> dict[str, Any]:
    """The figure's defaults overlaid with what its controls show (the post sets no values)."""
    values = {p.name: p.default for p in FIGURES[name].params}
    values.update(controls)
    return values


def python_columns(name: str, v: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Every column the figure's series may plot, computed by ``vanishing_post.content.frames``."""
    parts = []
    if name == "decay":
        parts.append(frames.decay_frame(v["x"], int(v["steps"])))
    else:
        parts.append(frames.sigmoid_frame(v["start"], v["stop"], v["points"]))
    if name == "sigmoid-tangent":
        parts.append(frames.tangent_frame(v["tangent_x"], v["half_width"]))
        parts.append(frames.point_frame(v["tangent_x"]))
    return {c: part[c].to_numpy(dtype=np.float64) for part in parts for c in part.columns}


def python_table(name: str, v: Mapping[str, Any]) -> list[list[str]]:
    if name == "numbers":
        frame = frames.extremes_frame(frames.sigmoid_frame(v["start"], v["stop"], v["points"]))
        headers, rows = tables.EXTREMES_HEADERS, tables.extremes_rows(frame)
    else:
        steps = frames.decay_steps_frame(v["x"], int(v["steps"]))
        headers, rows = tables.DECAY_STEPS_HEADERS, tables.decay_steps_rows(steps)
    return [list(headers)] + [list(row) for row in rows]


def assert_plots_what_python_computes(visit: Visit, name: str) -> None:
    v = settings(name, read_controls(visit, figure_id(name)))
    columns = python_columns(name, v)
    series = read_plotted_data(visit, figure_id(name))
    assert series, f"{name} plots nothing"
    for s in series:
        for axis in ("x", "y"):
            field = s[f"{axis}_field"]
            assert field in columns, f"{name} plots an unknown column {field!r}"
            np.testing.assert_allclose(
                np.asarray(s[axis], dtype=np.float64),
                columns[field],
                rtol=RTOL,
                atol=0,
                err_msg=f"{name}, column {field}, settings {v}",
            )
    plots = read_plots(visit, figure_id(name))
    if "start" in v:
        for plot in plots:
            assert plot["x_range"] == [v["start"], v["stop"]]
    if name == "compression":
        assert plots[0]["y_range"][0] == v["y_low"]
    if name == "decay":
        [plot] = plots
        np.testing.assert_allclose(
            plot["extra_y_ranges"]["log"], log_axis_range(columns["Gradient"]), rtol=RTOL, atol=0
        )


def assert_shows_what_python_computes(visit: Visit, name: str) -> None:
    v = settings(name, read_controls(visit, figure_id(name)))
    shown, expected = read_table(visit, figure_id(name)), python_table(name, v)
    assert len(shown) == len(expected), f"{name}: {len(shown)} rows, settings {v}"
    for got_row, want_row in zip(shown, expected, strict=True):
        assert len(got_row) == len(want_row)
        for got, want in zip(got_row, want_row, strict=True):
            if _number(want) is None:
                assert got == want
            else:
                np.testing.assert_allclose(_number(got), _number(want), rtol=RTOL, atol=0)


def assert_redrawn_as_python_computes(visit: Visit, name: str) -> None:
    if name in TABLED:
        assert_shows_what_python_computes(visit, name)
    else:
        assert_plots_what_python_computes(visit, name)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@pytest.fixture(scope="module")
def post_for(browser: Any, site_url: str) -> Iterator[Callable[[str], Visit]]:
    """``post_for(name)``: the post open at the figure, one page per figure for the module."""
    visits: dict[str, Visit] = {}

    def get(name: str) -> Visit:
        if name not in visits:
            visits[name] = open_page(browser, site_url, POST, viewport=VIEWPORT)
            wait_for_figures(visits[name])
        return visits[name]

    yield get
    for visit in visits.values():
        visit.page.context.close()


def decimals(step: float) -> int:
    """Decimal places of a slider's step: its values have no more."""
    return len(repr(float(step)).split(".")[1].rstrip("0"))


def label(name: str, param: str) -> str:
    return FIGURES[name].param(param).label


# Every control: (figure, parameter, keyboard key, presses, pointer fraction of the track).
SLIDERS = [
    ("sigmoid-tangent", "tangent_x", "ArrowRight", 3, 0.8),
    ("sigmoid-tangent", "start", "ArrowRight", 2, 0.495),
    ("sigmoid-tangent", "stop", "ArrowLeft", 3, 0.51),
    ("side-by-side", "start", "ArrowLeft", 4, 0.45),
    ("side-by-side", "stop", "PageUp", 1, 0.55),
    ("compression", "start", "ArrowRight", 1, 0.49),
    ("compression", "stop", "ArrowRight", 5, 0.6),
    ("compression", "y_low", "ArrowLeft", 2, 0.9),
    ("decay", "steps", "ArrowRight", 4, 0.3),
    ("decay", "x", "ArrowRight", 7, 0.7),
    ("numbers", "start", "ArrowRight", 3, 0.45),
    ("numbers", "stop", "ArrowLeft", 2, 0.52),
    ("decay-steps", "steps", "ArrowLeft", 2, 0.5),
    ("decay-steps", "x", "ArrowLeft", 5, 0.25),
]
CONTROLLED = sorted(
    (name, p.name) for name, spec in FIGURES.items() for p in spec.params if p.control
)


def test_the_cases_move_every_slider_and_button_of_every_figure() -> None:
    moved = {(name, param) for name, param, *_ in SLIDERS} | {("decay", "scale")}
    assert moved == set(CONTROLLED)


@pytest.mark.parametrize("name", list(NUMBER))
def test_the_page_first_shows_what_python_computes_for_the_defaults(post_for, name) -> None:
    visit = post_for(name)
    assert read_controls(visit, figure_id(name)) == {
        p.name: p.default for p in FIGURES[name].params if p.control
    }
    assert_redrawn_as_python_computes(visit, name)


@pytest.mark.parametrize("name", list(NUMBER))
def test_slider_bounds_come_from_the_registry(post_for, name) -> None:
    visit = post_for(name)
    controls = read_controls(visit, figure_id(name))
    for param, (start, end, step) in read_slider_bounds(visit, figure_id(name)).items():
        spec = FIGURES[name].param(param)
        assert step == spec.step
        if param == "tangent_x":  # the tangent point stays within the plotted range
            assert (start, end) == (controls["start"], controls["stop"])
        else:
            assert (start, end) == (spec.low, spec.high)


@pytest.mark.parametrize(("name", "param", "key", "presses", "_fraction"), SLIDERS)
def test_a_slider_moved_with_the_keyboard_redraws_what_python_computes(
    post_for, name, param, key, presses, _fraction
) -> None:
    visit = post_for(name)
    before = read_controls(visit, figure_id(name))[param]
    start, end, step = read_slider_bounds(visit, figure_id(name))[param]
    move_slider_with_keyboard(visit, figure_id(name), label(name, param), key, presses)
    after = read_controls(visit, figure_id(name))[param]
    # a range input's Page keys move a tenth of its range, on its steps (at least one step)
    stride = max(step, round((end - start) / 10 / step) * step) if key.startswith("Page") else step
    moved = before + presses * stride * (1 if key in ("ArrowRight", "PageUp") else -1)
    expected = min(max(moved, start), end)
    assert after == round(expected, decimals(step)), "a value on the step, no rounding error"
    assert_redrawn_as_python_computes(visit, name)


@pytest.mark.parametrize(("name", "param", "_key", "_presses", "fraction"), SLIDERS)
def test_a_slider_dragged_with_the_mouse_redraws_what_python_computes(
    post_for, name, param, _key, _presses, fraction
) -> None:
    visit = post_for(name)
    bounds = read_slider_bounds(visit, figure_id(name))[param]
    drag_slider(visit, figure_id(name), label(name, param), fraction)
    after = read_controls(visit, figure_id(name))[param]
    start, end, step = bounds
    assert after == round(after, decimals(step)), "a value on the step, no rounding error"
    if param != "start" or fraction < 0.5:  # start is put back below stop when dragged past it
        assert after == pytest.approx(start + fraction * (end - start), abs=(end - start) / 50)
    assert_redrawn_as_python_computes(visit, name)


@pytest.mark.parametrize("keyboard", [False, True], ids=["mouse", "keyboard"])
def test_the_decay_log_axis_shows_the_same_products_on_a_log_scale(post_for, keyboard) -> None:
    """One plot: the chosen y axis and the line and dots drawn on its scale show."""
    visit = post_for("decay")
    assert "y axis:" in figure_text(visit, figure_id("decay"))
    for scale in ("log", "linear", "log"):
        choose_option(visit, figure_id("decay"), scale, keyboard=keyboard)
        assert read_controls(visit, figure_id("decay"))["scale"] == scale
        axis, scale_type = (
            ("LogAxis", "LogScale") if scale == "log" else ("LinearAxis", "LinearScale")
        )
        [plot] = read_plots(visit, figure_id("decay"))
        assert plot["y_axes"] == [axis]
        shown = [s for s in read_plotted_data(visit, figure_id("decay")) if s["visible"]]
        assert [s["y_scale"] for s in shown] == [scale_type, scale_type]
        assert_plots_what_python_computes(visit, "decay")
    choose_option(visit, figure_id("decay"), "linear", keyboard=keyboard)


# Extreme settings: the ends of every slider, reached with Home and End.
EXTREMES = [
    (name, [("stop", "End"), ("start", "Home")])
    for name in ("sigmoid-tangent", "side-by-side", "compression", "numbers")
] + [
    ("compression", [("y_low", "Home")]),
    ("compression", [("start", "End")]),  # start pushed up to stop is put back one step below
    ("decay", [("steps", "End"), ("x", "End")]),
    ("decay", [("x", "Home")]),
    ("decay-steps", [("steps", "End"), ("x", "Home")]),
    ("decay-steps", [("steps", "Home"), ("x", "End")]),
]


@pytest.mark.parametrize(
    ("name", "moves"), EXTREMES, ids=[f"{n}-{'-'.join(p for p, _ in m)}" for n, m in EXTREMES]
)
def test_extreme_settings_redraw_what_python_computes(post_for, name, moves) -> None:
    visit = post_for(name)
    for param, key in moves:
        move_slider_with_keyboard(visit, figure_id(name), label(name, param), key)
        assert_redrawn_as_python_computes(visit, name)
    controls = read_controls(visit, figure_id(name))
    bounds = read_slider_bounds(visit, figure_id(name))
    for param, key in moves[-1:]:
        start, end, step = bounds[param]
        if (name, param, key) == ("compression", "start", "End"):
            assert controls["start"] == controls["stop"] - step
        else:
            assert controls[param] == (start if key == "Home" else end)


@pytest.mark.parametrize("wide", [False, True], ids=["default-range", "widest-range"])
def test_the_tangent_point_reaches_both_ends_of_the_x_range(post_for, wide) -> None:
    """Dragged, after the x range was widened: the slider's bounds follow the range."""
    visit = post_for("sigmoid-tangent")
    if wide:
        move_slider_with_keyboard(
            visit, figure_id("sigmoid-tangent"), label("sigmoid-tangent", "stop"), "End"
        )
        move_slider_with_keyboard(
            visit, figure_id("sigmoid-tangent"), label("sigmoid-tangent", "start"), "Home"
        )
    for fraction, end in ((1.0, "stop"), (0.0, "start")):
        drag_slider(visit, figure_id("sigmoid-tangent"), "tangent at x", fraction)
        controls = read_controls(visit, figure_id("sigmoid-tangent"))
        assert controls["tangent_x"] == controls[end]
        assert_plots_what_python_computes(visit, "sigmoid-tangent")


def test_the_decay_reaches_fifty_steps_on_a_log_axis(post_for) -> None:
    visit = post_for("decay")
    move_slider_with_keyboard(visit, figure_id("decay"), label("decay", "steps"), "End")
    move_slider_with_keyboard(visit, figure_id("decay"), label("decay", "x"), "Home")
    choose_option(visit, figure_id("decay"), "log")
    assert read_controls(visit, figure_id("decay"))["steps"] >= 50
    assert_plots_what_python_computes(visit, "decay")
    choose_option(visit, figure_id("decay"), "linear")


def test_a_link_with_the_settings_reopens_the_same_view(post_for, browser, site_url) -> None:
    visit = post_for("decay-steps")
    moves = [
        ("sigmoid-tangent", "tangent_x", "ArrowLeft"),
        ("side-by-side", "stop", "ArrowLeft"),
        ("compression", "y_low", "ArrowRight"),
        ("decay", "x", "ArrowLeft"),
        ("numbers", "start", "ArrowLeft"),
        ("decay-steps", "steps", "ArrowRight"),
    ]
    for name, param, key in moves:
        move_slider_with_keyboard(visit, figure_id(name), label(name, param), key, 3)
    choose_option(visit, figure_id("decay"), "log")
    link = visit.page.url
    assert link.startswith(site_url + POST + "#")
    again = open_page(browser, site_url, link.removeprefix(site_url), viewport=VIEWPORT)
    try:
        wait_for_figures(again)
        for name in NUMBER:
            assert read_controls(again, figure_id(name)) == read_controls(visit, figure_id(name))
            assert_redrawn_as_python_computes(again, name)
            if name in TABLED:
                assert read_table(again, figure_id(name)) == read_table(visit, figure_id(name))
            else:
                assert read_plotted_data(again, figure_id(name)) == read_plotted_data(
                    visit, figure_id(name)
                )
        assert again.console_errors == []
    finally:
        again.page.context.close()


def test_moving_the_controls_logs_no_console_error_or_warning(post_for) -> None:
    """Runs last: every page this module opened, after all its moves."""
    for name in NUMBER:
        visit = post_for(name)
        assert visit.console_errors == [], name
        assert visit.console_warnings == [], name

"""The figures, tested through their Bokeh models: data sources, ranges, glyphs and controls.

Each figure is built once per set of parameters (HoloViews takes seconds to import, a build a
tenth of one); the data in the sources is compared with the maths, never with copied numbers.
"""

from __future__ import annotations

import math
from html.parser import HTMLParser
from typing import Any

import numpy as np
import pytest
from bokeh.models import (
    AdaptiveTicker,
    ColumnDataSource,
    GlyphRenderer,
    LinearAxis,
    LinearScale,
    LogAxis,
    LogScale,
    Plot,
    RadioButtonGroup,
    Slider,
    Widget,
)

from vanishing_post.content import maths
from vanishing_post.content.figures import FIGURES, log_axis_range

NAMES = ["sigmoid-tangent", "side-by-side", "compression", "decay", "numbers", "decay-steps"]
PLOTTED = ["sigmoid-tangent", "side-by-side", "compression", "decay"]
TAN, BLUE, RED = "#ddb377", "#4687b7", "#ce7b6d"
COLOUR_OF_Y = {"Sigmoid": TAN, "Gradient": BLUE, "Y-Tangent": RED, "Y-Point": RED}


def plots(model: Any) -> list[Plot]:
    return list(model.select({"type": Plot}))


def sources(model: Any) -> list[ColumnDataSource]:
    return list(model.select({"type": ColumnDataSource}))


def source_with(model: Any, *columns: str) -> ColumnDataSource:
    """The one source whose glyph draws exactly these columns (x first, then y)."""
    found = [
        r.data_source
        for r in model.select({"type": GlyphRenderer})
        if (r.glyph.x, r.glyph.y) == columns
    ]
    assert found, f"no glyph draws {columns}"
    return found[0]


def column(source: ColumnDataSource, name: str) -> np.ndarray:
    return np.asarray(source.data[name], dtype=np.float64)


def widgets(model: Any) -> dict[str, Widget]:
    return {w.name: w for w in model.select({"type": Widget}) if w.name}


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.rows[-1][-1] += data


def table_rows(html: str) -> list[list[str]]:
    parser = _Cells()
    parser.feed(html)
    return parser.rows


def div_table(model: Any) -> list[list[str]]:
    from bokeh.models import Div

    divs = list(model.select({"type": Div}))
    assert len(divs) == 1
    return table_rows(divs[0].text)


# The registry


def test_registry_holds_exactly_the_six_figures():
    assert sorted(FIGURES) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_spec_is_registered_under_its_own_name_with_a_title(name):
    spec = FIGURES[name]
    assert spec.name == name
    assert spec.title.strip()


# Figure 1: sigmoid, gradient, tangent


def test_sigmoid_tangent_draws_the_sigmoid_and_gradient_over_minus_ten_to_ten(figure):
    model = figure("sigmoid-tangent")
    x = np.linspace(-10.0, 10.0, 100)
    sig = source_with(model, "X", "Sigmoid")
    grad = source_with(model, "X", "Gradient")
    for source in (sig, grad):
        np.testing.assert_array_equal(column(source, "X"), x)
    s = column(sig, "Sigmoid")
    np.testing.assert_allclose(s, 1.0 / (1.0 + np.exp(-x)), rtol=1e-15)
    np.testing.assert_array_equal(column(grad, "Gradient"), maths.sigmoid_gradient(x))


def test_sigmoid_tangent_draws_the_tangent_at_zero_over_minus_two_to_two(figure):
    source = source_with(figure("sigmoid-tangent"), "X-Tangent", "Y-Tangent")
    assert column(source, "X-Tangent").tolist() == [-2.0, 2.0]
    assert column(source, "Y-Tangent").tolist() == [0.5 - 0.25 * 2, 0.5 + 0.25 * 2]


def test_sigmoid_tangent_marks_the_point_of_contact_at_zero_one_half(figure):
    source = source_with(figure("sigmoid-tangent"), "X-Point", "Y-Point")
    assert column(source, "X-Point").tolist() == [0.0]
    assert column(source, "Y-Point").tolist() == [0.5]


def test_sigmoid_tangent_x_axis_spans_the_range(figure):
    (plot,) = plots(figure("sigmoid-tangent"))
    assert (plot.x_range.start, plot.x_range.end) == (-10.0, 10.0)


@pytest.mark.parametrize("tangent_x", [1.5, -3.0, 0.1])
def test_sigmoid_tangent_follows_a_non_default_tangent_x(figure, tangent_x):
    model = figure("sigmoid-tangent", tangent_x=tangent_x)
    point = source_with(model, "X-Point", "Y-Point")
    assert column(point, "X-Point").tolist() == [tangent_x]
    assert column(point, "Y-Point").tolist() == [float(maths.sigmoid(tangent_x))]
    tangent = source_with(model, "X-Tangent", "Y-Tangent")
    assert column(tangent, "X-Tangent").tolist() == [tangent_x - 2.0, tangent_x + 2.0]
    slope = np.diff(column(tangent, "Y-Tangent"))[0] / 4.0
    assert slope == pytest.approx(float(maths.sigmoid_gradient(tangent_x)), rel=1e-12)
    assert widgets(model)["tangent_x"].value == tangent_x


def test_sigmoid_tangent_follows_a_non_default_range_and_width(figure):
    model = figure(
        "sigmoid-tangent", start=-3.0, stop=4.0, points=50, half_width=1.0, tangent_x=2.0
    )
    x = np.linspace(-3.0, 4.0, 50)
    np.testing.assert_array_equal(column(source_with(model, "X", "Sigmoid"), "X"), x)
    tangent = source_with(model, "X-Tangent", "Y-Tangent")
    assert column(tangent, "X-Tangent").tolist() == [1.0, 3.0]
    assert (widgets(model)["start"].value, widgets(model)["stop"].value) == (-3.0, 4.0)


# Figure 2: side by side


def test_side_by_side_has_three_plots_sharing_one_x_range(figure):
    model = figure("side-by-side")
    panels = plots(model)
    assert len(panels) == 3
    shared = panels[0].x_range
    assert all(p.x_range is shared for p in panels)
    assert (shared.start, shared.end) == (-5.0, 5.0)


def test_side_by_side_draws_x_sigmoid_and_gradient_over_minus_five_to_five(figure):
    model = figure("side-by-side")
    x = np.linspace(-5.0, 5.0, 100)
    np.testing.assert_array_equal(column(source_with(model, "X", "X"), "X"), x)
    np.testing.assert_array_equal(
        column(source_with(model, "X", "Sigmoid"), "Sigmoid"), maths.sigmoid(x)
    )
    np.testing.assert_array_equal(
        column(source_with(model, "X", "Gradient"), "Gradient"), maths.sigmoid_gradient(x)
    )


def test_side_by_side_follows_a_non_default_range(figure):
    model = figure("side-by-side", start=0.0, stop=2.0, points=21)
    x = np.linspace(0.0, 2.0, 21)
    for y in ("X", "Sigmoid", "Gradient"):
        np.testing.assert_array_equal(column(source_with(model, "X", y), "X"), x)


# Figure 3: compression


def test_compression_draws_all_three_series_on_one_axis_from_minus_five_to_one_and_a_half(figure):
    model = figure("compression")
    (plot,) = plots(model)
    assert (plot.y_range.start, plot.y_range.end) == (-5.0, 1.5)
    assert (plot.x_range.start, plot.x_range.end) == (-5.0, 5.0)
    x = np.linspace(-5.0, 5.0, 100)
    for y, expected in (
        ("X", x),
        ("Sigmoid", maths.sigmoid(x)),
        ("Gradient", maths.sigmoid_gradient(x)),
    ):
        np.testing.assert_array_equal(column(source_with(model, "X", y), y), expected)


def test_compression_follows_non_default_y_limits(figure):
    (plot,) = plots(figure("compression", y_low=-2.0, y_high=3.0))
    assert (plot.y_range.start, plot.y_range.end) == (-2.0, 3.0)


# Figure 4: decay


def test_decay_draws_steps_one_to_six_and_powers_of_a_quarter(figure):
    model = figure("decay")
    decay_sources = [s for s in sources(model) if "Step" in s.data]
    assert len(decay_sources) >= 2
    for source in decay_sources:
        steps = np.asarray(source.data["Step"])
        assert np.issubdtype(steps.dtype, np.integer)
        assert steps.tolist() == [1, 2, 3, 4, 5, 6]
        assert column(source, "Gradient").tolist() == [0.25**k for k in range(1, 7)]


def shown_by_scale(model: Any) -> dict[type, set[bool]]:
    """For the decay's one plot: y scale type -> visibility of its axis and renderers."""
    (plot,) = plots(model)
    scales = {"default": plot.y_scale, **plot.extra_y_scales}
    shown: dict[type, set[bool]] = {}
    for part in list(plot.renderers) + list(plot.left):
        shown.setdefault(type(scales[part.y_range_name]), set()).add(part.visible)
    return shown


def test_decay_is_one_plot_with_a_linear_and_a_log_y_axis_the_linear_shown(figure):
    (plot,) = plots(figure("decay"))
    assert {type(a) for a in plot.left} == {LinearAxis, LogAxis}
    assert shown_by_scale(figure("decay")) == {LinearScale: {True}, LogScale: {False}}


def test_decay_on_the_log_scale_shows_only_the_log_axis_and_its_renderers(figure):
    assert shown_by_scale(figure("decay", scale="log")) == {LinearScale: {False}, LogScale: {True}}


def test_decay_draws_the_same_sources_on_both_scales(figure):
    (plot,) = plots(figure("decay"))
    by_range: dict[str, list[Any]] = {}
    for r in plot.renderers:
        by_range.setdefault(r.y_range_name, []).append((r.data_source, r.glyph.x, r.glyph.y))
    assert by_range["default"] == by_range["log"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.25, 0.25**2, 0.25**3], (0.25**3 * 4**-0.1, 0.25 * 4**0.1)),  # 5% of 2 log4-decades
        ([1e-3], (10**-3.5, 10**-2.5)),  # one value: half a decade either side
        ([1e-2, 1e-4, 0.0, 0.0], (10**-4.1, 10**-1.9)),  # underflowed zeros left out
        ([1e-9, 5e-324], (1e-300, 10 ** (-9 + 0.05 * (math.log10(5e-324) + 9) * -1))),  # floor
    ],
)
def test_log_axis_range_spans_the_positive_values_in_decades(values, expected):
    np.testing.assert_allclose(log_axis_range(values), expected, rtol=1e-12)


def test_decay_log_axis_is_ranged_over_the_products(figure):
    (plot,) = plots(figure("decay", steps=10, x=1.0))
    log = plot.extra_y_ranges["log"]
    assert (log.start, log.end) == log_axis_range(maths.decay(1.0, 10))


def test_hover_reads_the_columns_the_sliders_rewrite(figure):
    from bokeh.models import HoverTool

    for name in PLOTTED:
        for hover in figure(name).select({"type": HoverTool}):
            for _, field in hover.tooltips:
                assert "_hyphen_minus_" not in field
        for source in sources(figure(name)):
            assert not [c for c in source.data if "_hyphen_minus_" in c]


@pytest.mark.parametrize("scale", ["linear", "log"])
def test_decay_step_axis_ticks_only_at_integers(figure, scale):
    for plot in plots(figure("decay", scale=scale)):
        (axis,) = plot.xaxis
        assert isinstance(axis.ticker, AdaptiveTicker)
        assert axis.ticker.min_interval == 1


def test_decay_follows_non_default_steps_and_x(figure):
    model = figure("decay", steps=10, x=1.0)
    for source in (s for s in sources(model) if "Step" in s.data):
        assert list(source.data["Step"]) == list(range(1, 11))
        np.testing.assert_array_equal(column(source, "Gradient"), maths.decay(1.0, 10))


# Figures 5 and 6: tables


def test_numbers_shows_the_extremes_table_for_the_defaults(figure):
    assert div_table(figure("numbers")) == [
        ["", "max", "min"],
        ["X", "5.000", "-5.000"],
        ["Sigmoid", "0.993", "0.007"],
        ["Gradient", "0.250", "0.007"],
    ]


def test_numbers_follows_a_non_default_range(figure):
    rows = div_table(figure("numbers", start=-1.0, stop=2.0, points=31))
    x = np.linspace(-1.0, 2.0, 31)
    s, g = maths.sigmoid(x), maths.sigmoid_gradient(x)
    assert rows[1:] == [
        ["X", "2.000", "-1.000"],
        ["Sigmoid", f"{s.max():.3f}", f"{s.min():.3f}"],
        ["Gradient", f"{g.max():.3f}", f"{g.min():.3f}"],
    ]


def test_decay_steps_shows_one_row_per_step_with_exact_numbers(figure):
    rows = div_table(figure("decay-steps"))
    assert rows[0] == ["step", "x", "sigmoid(x)", "gradient", "product so far"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5", "6"]
    assert [float(r[4]) for r in rows[1:]] == [0.25**k for k in range(1, 7)]
    assert rows[-1] == ["6", "0.0", "0.5", "0.25", "0.000244140625"]


def test_decay_steps_follows_non_default_steps(figure):
    rows = div_table(figure("decay-steps", steps=3, x=2.0))
    assert len(rows) == 1 + 3
    assert [float(r[4]) for r in rows[1:]] == maths.decay(2.0, 3).tolist()


# Looks: colours, canvas, sizing


@pytest.mark.parametrize("name", PLOTTED)
def test_series_keep_their_colours(figure, name):
    checked = 0
    for renderer in figure(name).select({"type": GlyphRenderer}):
        expected = COLOUR_OF_Y.get(renderer.glyph.y)
        if expected is None:
            continue
        assert renderer.glyph.line_color == expected, renderer.glyph.y
        checked += 1
    assert checked > 0


@pytest.mark.parametrize("name", ["sigmoid-tangent", "decay"])
def test_markers_are_filled_in_their_series_colour(figure, name):
    from bokeh.models import Scatter

    markers = [
        r.glyph
        for r in figure(name).select({"type": GlyphRenderer})
        if isinstance(r.glyph, Scatter)
    ]
    assert markers
    for glyph in markers:
        assert glyph.fill_color == glyph.line_color == COLOUR_OF_Y[glyph.y]


@pytest.mark.parametrize("name", PLOTTED)
def test_no_plot_uses_webgl(figure, name):
    panels = plots(figure(name))
    assert panels
    assert all(p.output_backend == "canvas" for p in panels)


@pytest.mark.parametrize("name", PLOTTED)
def test_plots_scale_to_the_text_column(figure, name):
    for plot in plots(figure(name)):
        assert plot.sizing_mode in ("scale_width", "stretch_width"), plot.sizing_mode
        assert plot.width != 900


@pytest.mark.parametrize("name", NAMES)
def test_layout_stretches_to_the_text_column(figure, name):
    assert figure(name).sizing_mode in ("scale_width", "stretch_width")


@pytest.mark.parametrize("name", PLOTTED)
def test_plots_leave_page_scrolling_to_the_reader(figure, name):
    for plot in plots(figure(name)):
        assert plot.toolbar.active_scroll is None
        assert plot.toolbar.active_drag is None


# Controls


@pytest.mark.parametrize("name", NAMES)
def test_one_control_per_control_parameter_named_after_it(figure, name):
    spec = FIGURES[name]
    expected = {p.name for p in spec.params if p.control}
    assert set(widgets(figure(name))) == expected
    found = [w for w in figure(name).select({"type": Widget}) if w.name in expected]
    assert len(found) == len(expected)


@pytest.mark.parametrize(
    ("name", "param"),
    [(name, p) for name in NAMES for p in FIGURES[name].params if p.control],
    ids=lambda v: getattr(v, "name", v),
)
def test_control_has_the_spec_bounds_and_default(figure, name, param):
    widget = widgets(figure(name))[param.name]
    if param.kind is str:
        assert isinstance(widget, RadioButtonGroup)
        assert widget.labels == list(param.choices)
        assert widget.labels[widget.active] == param.default
    else:
        assert isinstance(widget, Slider)
        if param.name == "tangent_x":  # within the x range it is drawn over
            assert (widget.start, widget.end) == (-10.0, 10.0)
        else:
            assert (widget.start, widget.end) == (param.low, param.high)
        assert widget.value == param.default
        assert widget.step == param.step
        assert widget.title == param.label


@pytest.mark.parametrize("name", NAMES)
def test_every_control_runs_a_callback(figure, name):
    for widget in widgets(figure(name)).values():
        assert widget.js_property_callbacks, widget.name


def test_radio_control_starts_at_a_non_default_choice(figure):
    widget = widgets(figure("decay", scale="log"))["scale"]
    assert widget.labels[widget.active] == "log"


# Draw and describe: one HoloViews object for both backends, alt text from the data

TABLES = ["numbers", "decay-steps"]


@pytest.mark.parametrize("name", PLOTTED)
def test_every_plot_has_a_drawing_and_a_description(name):
    spec = FIGURES[name]
    assert spec.draw is not None and spec.describe is not None


@pytest.mark.parametrize("name", TABLES)
def test_tables_have_no_drawing_their_static_form_is_the_table(name):
    assert FIGURES[name].draw is None


@pytest.mark.parametrize(
    ("name", "raw"),
    [("sigmoid-tangent", {}), ("side-by-side", {}), ("compression", {}), ("decay", {})]
    + [("decay", {"scale": "log", "steps": 20}), ("side-by-side", {"start": -2.0})],
)
def test_the_live_plot_draws_exactly_the_data_of_the_drawing(figure, name, raw):
    import holoviews as hv

    spec = FIGURES[name]
    drawn = spec.draw(spec.values(raw))
    elements = [e for e in drawn.traverse(lambda e: e, [hv.Element])]
    assert elements
    for element in elements:
        x, y = (d.name for d in element.dimensions()[:2])
        np.testing.assert_array_equal(
            column(source_with(figure(name, **raw), x, y), y), element.dimension_values(y)
        )


@pytest.mark.parametrize(
    ("name", "raw", "says"),
    [
        ("sigmoid-tangent", {}, ["x from -10 to 10", "below 0.01 for x ≤ -4.75", "slope 0.25"]),
        ("sigmoid-tangent", {"tangent_x": 1.0}, ["x = 1, y = 0.731", "slope 0.197"]),
        ("side-by-side", {}, ["spans 10 units", "peaks at 0.25", "x ≥ 4.6"]),
        ("side-by-side", {"start": 0.5, "stop": 3.0}, ["stays above 0.01"]),
        ("compression", {}, ["from -5 to 1.5", "the gradient only 0.243"]),
        ("decay", {}, ["0.25 after step 1", "0.000244 after step 6", "below 0.01 at step 4"]),
        ("decay", {"x": 3.0, "scale": "log"}, ["log y axis", "below 0.01 at step 2"]),
    ],
)
def test_description_states_numbers_computed_from_the_data(name, raw, says):
    spec = FIGURES[name]
    text = spec.describe(spec.values(raw))
    for words in says:
        assert words in text, text

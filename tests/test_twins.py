"""Static twins: what a figure's Bokeh model shows (``sketch``), drawn by matplotlib as PNG or
SVG bytes."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from vanishing_post.params import FigureError
from vanishing_post.twins import (
    PHONE_INCHES,
    _power_of_ten,
    save,
    sketch,
    twin_bytes,
    twin_pair,
)

PLOTTED = ["sigmoid-tangent", "side-by-side", "compression", "decay"]
BLUE = (0x46, 0x87, 0xB7)


@pytest.mark.parametrize("name", PLOTTED)
def test_png_twin_is_a_wide_image_in_the_series_colours(name):
    image = Image.open(io.BytesIO(twin_bytes(name, {}, "png"))).convert("RGB")
    assert image.width > image.height > 200
    colours = {c for _, c in image.getcolors(maxcolors=image.width * image.height)}
    assert BLUE in colours or name == "side-by-side" and (0xCE, 0x7B, 0x6D) in colours


@pytest.mark.parametrize("name", PLOTTED)
def test_svg_twin_is_svg_text_with_the_figure_labels(name):
    svg = twin_bytes(name, {}, "svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert ">x<" in svg or "steps n" in svg


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_twin_bytes_are_the_same_every_time(fmt):
    assert twin_bytes("decay", {"steps": 9}, fmt) == twin_bytes("decay", {"steps": 9}, fmt)


def test_twin_follows_the_values():
    assert twin_bytes("decay", {"scale": "log"}, "png") != twin_bytes("decay", {}, "png")


@pytest.mark.parametrize(
    ("name", "raw", "fmt", "says"),
    [
        ("nope", {}, "png", "unknown figure 'nope'"),
        ("decay", {}, "gif", "format 'gif' is not known, allowed: png, svg"),
        ("numbers", {}, "png", "figure 'numbers' is a table"),
        ("decay", {"steps": "0"}, "png", "parameter 'steps'"),
        ("decay", {"colour": "red"}, "svg", "unknown parameter 'colour'"),
    ],
)
def test_bad_request_is_a_one_line_figure_error(name, raw, fmt, says):
    with pytest.raises(FigureError) as caught:
        twin_bytes(name, raw, fmt)
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)


def test_save_writes_both_pngs_whole(tmp_path):
    from vanishing_post.registry import FIGURES

    wide, narrow = tmp_path / "figures" / "post-1.png", tmp_path / "figures" / "post-1-narrow.png"
    spec = FIGURES["decay"]
    save(sketch(spec.build(spec.values({"steps": 3}))), "png", wide, narrow)
    assert (wide.read_bytes(), narrow.read_bytes()) == twin_pair("decay", {"steps": 3}, "png")
    assert sorted(p.name for p in wide.parent.iterdir()) == ["post-1-narrow.png", "post-1.png"]


def test_save_leaves_nothing_behind_when_the_drawing_fails(tmp_path):
    from vanishing_post.twins import Panel, Series, Sketch

    broken = Series(x=[0.0, 1.0], y=[0.0], colour="#000000", width=2)  # x and y differ
    panel = Panel(640, 400, "t", "x", "y", None, None, False, False, None, (broken,))
    folder = tmp_path / "figures"
    with pytest.raises(ValueError):
        save(Sketch((panel,), 1), "png", folder / "a.png", folder / "b.png")
    assert not folder.exists() or list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (1.0, "1"),
        (10.0, "10"),
        (1e-9, "10\u207b\u2079"),
        (1e12, "10\u00b9\u00b2"),
        (5e-3, ""),
        (0.0, ""),
    ],
)
def test_log_ticks_read_as_powers_of_ten_in_plain_text(value, label):
    assert _power_of_ten(value) == label


@pytest.mark.parametrize("name", ["side-by-side", "activations"])
def test_panels_sit_in_a_row_on_the_wide_twin_and_stack_on_the_phone_twin(name):
    wide, narrow = (Image.open(io.BytesIO(t)).size for t in twin_pair(name, {}, "png"))
    assert wide[0] > 2.5 * wide[1] and narrow[1] > 1.5 * narrow[0]


def test_looking_figures_up_imports_no_plotting_library():
    """The build's task generation looks every figure up: it must stay cheap."""
    import subprocess
    import sys

    code = (
        "import sys, vanishing_post.registry, vanishing_post.twins;"
        "print(sorted({'pandas', 'holoviews', 'hvplot', 'panel', 'bokeh', 'matplotlib'}"
        " & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def test_the_phone_twin_stacks_side_by_side_panels():
    wide, narrow = (_size(twin_bytes("side-by-side", {}, "png", narrow=n)) for n in (False, True))
    assert wide[0] > wide[1] and narrow[1] > 2 * narrow[0]


@pytest.mark.parametrize("name", ["sigmoid-tangent", "compression", "decay"])
def test_the_phone_twin_is_smaller_so_its_text_reads_larger(name):
    wide, narrow = (_size(twin_bytes(name, {}, "png", narrow=n)) for n in (False, True))
    assert narrow[0] < 0.7 * wide[0]


@pytest.mark.parametrize("name", PLOTTED)
def test_png_twin_keeps_few_colours_so_the_page_stays_light(name):
    image = Image.open(io.BytesIO(twin_bytes(name, {}, "png")))
    assert image.mode == "P"
    assert len(image.convert("RGB").getcolors(maxcolors=256)) <= 64


def test_the_phone_twin_sets_a_legend_under_the_plot_not_over_the_lines():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from vanishing_post.twins import _legend_below

    figure = Figure(figsize=PHONE_INCHES)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1], label="sigmoid")
    axes.plot([0, 1], [1, 0], label="gradient")
    axes.set_xlabel("x")
    axes.legend()
    _legend_below(figure)
    figure.draw_without_rendering()
    legend = axes.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["sigmoid", "gradient"]
    under = axes.get_tightbbox()  # with the legend: the whole drawing
    plot = axes.get_window_extent()
    label = axes.xaxis.label.get_window_extent()
    assert legend.get_window_extent().y1 <= label.y0 < plot.y0 and under.y0 < label.y0


def _built(name: str, raw: dict | None = None):
    from vanishing_post.registry import FIGURES

    spec = FIGURES[name]
    return spec.build(spec.values(raw or {}))


def _data(model, kind):
    """(x, y, colour) of every visible ``kind`` glyph in ``model``, read off its Bokeh models."""
    from bokeh.models import GlyphRenderer, Plot

    found = []
    for plot in model.select({"type": Plot}):
        for r in plot.renderers:
            if isinstance(r, GlyphRenderer) and r.visible and isinstance(r.glyph, kind):
                data = r.data_source.data
                colour = r.glyph.line_color if kind.__name__ == "Line" else r.glyph.fill_color
                found.append((list(data[r.glyph.x]), list(data[r.glyph.y]), colour))
    return sorted(found, key=repr)


@pytest.mark.parametrize("name", PLOTTED + ["activations", "layer-gradients", "skip-connections"])
def test_the_sketch_holds_every_visible_line_and_marker_of_the_bokeh_model(name):
    from bokeh.models import Line, Scatter

    model = _built(name)
    drawn = sketch(model)
    lines = sorted(
        ((s.x, s.y, s.colour) for p in drawn.panels for s in p.series if not s.marker), key=repr
    )
    dots = sorted(
        ((s.x, s.y, s.colour) for p in drawn.panels for s in p.series if s.marker), key=repr
    )
    assert lines == _data(model, Line) and dots == _data(model, Scatter)


@pytest.mark.parametrize(
    ("name", "raw", "titles", "columns"),
    [
        ("side-by-side", {}, ["x", "sigmoid(x)", "gradient"], 3),
        ("activations", {}, ["Activations", "Gradients", "Best case over n layers"], 3),
        ("compression", {}, ["One axis: x, sigmoid and gradient"], 1),
    ],
)
def test_the_sketch_keeps_the_panels_in_reading_order(name, raw, titles, columns):
    drawn = sketch(_built(name, raw))
    assert [p.title for p in drawn.panels] == titles and drawn.columns == columns


@pytest.mark.parametrize(("scale", "log"), [("linear", False), ("log", True)])
def test_the_decay_sketch_shows_only_the_chosen_scale(scale, log):
    [panel] = sketch(_built("decay", {"scale": scale})).panels
    assert panel.ylog is log and len(panel.series) == 2  # the line and its dots, once
    assert panel.ylabel == "product" and panel.whole_x


def test_the_sketch_keeps_legend_labels_dashes_and_fixed_limits():
    [panel] = sketch(_built("compression", {"y_low": "-2", "y_high": "3"})).panels
    assert [s.label for s in panel.series] == ["x", "sigmoid", "gradient"]
    assert panel.legend == "upper left" and panel.ylim == (-2.0, 3.0)
    [panel] = sketch(_built("layer-gradients")).panels
    dashed = {s.label: s.dash for s in panel.series}
    assert dashed["ReLU"] == () and dashed["Leaky ReLU"] == (6.0, 6.0)
    assert panel.ylog and panel.legend == "lower right"


def test_a_glyph_the_twin_cannot_draw_is_named():
    from bokeh.plotting import figure

    plot = figure(width=300, height=200)
    plot.vbar(x=[1, 2], top=[3, 4], width=0.5)
    with pytest.raises(TypeError, match="not VBar"):
        sketch(plot)


def test_a_model_without_a_plot_has_no_twin_and_says_why():
    from bokeh.models import Div

    with pytest.raises(ValueError, match="needs a plot to draw, the figure is a Div"):
        sketch(Div(text="a table"))


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_one_twin_asked_for_is_the_one_of_the_pair(fmt):
    wide, narrow = twin_pair("compression", {}, fmt)
    assert twin_bytes("compression", {}, fmt) == wide
    assert twin_bytes("compression", {}, fmt, narrow=True) == narrow


@pytest.mark.parametrize("narrow", [False, True])
@pytest.mark.parametrize("name", ["sigmoid-tangent", "compression", "decay", "layer-gradients"])
def test_a_twin_is_cropped_close_to_what_it_draws(name, narrow):
    import numpy as np

    from vanishing_post.twins import BACKGROUND, DPI, PAD_INCHES

    image = Image.open(io.BytesIO(twin_bytes(name, {}, "png", narrow=narrow))).convert("RGB")
    background = np.array([int(BACKGROUND[i : i + 2], 16) for i in (1, 3, 5)])
    ink = np.any(np.asarray(image) != background, axis=2)
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    pad = round(PAD_INCHES * DPI)
    margins = [rows[0], columns[0], ink.shape[0] - 1 - rows[-1], ink.shape[1] - 1 - columns[-1]]
    assert all(pad - 2 <= margin <= pad + 1 for margin in margins), margins


@pytest.mark.parametrize("name", PLOTTED + ["activations", "layer-gradients", "skip-connections"])
def test_the_phone_twin_is_about_as_wide_as_its_plot_long_titles_wrapped(name):
    from vanishing_post.twins import DPI

    width, _ = _size(twin_bytes(name, {}, "png", narrow=True))
    assert width <= 1.1 * PHONE_INCHES[0] * DPI

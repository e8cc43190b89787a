"""The first post's figures: hvplot/HoloViews drawings of the frames, rendered to Bokeh, under
sliders whose JavaScript (``figures.js``, with the maths in ``maths.js``) recomputes them exactly
for any setting.

Registered with the engine as this module is imported (``FIGURES`` holds this module's specs);
each spec's ``param`` parameters give the defaults, the allowed ranges and the sliders.
HoloViews is imported only when a figure is drawn, so looking figures up and checking arguments
stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import param

from vanishing_post.content import frames, maths
from vanishing_post.content.colours import BLUE, COMPACT_LEGEND, RED, TAN
from vanishing_post.engine import registry, scripts
from vanishing_post.engine.params import FigureSpec, declared
from vanishing_post.engine.render import (
    HEIGHT,
    WIDTH,
    holoviews,
    panels_row,
    render,
    sized,
    with_controls,
)

if TYPE_CHECKING:
    import pandas as pd

SERIES_COLOURS = {"X": RED, "Sigmoid": TAN, "Gradient": BLUE}
HERE = Path(__file__).parent
# What the sliders run, in the page-wide script: the maths' twins, then each figure's redraw.
scripts.register(HERE / "maths.js", HERE / "figures.js")


def _sources(*figs: Any) -> list[Any]:
    """The plots' data sources in drawing order (not select()'s set order: stable bytes)."""
    return [r.data_source for fig in figs for r in fig.renderers]


def draw_sigmoid_tangent(v: Mapping[str, Any]) -> Any:
    """The sigmoid, its gradient, and the tangent at one point."""
    hv = holoviews()
    curve = frames.sigmoid_frame(v["start"], v["stop"], v["points"])
    tangent = frames.tangent_frame(v["tangent_x"], v["half_width"])
    point = frames.point_frame(v["tangent_x"])
    opts = dict(responsive=False, xlabel="x", ylabel="value")
    title = "Sigmoid, its gradient and a tangent"
    overlay = (
        curve.hvplot.line(x="X", y="Sigmoid", color=TAN, label="sigmoid", **opts)
        * curve.hvplot.line(x="X", y="Gradient", color=BLUE, label="gradient", **opts)
        * tangent.hvplot.line(x="X-Tangent", y="Y-Tangent", color=RED, label="tangent", **opts)
        * point.hvplot.scatter(x="X-Point", y="Y-Point", color=RED, size=60, **opts)
    )
    legend = dict(legend_position="top_left", legend_opts=COMPACT_LEGEND)
    return overlay.opts(hv.opts.Overlay(title=title, **legend))


def build_sigmoid_tangent(v: Mapping[str, Any]) -> Any:
    """Figure 1 live: ``draw_sigmoid_tangent`` in Bokeh under its sliders."""
    fig = sized(render(draw_sigmoid_tangent(v)))
    _free_y(fig)
    return with_controls(
        "sigmoid-tangent",
        registry.FIGURES["sigmoid-tangent"].params,
        v,
        fig,
        bounds={"tangent_x": (v["start"], v["stop"])},
        sources=_sources(fig),
        x_range=fig.x_range,
    )


def _free_y(fig: Any) -> None:
    """Let Bokeh range y over the data, so it follows the sliders."""
    from bokeh.models import DataRange1d

    fig.y_range = DataRange1d(range_padding=0.05)


def _free_x(fig: Any) -> None:
    """Let Bokeh range x over the data (the decay's steps change its length)."""
    from bokeh.models import DataRange1d

    fig.x_range = DataRange1d(range_padding=0.05)


SIDE_BY_SIDE = (("X", "x"), ("Sigmoid", "sigmoid(x)"), ("Gradient", "gradient"))


def draw_side_by_side(v: Mapping[str, Any]) -> Any:
    """x, sigmoid(x) and the gradient in three panels sharing the x axis."""
    hv = holoviews()
    curve = frames.sigmoid_frame(v["start"], v["stop"], v["points"])
    panels = [
        curve.hvplot.line(
            x="X",
            y=column_name,
            color=SERIES_COLOURS[column_name],
            title=title,
            xlabel="x",
            ylabel="",
            responsive=False,
        )
        for column_name, title in SIDE_BY_SIDE
    ]
    return hv.Layout(panels).cols(3)


def build_side_by_side(v: Mapping[str, Any]) -> Any:
    """Figure 2 live: each panel of ``draw_side_by_side`` in Bokeh, one row, one x range."""
    panels = []
    for element in draw_side_by_side(v):
        fig = render(element)
        _free_y(fig)
        fig.width, fig.height = WIDTH // 3, HEIGHT * 2 // 5  # about 4:3, shorter when stacked
        fig.sizing_mode = "scale_width"
        panels.append(fig)
    for fig in panels[1:]:
        fig.x_range = panels[0].x_range
    body = panels_row(panels)
    return with_controls(
        "side-by-side",
        registry.FIGURES["side-by-side"].params,
        v,
        body,
        sources=_sources(*panels),
        x_range=panels[0].x_range,
    )


COMPRESSION = (("X", "x"), ("Sigmoid", "sigmoid"), ("Gradient", "gradient"))


def draw_compression(v: Mapping[str, Any]) -> Any:
    """The three series on one axis, where the gradient's range all but vanishes."""
    hv = holoviews()
    curve = frames.sigmoid_frame(v["start"], v["stop"], v["points"])
    axes = dict(
        title="One axis: x, sigmoid and gradient",
        # the corner no series reaches once the y axis starts below -1 (x rises to the top
        # right, sigmoid and gradient lie in [0, 1]): top left would hide both on a phone
        legend_position="bottom_right",
        legend_opts=COMPACT_LEGEND,
        ylim=(v["y_low"], v["y_high"]),
        xlabel="x",
        ylabel="value",
    )
    lines = [
        curve.hvplot.line(x="X", y=name, color=SERIES_COLOURS[name], label=label, responsive=False)
        for name, label in COMPRESSION
    ]
    return hv.Overlay(lines).opts(hv.opts.Overlay(**axes))


def build_compression(v: Mapping[str, Any]) -> Any:
    """Figure 3 live: ``draw_compression`` in Bokeh under its sliders."""
    fig = sized(render(draw_compression(v)))
    return with_controls(
        "compression",
        registry.FIGURES["compression"].params,
        v,
        fig,
        sources=_sources(fig),
        x_range=fig.x_range,
        y_range=fig.y_range,
    )


def draw_decay(v: Mapping[str, Any]) -> Any:
    """The cumulative product of gradients over steps, on ``v["scale"]``'s y axis."""
    holoviews()
    decay = frames.decay_frame(v["x"], v["steps"])
    axes = dict(title="Product of gradients after n steps", xlabel="steps n", ylabel="product")
    logy = v["scale"] == "log"
    line = decay.hvplot.line(
        x="Step", y="Gradient", color=BLUE, logy=logy, responsive=False, **axes
    )
    dots = decay.hvplot.scatter(x="Step", y="Gradient", color=BLUE, size=30, responsive=False)
    return line * dots


LOG_PADDING = 0.05  # of the log axis's span in decades, either side; half a decade for one value
LOG_FLOOR = -300  # lowest decade drawn: far below it products are subnormal or 0 (not drawable)


def log_axis_range(values: Any) -> tuple[float, float]:
    """The decay's log y range: its positive values' span in decades, padded.

    Set by us, not BokehJS: a DataRange1d on a second (log) y range is ranged linearly.
    Twin of ``logAxisRange`` in ``figures.js``; products that underflow to 0 are left out,
    and the axis stops at 10^LOG_FLOOR (BokehJS cannot map a range that starts at 0).
    """
    positive = np.asarray(values, dtype=np.float64)
    positive = positive[positive > 0]
    low, high = float(np.log10(positive.min())), float(np.log10(positive.max()))
    pad = (high - low) * LOG_PADDING if high > low else 0.5
    return 10.0 ** max(low - pad, LOG_FLOOR), 10.0 ** (high + pad)


def build_decay(v: Mapping[str, Any]) -> Any:
    """Figure 4 live: ``draw_decay`` in Bokeh, one plot with a linear and a log y axis.

    The log axis has its own range, scale and renderers of the same data; the chosen axis and
    its renderers show. (Two plots toggled left the hidden one with nothing to range over, and
    BokehJS warned on every load.)
    """
    from bokeh.models import (
        AdaptiveTicker,
        GlyphRenderer,
        HoverTool,
        LogAxis,
        LogScale,
        Range1d,
    )

    fig = sized(render(draw_decay({**v, "scale": "linear"})))
    fig.xaxis.ticker = AdaptiveTicker(min_interval=1, num_minor_ticks=0)
    _free_y(fig)
    _free_x(fig)
    low, high = log_axis_range(frames.decay_frame(v["x"], v["steps"])["Gradient"])
    fig.extra_y_ranges = {"log": Range1d(low, high)}
    fig.extra_y_scales = {"log": LogScale()}
    linear = list(fig.renderers)
    log = [
        GlyphRenderer(
            data_source=r.data_source,
            glyph=r.glyph.clone(**{name: getattr(r.glyph, name) for name in r.glyph.dataspecs()}),
            y_range_name="log",
        )
        for r in linear
    ]
    fig.renderers.extend(log)
    twin = dict(zip(linear, log, strict=True))
    for hover in fig.select({"type": HoverTool}):
        if isinstance(hover.renderers, list):
            hover.renderers = hover.renderers + [twin[r] for r in hover.renderers if r in twin]
    linear_axis = fig.yaxis[0]
    log_axis = LogAxis(y_range_name="log", axis_label=linear_axis.axis_label)
    fig.add_layout(log_axis, "left")
    shown = {"linear": linear + [linear_axis], "log": log + [log_axis]}
    for scale, models in shown.items():
        for model in models:
            model.visible = scale == v["scale"]
    return with_controls(
        "decay",
        registry.FIGURES["decay"].params,
        v,
        fig,
        sources=[r.data_source for r in linear],
        shown=shown,
        log_range=fig.extra_y_ranges["log"],
    )


# Alt text: what each figure shows, in numbers computed from the same frames it draws.

SMALL = 0.01  # a gradient below this barely moves a weight: where the alt text says it falls


def _num(value: float) -> str:
    """A number as a reader reads it aloud: three significant figures, no float noise."""
    return f"{value:.3g}"


def _where_small(x: Any, gradient: Any) -> str:
    """Where the (single-peaked) gradient falls below ``SMALL``, from the sampled points."""
    small = gradient < SMALL
    if not small.any():
        return f"it stays above {SMALL:g} over the whole range"
    if small.all():
        return f"it stays below {SMALL:g} over the whole range"
    big = (~small).nonzero()[0]
    sides = []
    if big[0] > 0:
        sides.append(f"x \u2264 {_num(x[big[0] - 1])}")
    if big[-1] < len(x) - 1:
        sides.append(f"x \u2265 {_num(x[big[-1] + 1])}")
    return f"it is below {SMALL:g} for " + " and for ".join(sides)


def _curve_facts(v: Mapping[str, Any]) -> tuple[Any, str, str]:
    """The sampled curve, and sentences on the sigmoid's range and the gradient's peak."""
    curve = frames.sigmoid_frame(v["start"], v["stop"], v["points"])
    x, s, g = (curve[c].to_numpy() for c in ("X", "Sigmoid", "Gradient"))
    peak = int(g.argmax())
    sigmoid = f"the sigmoid runs from {_num(s.min())} to {_num(s.max())}"
    gradient = f"the gradient peaks at {_num(g[peak])} at x = {_num(x[peak])} and " + _where_small(
        x, g
    )
    return curve, sigmoid, gradient


def describe_sigmoid_tangent(v: Mapping[str, Any]) -> str:
    """Alt text of figure 1."""
    _, sigmoid, gradient = _curve_facts(v)
    x0 = v["tangent_x"]
    return (
        f"Line chart over x from {_num(v['start'])} to {_num(v['stop'])}: {sigmoid}; "
        f"{gradient}. The tangent touches the sigmoid at x = {_num(x0)}, "
        f"y = {_num(float(maths.sigmoid(x0)))}, with slope "
        f"{_num(float(maths.sigmoid_gradient(x0)))}."
    )


def describe_side_by_side(v: Mapping[str, Any]) -> str:
    """Alt text of figure 2."""
    _, sigmoid, gradient = _curve_facts(v)
    return (
        f"Three line charts side by side over x from {_num(v['start'])} to {_num(v['stop'])}: "
        f"x itself spans {_num(v['stop'] - v['start'])} units; {sigmoid}; {gradient}."
    )


def describe_compression(v: Mapping[str, Any]) -> str:
    """Alt text of figure 3."""
    curve, _, _ = _curve_facts(v)
    span = {c: float(curve[c].max() - curve[c].min()) for c in ("X", "Sigmoid", "Gradient")}
    return (
        f"x, the sigmoid and its gradient on one y axis from {_num(v['y_low'])} to "
        f"{_num(v['y_high'])}, over x from {_num(v['start'])} to {_num(v['stop'])}: x spans "
        f"{_num(span['X'])} units, the sigmoid {_num(span['Sigmoid'])} and the gradient only "
        f"{_num(span['Gradient'])}, an almost flat line near zero."
    )


def describe_decay(v: Mapping[str, Any]) -> str:
    """Alt text of figure 4."""
    decay = frames.decay_frame(v["x"], v["steps"])
    steps, product = decay["Step"].to_numpy(), decay["Gradient"].to_numpy()
    small = (product < SMALL).nonzero()[0]
    where = (
        f"it falls below {SMALL:g} at step {int(steps[small[0]])}"
        if len(small)
        else f"it stays above {SMALL:g}"
    )
    return (
        f"Line chart, {v['scale']} y axis: the product of sigmoid gradients at x = "
        f"{_num(v['x'])} over {v['steps']} steps, {_num(product[0])} after step "
        f"{int(steps[0])} and {_num(product[-1])} after step {int(steps[-1])}; {where}."
    )


def _table(html: str) -> Any:
    from bokeh.models import Div

    return Div(text=html, sizing_mode="stretch_width")


def numbers_frame(start: float, stop: float, points: int) -> pd.DataFrame:
    """Max and min of x, sigmoid and gradient over the x range: the numbers table."""
    return frames.extremes_frame(frames.sigmoid_frame(start, stop, points))


def build_numbers(v: Mapping[str, Any]) -> Any:
    """Figure 5: ``numbers_frame`` as a table."""
    from vanishing_post.content import tables

    extremes = numbers_frame(v["start"], v["stop"], v["points"])
    div = _table(tables.extremes_html(extremes))
    return with_controls("numbers", registry.FIGURES["numbers"].params, v, div, table=div)


def build_decay_steps(v: Mapping[str, Any]) -> Any:
    """Figure 6: the decay step by step, inputs and cumulative product, as a table."""
    from vanishing_post.content import tables

    div = _table(tables.decay_steps_html(frames.decay_steps_frame(v["x"], v["steps"])))
    return with_controls("decay-steps", registry.FIGURES["decay-steps"].params, v, div, table=div)


def _range_check(v: Mapping[str, Any]) -> str | None:
    if not v["start"] < v["stop"]:
        return f"start ({v['start']:g}) must be below stop ({v['stop']:g})"
    return None


def _tangent_check(v: Mapping[str, Any]) -> str | None:
    problem = _range_check(v)
    if problem is None and not v["start"] <= v["tangent_x"] <= v["stop"]:
        problem = (
            f"tangent_x ({v['tangent_x']:g}) must lie in the x range "
            f"[{v['start']:g}, {v['stop']:g}]"
        )
    return problem


def _x_range(start: float, stop: float) -> dict[str, param.Parameter]:
    return {
        "start": param.Number(start, bounds=(-1000.0, 1000.0), step=0.5, label="x from"),
        "stop": param.Number(stop, bounds=(-1000.0, 1000.0), step=0.5, label="x to"),
        "points": param.Integer(100, bounds=(2, 2000), step=1, label="points", precedence=-1),
    }


def _decay() -> dict[str, param.Parameter]:
    return {
        "steps": param.Integer(6, bounds=(1, 60), step=1, label="steps n"),
        "x": param.Number(0.0, bounds=(-20.0, 20.0), step=0.1, label="input x"),
    }


FIGURES: dict[str, FigureSpec] = {
    spec.name: registry.register(spec)
    for spec in (
        FigureSpec(
            "sigmoid-tangent",
            "The sigmoid, its gradient and the tangent at a point",
            declared(
                "sigmoid-tangent",
                _x_range(-10.0, 10.0)
                | {
                    "tangent_x": param.Number(
                        0.0, bounds=(-1000.0, 1000.0), step=0.1, label="tangent at x"
                    ),
                    "half_width": param.Number(
                        2.0,
                        bounds=(0.1, 100.0),
                        step=0.1,
                        label="tangent half-width",
                        precedence=-1,
                    ),
                },
            ),
            build_sigmoid_tangent,
            _tangent_check,
            draw=draw_sigmoid_tangent,
            describe=describe_sigmoid_tangent,
        ),
        FigureSpec(
            "side-by-side",
            "x, sigmoid(x) and its gradient side by side",
            declared("side-by-side", _x_range(-5.0, 5.0)),
            build_side_by_side,
            _range_check,
            draw=draw_side_by_side,
            describe=describe_side_by_side,
        ),
        FigureSpec(
            "compression",
            "x, sigmoid(x) and its gradient on one axis",
            declared(
                "compression",
                _x_range(-5.0, 5.0)
                | {
                    "y_low": param.Number(
                        -5.0, bounds=(-1000.0, 0.0), step=0.5, label="y axis from"
                    ),
                    "y_high": param.Number(
                        1.5, bounds=(0.5, 1000.0), step=0.5, label="y axis to", precedence=-1
                    ),
                },
            ),
            build_compression,
            _range_check,
            draw=draw_compression,
            describe=describe_compression,
        ),
        FigureSpec(
            "decay",
            "The product of gradients over n steps",
            declared(
                "decay",
                _decay()
                | {
                    "scale": param.Selector(
                        objects=["linear", "log"], default="linear", label="y axis"
                    )
                },
            ),
            build_decay,
            draw=draw_decay,
            describe=describe_decay,
        ),
        FigureSpec(
            "numbers",
            "Largest and smallest values over the x range",
            declared("numbers", _x_range(-5.0, 5.0)),
            build_numbers,
            _range_check,
            code=numbers_frame,  # a table: the numbers it shows, as a reader gets them
        ),
        FigureSpec(
            "decay-steps",
            "The decay step by step",
            declared("decay-steps", _decay()),
            build_decay_steps,
            code=frames.decay_steps_frame,  # a table: its rows, as a reader gets them
        ),
    )
}

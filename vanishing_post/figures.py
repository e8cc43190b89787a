"""The post's figures: hvplot/HoloViews drawings of the frames, rendered to Bokeh, with controls.

``FIGURES`` is the registry, a plain dict NAME -> FigureSpec; each spec's parameters give the
defaults, the allowed ranges and the sliders. HoloViews is imported only when a figure is drawn,
so looking figures up and checking arguments stays cheap.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vanishing_post import frames
from vanishing_post.params import FigureSpec, Param

TAN, BLUE, RED = "#ddb377", "#4687b7", "#ce7b6d"
SERIES_COLOURS = {"X": RED, "Sigmoid": TAN, "Gradient": BLUE}
# Plot size in CSS pixels before scaling to the text column: the aspect ratio is what stays.
WIDTH, HEIGHT = 640, 400
HERE = Path(__file__).parent


@functools.cache
def _holoviews() -> Any:
    """HoloViews with hvplot's pandas accessor, imported on first use (it takes seconds)."""
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401  (the Bokeh renderer, without notebook set-up)
    import hvplot.pandas  # noqa: F401  (registers DataFrame.hvplot)

    return hv


@functools.cache
def controls_js() -> str:
    """The JavaScript every figure's controls run: the maths twins, then the redraws."""
    return "\n".join((HERE / name).read_text() for name in ("maths.js", "figures.js"))


def _render(element: Any) -> Any:
    """A HoloViews element as a Bokeh model, sized to fill the column at a fixed aspect."""
    hv = _holoviews()
    model = hv.render(element, backend="bokeh")
    for fig in _plots(model):
        fig.output_backend = "canvas"  # no WebGL: exact lines, no bokeh-gl.js
        fig.toolbar.active_drag = None  # page scrolling on phones stays the reader's
        fig.toolbar.active_scroll = None
        fig.toolbar.logo = None
    return model


def _plots(model: Any) -> list[Any]:
    from bokeh.models import Plot

    return [m for m in model.select({"type": Plot})]


def _sized(fig: Any, width: int = WIDTH, height: int = HEIGHT) -> Any:
    fig.width, fig.height = width, height
    fig.sizing_mode = "scale_width"
    return fig


def _with_controls(
    name: str, spec_params: tuple[Param, ...], values: Mapping[str, Any], body: Any, **targets: Any
) -> Any:
    """The figure's body under one slider per ``control`` parameter, all sharing one callback.

    The callback recomputes in the browser with the JavaScript twins of ``maths`` and writes
    into the models named in ``targets``.
    """
    from bokeh.layouts import column
    from bokeh.models import CustomJS, RadioButtonGroup, Slider

    widgets = {}
    for p in spec_params:
        if not p.control:
            continue
        if p.kind is str:
            active = p.choices.index(values[p.name])
            widget = RadioButtonGroup(labels=list(p.choices), active=active)
        else:
            widget = Slider(
                start=p.low, end=p.high, value=values[p.name], step=p.step, title=p.label
            )
        widget.name = p.name
        widget.sizing_mode = "stretch_width"
        widgets[p.name] = widget
    fixed = {p.name: values[p.name] for p in spec_params if not p.control}
    callback = CustomJS(
        args=dict(controls=widgets, targets=targets, fixed=fixed, figure=name),
        code=controls_js() + "\nredraw[figure](controls, targets, fixed, cb_obj);",
    )
    for widget in widgets.values():
        widget.js_on_change("active" if isinstance(widget, RadioButtonGroup) else "value", callback)
    return column(list(widgets.values()) + [body], sizing_mode="stretch_width")


def _sources(*figs: Any) -> list[Any]:
    """The plots' data sources in drawing order (not select()'s set order: stable bytes)."""
    return [r.data_source for fig in figs for r in fig.renderers]


def build_sigmoid_tangent(v: Mapping[str, Any]) -> Any:
    """Figure 1: the sigmoid, its gradient, and the tangent at one point."""
    hv = _holoviews()
    curve = frames.sigmoid_frame(v["start"], v["stop"], v["points"])
    tangent = frames.tangent_frame(v["tangent_x"], v["half_width"])
    point = frames.point_frame(v["tangent_x"])
    opts = dict(responsive=False, xlabel="x", ylabel="value")
    overlay = (
        curve.hvplot.line(x="X", y="Sigmoid", color=TAN, label="sigmoid", **opts)
        * curve.hvplot.line(x="X", y="Gradient", color=BLUE, label="gradient", **opts)
        * tangent.hvplot.line(x="X-Tangent", y="Y-Tangent", color=RED, label="tangent", **opts)
        * point.hvplot.scatter(x="X-Point", y="Y-Point", color=RED, size=60, **opts)
    ).opts(hv.opts.Overlay(title="Sigmoid, its gradient and a tangent", legend_position="top_left"))
    fig = _sized(_render(overlay))
    _free_y(fig)
    return _with_controls(
        "sigmoid-tangent",
        FIGURES["sigmoid-tangent"].params,
        v,
        fig,
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


def build_side_by_side(v: Mapping[str, Any]) -> Any:
    """Figure 2: x, sigmoid(x) and the gradient in three panels sharing the x axis."""
    from bokeh.layouts import gridplot

    _holoviews()
    curve = frames.sigmoid_frame(v["start"], v["stop"], v["points"])
    panels = []
    for column_name, title in (("X", "x"), ("Sigmoid", "sigmoid(x)"), ("Gradient", "gradient")):
        element = curve.hvplot.line(
            x="X",
            y=column_name,
            color=SERIES_COLOURS[column_name],
            title=title,
            xlabel="x",
            ylabel="",
            responsive=False,
        )
        fig = _render(element)
        _free_y(fig)
        fig.sizing_mode = "scale_width"
        panels.append(fig)
    for fig in panels[1:]:
        fig.x_range = panels[0].x_range
    grid = gridplot(
        panels,
        ncols=3,
        width=WIDTH // 3,
        height=WIDTH // 3,
        toolbar_location="right",
        sizing_mode="scale_width",
    )
    return _with_controls(
        "side-by-side",
        FIGURES["side-by-side"].params,
        v,
        grid,
        sources=_sources(*panels),
        x_range=panels[0].x_range,
    )


def build_compression(v: Mapping[str, Any]) -> Any:
    """Figure 3: the three series on one axis, where the gradient's range all but vanishes."""
    hv = _holoviews()
    curve = frames.sigmoid_frame(v["start"], v["stop"], v["points"])
    overlay = hv.Overlay(
        [
            curve.hvplot.line(
                x="X", y=name, color=SERIES_COLOURS[name], label=label, responsive=False
            )
            for name, label in (("X", "x"), ("Sigmoid", "sigmoid"), ("Gradient", "gradient"))
        ]
    ).opts(
        hv.opts.Overlay(
            title="One axis: x, sigmoid and gradient",
            legend_position="top_left",
            ylim=(v["y_low"], v["y_high"]),
            xlabel="x",
            ylabel="value",
        )
    )
    fig = _sized(_render(overlay))
    return _with_controls(
        "compression",
        FIGURES["compression"].params,
        v,
        fig,
        sources=_sources(fig),
        x_range=fig.x_range,
        y_range=fig.y_range,
    )


def build_decay(v: Mapping[str, Any]) -> Any:
    """Figure 4: the cumulative product of gradients over steps, on a linear and a log axis."""
    from bokeh.layouts import column
    from bokeh.models import AdaptiveTicker

    _holoviews()
    decay = frames.decay_frame(v["x"], v["steps"])
    figs = {}
    for scale in ("linear", "log"):
        element = decay.hvplot.line(
            x="Step",
            y="Gradient",
            color=BLUE,
            logy=scale == "log",
            responsive=False,
            title="Product of gradients after n steps",
            xlabel="steps n",
            ylabel="product",
        ) * decay.hvplot.scatter(x="Step", y="Gradient", color=BLUE, size=30, responsive=False)
        fig = _sized(_render(element))
        fig.xaxis.ticker = AdaptiveTicker(min_interval=1, num_minor_ticks=0)
        _free_y(fig)
        _free_x(fig)
        fig.visible = scale == v["scale"]
        figs[scale] = fig
    body = column(list(figs.values()), sizing_mode="stretch_width")
    return _with_controls(
        "decay",
        FIGURES["decay"].params,
        v,
        body,
        sources=_sources(*figs.values()),
        plots=figs,
    )


def _table(html: str) -> Any:
    from bokeh.models import Div

    return Div(text=html, sizing_mode="stretch_width")


def build_numbers(v: Mapping[str, Any]) -> Any:
    """Figure 5: max and min of x, sigmoid and gradient over the range, as a table."""
    from vanishing_post import tables

    extremes = frames.extremes_frame(frames.sigmoid_frame(v["start"], v["stop"], v["points"]))
    div = _table(tables.extremes_html(extremes))
    return _with_controls("numbers", FIGURES["numbers"].params, v, div, table=div)


def build_decay_steps(v: Mapping[str, Any]) -> Any:
    """Figure 6: the decay step by step, inputs and cumulative product, as a table."""
    from vanishing_post import tables

    div = _table(tables.decay_steps_html(frames.decay_steps_frame(v["x"], v["steps"])))
    return _with_controls("decay-steps", FIGURES["decay-steps"].params, v, div, table=div)


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


def _x_range(start: float, stop: float) -> tuple[Param, ...]:
    return (
        Param("start", float, start, "x from", -1000.0, 1000.0, 0.5),
        Param("stop", float, stop, "x to", -1000.0, 1000.0, 0.5),
        Param("points", int, 100, "points", 2, 2000, 1, control=False),
    )


_DECAY = (
    Param("steps", int, 6, "steps n", 1, 60, 1),
    Param("x", float, 0.0, "input x", -20.0, 20.0, 0.1),
)

FIGURES: dict[str, FigureSpec] = {
    spec.name: spec
    for spec in (
        FigureSpec(
            "sigmoid-tangent",
            "The sigmoid, its gradient and the tangent at a point",
            _x_range(-10.0, 10.0)
            + (
                Param("tangent_x", float, 0.0, "tangent at x", -1000.0, 1000.0, 0.1),
                Param(
                    "half_width", float, 2.0, "tangent half-width", 0.1, 100.0, 0.1, control=False
                ),
            ),
            build_sigmoid_tangent,
            _tangent_check,
        ),
        FigureSpec(
            "side-by-side",
            "x, sigmoid(x) and its gradient side by side",
            _x_range(-5.0, 5.0),
            build_side_by_side,
            _range_check,
        ),
        FigureSpec(
            "compression",
            "x, sigmoid(x) and its gradient on one axis",
            _x_range(-5.0, 5.0)
            + (
                Param("y_low", float, -5.0, "y axis from", -1000.0, 0.0, 0.5),
                Param("y_high", float, 1.5, "y axis to", 0.5, 1000.0, 0.5, control=False),
            ),
            build_compression,
            _range_check,
        ),
        FigureSpec(
            "decay",
            "The product of gradients over n steps",
            _DECAY + (Param("scale", str, "linear", "y axis", choices=("linear", "log")),),
            build_decay,
        ),
        FigureSpec(
            "numbers",
            "Largest and smallest values over the x range",
            _x_range(-5.0, 5.0),
            build_numbers,
            _range_check,
        ),
        FigureSpec("decay-steps", "The decay step by step", _DECAY, build_decay_steps),
    )
}

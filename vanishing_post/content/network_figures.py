"""Figures for "So how do you fix this?": activations compared, and a real network's gradients.

Registered with the engine as this module is imported (``FIGURES`` holds this section's specs).
The two network figures are ``@figure`` functions: one frame per depth of the slider, drawn by
HoloViews. The activations figure has a ``draw_*`` function (no Bokeh in it, so any HoloViews
backend can render it) and a ``build_*`` function that adds in Bokeh what HoloViews cannot
say: one legend that hides an activation in all three panels. The numbers come from
``network`` (numpy, seeded), computed when the figure is built.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import param

from vanishing_post.content import network
from vanishing_post.content.colours import (
    ACTIVATION_COLOURS,
    COMPACT_LEGEND,
    GREY,
    TAN,
    legend_below,
)
from vanishing_post.engine import registry
from vanishing_post.engine.figure import figure
from vanishing_post.engine.params import FigureSpec, declared
from vanishing_post.engine.render import WIDTH, holoviews, panels_row, render

ACTIVATION_ORDER = ("sigmoid", "tanh", "relu", "leaky_relu")
# In the best-case panel three lines lie exactly on 1: each drawn thinner than the one below.
BEST_CASE_WIDTHS = {"sigmoid": 2, "tanh": 7, "relu": 4, "leaky_relu": 2}
# The network plots' size before the page fits them to its column: the other figures' aspect,
# and room for the legend under the plot (inside, on a phone, it covered the sigmoid's line).
SIZE = dict(width=640, height=470)
# The depths a reader can pick with the slider; every one is computed at build time.
DEPTH_LOW, DEPTH_HIGH, DEPTH_STEP = 10, 50, 10
DEPTHS = tuple(range(DEPTH_LOW, DEPTH_HIGH + 1, DEPTH_STEP))
BOUND = "bound"  # the series name of the 0.25^n line
PLAIN_SIGMOID = "sigmoid_plain"  # the residual figure's reference: sigmoid without skips
# Their legend labels: short, so that the legend's two columns fit a 320 px phone's column
BOUND_LABEL, PLAIN_LABEL = "0.25ⁿ, best case", "Sigmoid, no skips"
# A click on a legend entry hides that series (HoloViews' default only dims it); the legend is
# compact, so that it covers little of a small panel.
LEGEND = dict(COMPACT_LEGEND, click_policy="hide")


def activation_curves(start: float, stop: float, points: int) -> dict[str, dict[str, np.ndarray]]:
    """Each activation's values and gradient over one x range: name -> {x, value, gradient}."""
    x = np.linspace(start, stop, points)
    return {
        name: {
            "x": x,
            "value": network.ACTIVATIONS[name].forward(x),
            "gradient": network.ACTIVATIONS[name].derivative(x),
        }
        for name in ACTIVATION_ORDER
    }


def best_case_over_depth(steps: int) -> dict[str, np.ndarray]:
    """The best-case product of gradients after n = 1..steps layers, per activation."""
    return {name: network.best_case_product(name, steps) for name in ACTIVATION_ORDER}


@functools.cache
def layer_series(depth: int, residual: bool, seed: int) -> dict[str, np.ndarray]:
    """Gradient norm reaching each layer, relative to the last layer's, per series.

    Relative, so every activation starts at 1 at the top and the sigmoid's best case,
    0.25 per layer, is the ``bound`` series. The residual figure also carries the plain
    sigmoid, for comparison. Cached: the slider's table and the figure share the numbers.
    """
    series = {
        name: network.relative_layer_norms(name, depth=depth, residual=residual, seed=seed)
        for name in ACTIVATION_ORDER
    }
    if residual:
        series[PLAIN_SIGMOID] = network.relative_layer_norms("sigmoid", depth=depth, seed=seed)
    series[BOUND] = network.best_case_bound("sigmoid", depth)
    return series


def _label(name: str) -> str:
    if name == BOUND:
        return BOUND_LABEL
    if name == PLAIN_SIGMOID:
        return PLAIN_LABEL
    return network.ACTIVATIONS[name].label


def _lines(curves: list[Any], styles: list[tuple[str, float, str]], **axes: Any) -> Any:
    """``curves`` overlaid, each styled as a line (colour, width, dash), with the overlay's
    ``axes`` options.

    One option call for the whole overlay (cycles in the curves' order): HoloViews' option
    calls, not the drawing, are most of a figure's build time.
    """
    hv = holoviews()
    colours, widths, dashes = (list(column) for column in zip(*styles, strict=True))
    return hv.Overlay(curves).opts(
        hv.opts.Curve(
            color=hv.Cycle(colours),
            line_width=hv.Cycle(widths),
            line_dash=hv.Cycle(dashes),
            framewise=axes.get("framewise", False),
        ),
        hv.opts.Overlay(**axes),
    )


def _style(name: str) -> tuple[str, float, str]:
    """Colour, width and dash of one series of the network figures."""
    if name == BOUND:
        return GREY, 2, "dashed"
    if name == PLAIN_SIGMOID:
        return TAN, 2, "dotted"
    return ACTIVATION_COLOURS[name], 3, _dash(name)


def _dash(name: str) -> str:
    """Leaky ReLU is dashed: where it runs on top of ReLU, ReLU shows between the dashes."""
    return "dashed" if name == "leaky_relu" else "solid"


def draw_activations(v: Mapping[str, Any]) -> Any:
    """Three panels: the activations, their gradients, and the best case over depth (log y)."""
    hv = holoviews()
    curves = activation_curves(v["start"], v["stop"], v["points"])
    products = best_case_over_depth(v["steps"])
    steps = np.arange(1, v["steps"] + 1)

    styles = [(ACTIVATION_COLOURS[name], 2, _dash(name)) for name in ACTIVATION_ORDER]

    def panel(column: str, title: str, ylabel: str) -> Any:
        lines = [
            hv.Curve((curves[name]["x"], curves[name][column]), "x", ylabel, label=_label(name))
            for name in ACTIVATION_ORDER
        ]
        axes = dict(title=title, show_legend=column == "value", legend_position="top_left")
        return _lines(lines, styles, **axes)

    best = [
        hv.Curve((steps, products[name]), "layers n", "best-case product", label=_label(name))
        for name in ACTIVATION_ORDER
    ]
    best_styles = [
        (ACTIVATION_COLOURS[name], BEST_CASE_WIDTHS[name], _dash(name)) for name in ACTIVATION_ORDER
    ]
    axes = dict(title="Best case over n layers", logy=True, show_legend=False)
    panels = [
        panel("value", "Activations", "f(x)"),
        panel("gradient", "Gradients", "f'(x)"),
        _lines(best, best_styles, **axes),
    ]
    # Unshared axes: each panel ranges its own data (and HoloViews renders it three times
    # faster); the live figure links the two x axes itself.
    return hv.Layout(panels).cols(3).opts(shared_axes=False)


def build_activations(v: Mapping[str, Any]) -> Any:
    """The drawing in Bokeh: three panels side by side (stacked on a phone), legend clicks hide
    an activation."""
    grid = render(draw_activations(v))
    panels = [fig for fig, _, _ in grid.children]
    for fig in panels:
        _hide_on_click(fig)
        fig.width = fig.height = WIDTH // 3
        fig.sizing_mode = "scale_width"
    panels[1].x_range = panels[0].x_range  # the same inputs, panned and zoomed together
    # One legend (the first panel's) speaks for all three: hiding an activation there hides
    # its curve in the other panels too.
    for shown, *others in zip(*(fig.renderers for fig in panels), strict=True):
        for other in others:
            shown.js_link("visible", other, "visible")
    return panels_row(panels)


def _draw_network(depth: int, seed: int, residual: bool) -> Any:
    """Gradient norm per layer relative to the last, log y, one curve per series."""
    hv = holoviews()
    series = layer_series(depth, residual, seed)
    layers = np.arange(1, depth + 1)
    norm = hv.Dimension("norm", label="gradient norm / last layer's")
    # short: a Bokeh title does not wrap, and a phone's column is 343 px (the caption says more)
    title = "With skip connections" if residual else "Without skip connections"
    lines = [
        hv.Curve((layers, values), "layer", norm, label=_label(name), datatype=["dictionary"])
        for name, values in series.items()
    ]
    axes = dict(
        title=title,
        logy=True,
        **legend_below(**LEGEND),
        framewise=True,  # each depth's frame ranges its own layers and norms
        **SIZE,
    )
    return _lines(lines, [_style(name) for name in series], **axes)


def _network_frames(seed: int, residual: bool) -> Any:
    """One frame per depth the slider offers, each network computed at build time: a network
    cannot be retrained in the reader's browser, so the page carries every depth's numbers."""
    hv = holoviews()
    depth = hv.Dimension("depth", label="layers")
    return hv.DynamicMap(lambda depth: _draw_network(depth, seed, residual), kdims=[depth])


DEPTH = param.Integer(
    network.DEPTH,
    bounds=(DEPTH_LOW, DEPTH_HIGH),
    step=DEPTH_STEP,
    label="layers",
    doc="layers of the network shown first",
)
SEED = param.Integer(
    network.SEED, bounds=(0, 2**32 - 1), step=1, label="seed", precedence=-1, doc="the seed"
)


def _hide_on_click(fig: Any) -> None:
    """A click on a legend entry hides that series (HoloViews' default only dims it), in a
    compact legend that covers little of a small panel."""
    for legend in fig.legend:
        legend.update(**LEGEND)


# Alt text: what each figure shows, in numbers computed from the data it draws.


def _num(value: float) -> str:
    """A number as a reader reads it aloud: three significant figures."""
    return f"{value:.3g}"


def describe_activations(v: Mapping[str, Any]) -> str:
    """Alt text of the activations figure: each gradient's largest value, the best cases."""
    curves = activation_curves(v["start"], v["stop"], v["points"])
    products = best_case_over_depth(v["steps"])
    peaks = ", ".join(
        f"{_label(name)} {_num(float(curves[name]['gradient'].max()))}" for name in ACTIVATION_ORDER
    )
    return (
        f"Three line charts. The sigmoid, tanh, ReLU and leaky ReLU over x from "
        f"{_num(v['start'])} to {_num(v['stop'])}, then their gradients, whose largest values "
        f"are: {peaks}. Then, on a log axis, the best case after n layers up to {v['steps']}: "
        f"{_num(float(products['sigmoid'][-1]))} for the sigmoid, "
        f"{_num(float(products['relu'][-1]))} for the others."
    )


def _describe_network(depth: int, seed: int, residual: bool) -> str:
    series = layer_series(depth, residual, seed)
    firsts = ", ".join(
        f"{_label(name)} {_num(float(values[0]))}"
        for name, values in series.items()
        if name != BOUND
    )
    design = "with a skip connection around every layer" if residual else "without skips"
    return (
        f"Line chart, log y axis: the gradient norm reaching each of {depth} layers of a "
        f"network {design}, relative to the last layer's. The first layer gets: {firsts}; "
        f"the sigmoid's best case is {_num(float(series[BOUND][0]))}."
    )


def _depth_check(depth: int, seed: int) -> str | None:
    if depth % DEPTH_STEP:
        return f"depth ({depth}) must be a multiple of {DEPTH_STEP}, the slider's step"
    return None


def _activations_check(v: Mapping[str, Any]) -> str | None:
    if not v["start"] < v["stop"]:
        return f"start ({v['start']:g}) must be below stop ({v['stop']:g})"
    return None


FIGURES: dict[str, FigureSpec] = {
    spec.name: registry.register(spec)
    for spec in (
        FigureSpec(
            "activations",
            "Four activations, their gradients, and the best a chain of them can do",
            declared(
                "activations",
                {
                    "start": param.Number(
                        -5.0, bounds=(-100.0, 100.0), step=0.5, label="x from", precedence=-1
                    ),
                    "stop": param.Number(
                        5.0, bounds=(-100.0, 100.0), step=0.5, label="x to", precedence=-1
                    ),
                    # every 0.2: smooth in a panel a third of the column wide, 0 (ReLU's corner) in
                    "points": param.Integer(
                        51, bounds=(2, 2000), step=1, label="points", precedence=-1
                    ),
                    "steps": param.Integer(
                        20, bounds=(1, 60), step=1, label="layers n", precedence=-1
                    ),
                },
            ),
            build_activations,
            _activations_check,
            draw=draw_activations,
            describe=describe_activations,
        ),
    )
}


@figure(
    "layer-gradients",
    title="The gradient reaching each layer of a freshly initialised network",
    describe=lambda depth, seed: _describe_network(depth, seed, residual=False),
    check=_depth_check,
    depth=DEPTH,
    seed=SEED,
)
def layer_gradients(depth: int, seed: int) -> Any:
    """The plain network: the gradient norm reaching each layer, and the 0.25^n bound."""
    return _network_frames(seed, residual=False)


@figure(
    "skip-connections",
    title="The same network with a skip connection around every layer",
    describe=lambda depth, seed: _describe_network(depth, seed, residual=True),
    check=_depth_check,
    depth=DEPTH,
    seed=SEED,
)
def skip_connections(depth: int, seed: int) -> Any:
    """The same with a skip connection around every layer, and the plain sigmoid beside."""
    return _network_frames(seed, residual=True)


FIGURES.update((name, registry.FIGURES[name]) for name in ("layer-gradients", "skip-connections"))

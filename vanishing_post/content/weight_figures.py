"""Figures for "Where the gradient lands": the gradient of every single weight, layer by layer.

Each figure is one function under ``@figure``, drawn with hvplot from ``weights``' frames, with
alt text worded from the same numbers.
"""

from __future__ import annotations

import numpy as np
import param

from vanishing_post.content import network, weights
from vanishing_post.content.colours import (
    ACTIVATION_COLOURS,
    BLUE,
    COMPACT_LEGEND,
    RED,
    TAN,
    legend_below,
)
from vanishing_post.engine.figure import figure
from vanishing_post.engine.numbers import format_value

SIZE = dict(width=640, height=400)  # the other posts' plots' aspect
COLOURS = [ACTIVATION_COLOURS[a] for a in weights.ACTIVATION_ORDER]
# The compact legend, smaller still and without a title: over the histogram's top left corner
LEGEND = dict(COMPACT_LEGEND, label_height=12, glyph_height=12, glyph_width=12, title=None)
DEAD = "#d9d9d9"  # a unit that gets no gradient at all: below any colour of the log scale
ACTIVATION = param.Selector(
    objects=list(weights.ACTIVATION_ORDER),
    default="sigmoid",
    label="activation",
    doc="the activation shown first",
)
DEPTH = param.Integer(
    network.DEPTH,
    bounds=(weights.DEPTHS[0], weights.DEPTHS[-1]),
    step=weights.DEPTHS[1] - weights.DEPTHS[0],
    label="layers",
    doc="layers of the network shown first",
)
FIXED_DEPTH = param.Integer(
    network.DEPTH, bounds=(10, 50), step=1, label="layers", precedence=-1, doc="layers"
)
SEED = param.Integer(
    network.SEED, bounds=(0, 2**32 - 1), step=1, label="seed", precedence=-1, doc="the seed"
)


CONCENTRATION = "The fewest weights that hold half of each layer's squared gradient"

# Alt text in the post's own words, from ``weights``' numbers (the engine words the others').


def describe_histogram(activation: str, depth: int, seed: int) -> str:
    values = weights.magnitudes(activation, depth, seed=seed)
    shown = weights.shown_layers(depth)
    medians = ", ".join(f"layer {layer} {_median(values[layer - 1])}" for layer in shown)
    zeros = sum(int(np.sum(values[layer - 1] == 0)) for layer in shown)
    return (
        f"Histograms, on a log axis, of the gradient of each of the {values.shape[1]} weights "
        f"in the first, middle and last layer of a {depth}-layer {_label(activation)} network. "
        f"Median non-zero gradient: {medians}. Weights with a gradient of exactly zero, not "
        f"shown: {zeros}."
    )


def describe_heatmap(activation: str, depth: int, seed: int) -> str:
    norms = weights.unit_norms(activation, depth, seed=seed)
    return (
        f"Heat map, layers 1 to {depth} by units 1 to {norms.shape[1]}, log colour scale: the "
        f"gradient reaching each unit's weights in a {_label(activation)} network. Median "
        f"{_num(np.median(norms[0]))} in the first layer, {_num(np.median(norms[-1]))} in "
        f"the last; {int(np.sum(norms == 0))} of {norms.size} units get none (grey)."
    )


def _num(value: float) -> str:
    """A number to read aloud: two figures, or a power of ten when very small or large."""
    value = float(value)
    return (
        f"{value:.2g}" if value == 0 or 0.01 <= abs(value) < 1000 else format_value(value, "power")
    )


def _median(values: np.ndarray) -> str:
    """The median of the non-zero values, as the histogram shows them."""
    positive = values[values > 0]
    return _num(np.median(positive)) if positive.size else "none (all zero)"


def _label(activation: str) -> str:
    """The activation's name as it reads mid-sentence: sigmoid, tanh, ReLU, leaky ReLU."""
    first, space, rest = network.ACTIVATIONS[activation].label.partition(" ")
    return (first.lower() if first[1:].islower() else first) + space + rest


@figure("median-weight", title="The median weight's gradient, layer by layer", depth=FIXED_DEPTH)
def median_weight(depth):
    """Each layer's median non-zero |dL/dW|, one line per activation, on a log axis."""
    style = dict(by="activation", color=COLOURS, logy=True, **SIZE)
    lines = weights.median_frame(depth).hvplot.line(x="layer", y=weights.MEDIAN, **style)
    return lines.opts(height=470, **legend_below(title=None))  # inside, it would hide a line


@figure(
    "weight-histogram",
    title="How large each weight's gradient is, in the first, middle and last layer",
    describe=describe_histogram,
    activation=ACTIVATION,
    depth=FIXED_DEPTH,
    seed=SEED,
)
def weight_histogram(activation, depth, seed):
    """log10 |dL/dW| of every weight of three layers, one frame per activation."""
    return weights.histogram_frame(depth, seed).hvplot.hist(
        weights.LOG,
        by="layer",
        groupby="activation",
        bins=weights.histogram_bins(depth, seed),
        color=[BLUE, TAN, RED],
        alpha=0.6,
        line_alpha=0,
        ylabel="weights",
        legend="top_left",
        legend_opts=LEGEND,
        **SIZE,
    )


@figure(
    "unit-heatmap",
    title="The gradient reaching each unit's weights, layer by layer (grey: none at all)",
    describe=describe_heatmap,
    activation=ACTIVATION,
    depth=FIXED_DEPTH,
    seed=SEED,
)
def unit_heatmap(activation, depth, seed):
    """Each unit's row norm of dL/dW on a log colour scale, one frame per activation."""
    frame = weights.unit_frame(depth, seed)
    return frame.hvplot.heatmap(
        x="unit",
        y="layer",
        C=weights.UNIT,
        groupby="activation",
        logz=True,
        clim=weights.decades(frame[weights.UNIT]),
        cmap="viridis",
        clabel="gradient norm",
        **SIZE,
    ).opts(clipping_colors={"min": DEAD})


@figure("weight-concentration", title=CONCENTRATION, activation=ACTIVATION, depth=DEPTH, seed=SEED)
def weight_concentration(activation, depth, seed):
    """Each layer's ``half_share`` in percent, one frame per activation and depth."""
    frame = weights.concentration_frame(seed)
    top = 5 * np.ceil(frame[weights.SHARE].max() / 5)  # one y axis for every frame
    style = dict(color=BLUE, alpha=0.6, ylim=(0, top), framewise=True, **SIZE)
    return frame.hvplot.area(x="layer", y=weights.SHARE, groupby=["activation", "depth"], **style)

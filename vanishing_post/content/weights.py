"""Where the gradient lands: dLoss/dW for every single weight of the network in ``network``.

``network.layer_gradient_norms`` sums each layer's weights' gradients into one number; this
module keeps them apart, one value per weight, and measures how they spread within a layer:
their size on a log scale, what reaches each unit, and how few weights hold half the layer's
squared gradient. Pure numpy and pandas, seeded as ``network`` is; the figures of the post
"Where the gradient lands" and the numbers its prose quotes are made from these functions.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from vanishing_post.content import network
from vanishing_post.engine import numbers
from vanishing_post.engine.numbers import Quantity

ACTIVATION_ORDER = ("sigmoid", "tanh", "relu", "leaky_relu")
DEPTHS = (10, 20, 30, 40, 50)  # the depths the concentration figure's slider offers
HALF = 0.5  # the share of a layer's squared gradient the concentration measure asks for
BIN_WIDTH = 0.25  # the histogram's bins, in powers of ten
LOG = "log10 |dL/dW|"  # the histogram's column
UNIT = "gradient"  # the heat map's colour: the norm of a unit's row of dLoss/dW
SHARE = "% of weights"  # the concentration figure's y column
MEDIAN = "median |dL/dW|"  # the median figure's y column


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@functools.lru_cache(maxsize=64)
def weight_gradients(
    activation: str,
    depth: int = network.DEPTH,
    residual: bool = False,
    seed: int = network.SEED,
) -> tuple[np.ndarray, ...]:
    """dLoss/dW of each layer (shape (width, width), row = output unit, column = input unit),
    first layer first, for the network ``network.layer_gradient_norms`` measures. Read-only:
    cached (a build's figures and numbers share them), so shared by every caller."""
    rng = np.random.default_rng(seed)
    params = network.init_params(activation, depth, network.WIDTH, rng)
    x, targets = network.synthetic_batch(network.WIDTH, network.BATCH, rng)
    _, grads = network.loss_and_gradients(params, x, targets, activation, residual)
    return tuple(_read_only(g.weights.copy()) for g in grads)


@functools.lru_cache(maxsize=64)
def magnitudes(
    activation: str, depth: int = network.DEPTH, residual: bool = False, seed: int = network.SEED
) -> np.ndarray:
    """|dLoss/dW| of every weight, shape (depth, width * width): one row per layer."""
    grads = weight_gradients(activation, depth, residual, seed)
    return _read_only(np.abs(np.stack([g.ravel() for g in grads])))


def median_frame(depth: int = network.DEPTH, seed: int = network.SEED) -> pd.DataFrame:
    """The median non-zero |dL/dW| of each layer, per activation: a weight's typical gradient,
    layer by layer (zero gradients left out: a log axis has no place for them)."""
    rows = []
    for activation in ACTIVATION_ORDER:
        for layer, values in enumerate(magnitudes(activation, depth, seed=seed), start=1):
            positive = values[values > 0]
            median = float(np.median(positive)) if positive.size else float("nan")
            rows.append((network.ACTIVATIONS[activation].label, layer, median))
    return pd.DataFrame(rows, columns=["activation", "layer", MEDIAN])


def unit_norms(
    activation: str, depth: int = network.DEPTH, residual: bool = False, seed: int = network.SEED
) -> np.ndarray:
    """The gradient reaching each unit's incoming weights (the norm of a row of dLoss/dW),
    shape (depth, width). Zero for a unit that no example switches on (a dead ReLU)."""
    grads = weight_gradients(activation, depth, residual, seed)
    return np.stack([np.linalg.norm(g, axis=1) for g in grads])


def input_similarity(
    activation: str, depth: int = network.DEPTH, residual: bool = False, seed: int = network.SEED
) -> np.ndarray:
    """For each layer, the mean cosine similarity between two different examples of the batch
    in what the layer receives (its ``h_{l-1}``): near 0 for independent random vectors, 1 when
    every example points the same way. Shape (depth,)."""
    rng = np.random.default_rng(seed)
    params = network.init_params(activation, depth, network.WIDTH, rng)
    x, _ = network.synthetic_batch(network.WIDTH, network.BATCH, rng)
    similarities = []
    for h in network.forward(params, x, activation, residual).inputs:
        lengths = np.linalg.norm(h, axis=1, keepdims=True)
        unit = np.divide(h, lengths, out=np.zeros_like(h), where=lengths > 0)
        pairs = np.triu_indices(len(h), k=1)
        similarities.append(float(np.mean((unit @ unit.T)[pairs])))
    return np.array(similarities)


def zero_share(values: np.ndarray) -> np.ndarray:
    """Per row (layer), the fraction of its entries that are exactly zero."""
    return np.mean(np.asarray(values) == 0, axis=-1)


def half_share(values: np.ndarray, share: float = HALF) -> np.ndarray:
    """Per row (layer), the smallest fraction of its weights whose squared gradients add up to
    ``share`` of the row's sum of squares: 0.5 if every weight got the same gradient, 1/n if one
    weight got it all, 0 if none got any."""
    squares = np.sort(np.asarray(values, dtype=float) ** 2, axis=-1)[..., ::-1]
    running = np.cumsum(squares, axis=-1)
    total = running[..., -1:]
    needed = np.sum(running < share * total, axis=-1) + 1
    return np.where(total[..., 0] > 0, needed, 0) / squares.shape[-1]


def shown_layers(depth: int) -> tuple[int, int, int]:
    """The layers the histogram shows (1-based): the first, the middle and the last."""
    return 1, (depth + 1) // 2, depth


def layer_label(layer: int, depth: int) -> str:
    where = {1: "first", depth: "last"}.get(layer, "middle")
    return f"layer {layer} ({where})"


def histogram_frame(depth: int = network.DEPTH, seed: int = network.SEED) -> pd.DataFrame:
    """log10 |dL/dW| of every weight with a non-zero gradient in the first, middle and last
    layer, per activation: columns activation, layer (its label), LOG."""
    parts = []
    for activation in ACTIVATION_ORDER:
        values = magnitudes(activation, depth, seed=seed)
        for layer in shown_layers(depth):
            row = values[layer - 1]
            parts.append(
                pd.DataFrame(
                    {
                        "activation": activation,
                        "layer": layer_label(layer, depth),
                        LOG: np.log10(row[row > 0]),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def histogram_bins(depth: int = network.DEPTH, seed: int = network.SEED) -> np.ndarray:
    """Bin edges every BIN_WIDTH powers of ten, shared by every activation, so switching
    between them moves the bars, not the axis."""
    logs = histogram_frame(depth, seed)[LOG]
    low = np.floor(logs.min() / BIN_WIDTH) * BIN_WIDTH
    high = np.ceil(logs.max() / BIN_WIDTH) * BIN_WIDTH
    return low + BIN_WIDTH * np.arange(round((high - low) / BIN_WIDTH) + 1)


def unit_frame(depth: int = network.DEPTH, seed: int = network.SEED) -> pd.DataFrame:
    """The gradient reaching each unit of each layer (``unit_norms``), per activation: columns
    activation, layer, unit (both 1-based), UNIT. Zero for a unit that gets none."""
    parts = []
    for activation in ACTIVATION_ORDER:
        norms = unit_norms(activation, depth, seed=seed)
        layers, units = np.indices(norms.shape)
        parts.append(
            pd.DataFrame(
                {
                    "activation": activation,
                    "layer": layers.ravel() + 1,
                    "unit": units.ravel() + 1,
                    UNIT: norms.ravel(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def decades(values: np.ndarray) -> tuple[float, float]:
    """The powers of ten just below the smallest positive value and just above the largest."""
    positive = np.asarray(values)[np.asarray(values) > 0]
    return 10.0 ** np.floor(np.log10(positive.min())), 10.0 ** np.ceil(np.log10(positive.max()))


def concentration_frame(seed: int = network.SEED) -> pd.DataFrame:
    """For each activation and depth in DEPTHS, each layer's ``half_share`` in percent:
    columns activation, depth, layer, SHARE."""
    parts = [
        pd.DataFrame(
            {
                "activation": activation,
                "depth": depth,
                "layer": np.arange(1, depth + 1),
                SHARE: 100 * half_share(magnitudes(activation, depth, seed=seed)),
            }
        )
        for activation in ACTIVATION_ORDER
        for depth in DEPTHS
    ]
    return pd.concat(parts, ignore_index=True)


# --- the numbers the prose quotes, at the network's default depth and seed -----------------


def _percentile_ratio(activation: str, layer: int, low: float = 10, high: float = 90) -> float:
    """How many times the ``high``-th percentile of a layer's |dL/dW| exceeds its ``low``-th."""
    row = magnitudes(activation)[layer - 1]
    return float(np.percentile(row, high) / np.percentile(row, low))


def _median_first_over_last(activation: str) -> float:
    values = magnitudes(activation)
    return float(np.median(values[0]) / np.median(values[-1]))


def _dead_units(activation: str) -> float:
    """Percent of the network's units past the first layer that pass back no gradient."""
    return 100 * float(zero_share(unit_norms(activation)[1:].ravel()))


def _median_half_share(activation: str) -> float:
    """The median over layers of ``half_share``, in percent."""
    return 100 * float(np.median(half_share(magnitudes(activation))))


def _median_span(activation: str) -> float:
    """How far the median non-zero |dL/dW| of a layer moves over the layers: its largest over
    its smallest."""
    frame = median_frame()
    medians = frame[frame["activation"] == network.ACTIVATIONS[activation].label][MEDIAN]
    return float(medians.max() / medians.min())


def _median_factor_per_layer(activation: str) -> float:
    """The factor the median non-zero |dL/dW| shrinks by per layer, first layer to last,
    on average (geometric)."""
    frame = median_frame()
    medians = frame[frame["activation"] == network.ACTIVATIONS[activation].label][MEDIAN]
    return float((medians.iloc[-1] / medians.iloc[0]) ** (1 / (len(medians) - 1)))


def _quantities() -> list[Quantity]:
    last = network.DEPTH
    middle = shown_layers(last)[1]
    table = [
        (
            "sigmoid-median-factor",
            "sigmoid: factor the median weight gradient grows by per layer, first to last",
            lambda: _median_factor_per_layer("sigmoid"),
            "decimal",
        ),
        *(
            (
                f"{activation.replace('_', '-')}-median-span",
                f"{activation}: largest layer median |dL/dW| over the smallest",
                functools.partial(_median_span, activation),
                style,
            )
            for activation, style in (
                ("tanh", "decimal"),
                ("relu", "decimal"),
                ("leaky_relu", "integer"),
            )
        ),
        ("weights-per-layer", "weights in each layer", lambda: network.WIDTH**2, "integer"),
        ("middle-layer", "the middle layer the histogram shows", lambda: middle, "integer"),
        (
            "sigmoid-weight-spread",
            "sigmoid, last layer: 90th percentile of |dL/dW| over the 10th",
            lambda: _percentile_ratio("sigmoid", last),
            "decimal",
        ),
        (
            "sigmoid-weight-shift",
            "sigmoid: median |dL/dW| of the first layer over the last layer's",
            lambda: _median_first_over_last("sigmoid"),
            "power",
        ),
        (
            "sigmoid-first-layer-spread",
            "sigmoid, first layer: 90th percentile of |dL/dW| over the 10th",
            lambda: _percentile_ratio("sigmoid", 1),
            "decimal",
        ),
        (
            "sigmoid-first-best-over-last-worst",
            "sigmoid: largest |dL/dW| of the first layer over the smallest of the last",
            lambda: float(magnitudes("sigmoid")[0].max() / magnitudes("sigmoid")[-1].min()),
            "power",
        ),
        (
            "relu-last-input-similarity",
            "ReLU: mean cosine similarity of two examples as the last layer receives them",
            lambda: float(input_similarity("relu")[-1]),
            "decimal",
        ),
        (
            "tanh-weight-shift",
            "tanh: median |dL/dW| of the first layer over the last layer's",
            lambda: _median_first_over_last("tanh"),
            "decimal",
        ),
        (
            "relu-zero-weights-middle",
            "ReLU: percent of the middle layer's weights whose gradient is exactly zero",
            lambda: 100 * float(zero_share(magnitudes("relu")[middle - 1])),
            "integer",
        ),
        (
            "relu-zero-weights-last",
            "ReLU: percent of the last layer's weights whose gradient is exactly zero",
            lambda: 100 * float(zero_share(magnitudes("relu")[-1])),
            "integer",
        ),
        (
            "relu-dead-units",
            "ReLU: percent of the units past the first layer that pass back no gradient",
            lambda: _dead_units("relu"),
            "integer",
        ),
        (
            "leaky-relu-weight-spread",
            "leaky ReLU, last layer: 90th percentile of |dL/dW| over the 10th",
            lambda: _percentile_ratio("leaky_relu", last),
            "power",
        ),
    ]
    for activation in ACTIVATION_ORDER:
        slug = activation.replace("_", "-")
        table.append(
            (
                f"{slug}-half-share",
                f"{activation}: median over layers of the percent of weights holding half of "
                "the layer's squared gradient",
                functools.partial(_median_half_share, activation),
                "decimal",
            )
        )
    return [Quantity(*row) for row in table]


QUANTITIES: dict[str, Quantity] = {q.name: numbers.register(q) for q in _quantities()}

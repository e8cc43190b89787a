"""The gradient of every single weight (content/weights.py) and the figures made from it
(content/weight_figures.py), checked against ``network`` and through the figures' Bokeh models:
every frame a control can show holds the numbers ``weights`` computes for it."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from bokeh.models import (
    ColumnDataSource,
    CustomJS,
    LogColorMapper,
    Patch,
    Plot,
    Quad,
    RadioButtonGroup,
    Range1d,
    Slider,
)

from tests.sites import ROOT
from vanishing_post.content import network, weight_figures, weights
from vanishing_post.engine import numbers
from vanishing_post.engine.params import FigureError
from vanishing_post.engine.registry import FIGURES
from vanishing_post.engine.render import model_parts, of_type

FRAMED = ("weight-histogram", "unit-heatmap", "weight-concentration")  # with activation buttons
NAMES = ("weight-histogram", "median-weight", "unit-heatmap", "weight-concentration")  # in order
SEEDS = (0, 1, 7)


def rows(frame: pd.DataFrame, **equal: Any) -> pd.DataFrame:
    """The rows of ``frame`` whose columns hold the given values."""
    mask = np.ones(len(frame), dtype=bool)
    for column, value in equal.items():
        mask &= (frame[column] == value).to_numpy()
    return frame[mask]


# --- weights: the gradient of each weight ---------------------------------------------------


@pytest.mark.parametrize("activation", weights.ACTIVATION_ORDER)
@pytest.mark.parametrize("residual", [False, True])
def test_each_layers_weight_gradients_add_up_to_the_layer_norm_the_network_measures(
    activation: str, residual: bool
) -> None:
    for seed in SEEDS:
        grads = weights.weight_gradients(activation, network.DEPTH, residual, seed)
        frobenius = [math.sqrt(float(np.sum(g * g))) for g in grads]
        expected = network.layer_gradient_norms(activation, residual=residual, seed=seed)
        np.testing.assert_allclose(frobenius, expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("depth", [10, 23, 50])
def test_one_gradient_per_weight_one_row_per_layer(depth: int) -> None:
    grads = weights.weight_gradients("tanh", depth)
    assert len(grads) == depth
    assert all(g.shape == (network.WIDTH, network.WIDTH) for g in grads)
    values = weights.magnitudes("tanh", depth)
    assert values.shape == (depth, network.WIDTH**2)
    np.testing.assert_array_equal(values, np.abs(np.stack([g.ravel() for g in grads])))
    assert weights.unit_norms("tanh", depth).shape == (depth, network.WIDTH)


def test_the_cached_arrays_cannot_be_changed_by_a_caller() -> None:
    grads = weights.weight_gradients("sigmoid")
    with pytest.raises(ValueError):
        grads[0][0, 0] = 1.0
    with pytest.raises(ValueError):
        weights.magnitudes("sigmoid")[0, 0] = 1.0


def test_a_seed_gives_the_same_gradients_every_time_and_another_seed_others() -> None:
    first = weights.weight_gradients("relu", 20, False, 3)
    weights.weight_gradients.cache_clear()
    weights.magnitudes.cache_clear()
    again = weights.weight_gradients("relu", 20, False, 3)
    assert first is not again
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    other = weights.weight_gradients("relu", 20, False, 4)
    assert not np.array_equal(first[0], other[0])


def test_a_unit_gets_no_gradient_exactly_when_no_example_switches_it_on() -> None:
    """A dead ReLU: z <= 0 for every example of the batch, so its whole row of dL/dW is 0."""
    rng = np.random.default_rng(network.SEED)
    params = network.init_params("relu", network.DEPTH, network.WIDTH, rng)
    x, _ = network.synthetic_batch(network.WIDTH, network.BATCH, rng)
    z = network.forward(params, x, "relu").pre_activations
    off = np.stack([np.all(layer <= 0, axis=0) for layer in z])  # (depth, width)
    norms = weights.unit_norms("relu")
    assert off.any()
    np.testing.assert_array_equal(norms == 0, off)
    # ... and the inputs a dead unit feeds get nothing through it: its column in the next layer
    grads = weights.weight_gradients("relu")
    for layer in range(1, network.DEPTH):
        assert np.all(grads[layer][:, off[layer - 1]] == 0)


def test_input_similarity_is_the_mean_cosine_between_two_examples() -> None:
    rng = np.random.default_rng(5)
    params = network.init_params("relu", 4, network.WIDTH, rng)
    x, _ = network.synthetic_batch(network.WIDTH, network.BATCH, rng)
    inputs = network.forward(params, x, "relu").inputs
    for layer, h in enumerate(inputs):
        cosines = [
            float(h[a] @ h[b] / (np.linalg.norm(h[a]) * np.linalg.norm(h[b])))
            for a in range(len(h))
            for b in range(a + 1, len(h))
        ]
        similarity = weights.input_similarity("relu", 4, seed=5)[layer]
        assert similarity == pytest.approx(np.mean(cosines), rel=1e-9)
    # independent random inputs at the bottom; examples alike at the top of a deep ReLU net
    deep = weights.input_similarity("relu", 20)
    assert abs(deep[0]) < 0.1 < 0.9 < deep[-1] <= 1


def test_the_leaky_relu_leaves_no_weight_without_a_gradient() -> None:
    assert weights.zero_share(weights.magnitudes("leaky_relu")).max() == 0
    assert weights.zero_share(weights.magnitudes("relu")).max() > 0


def test_the_unit_norms_are_the_rows_of_the_weight_gradients() -> None:
    for activation in weights.ACTIVATION_ORDER:
        grads = weights.weight_gradients(activation)
        expected = [[math.sqrt(float(np.sum(row * row))) for row in g] for g in grads]
        np.testing.assert_allclose(weights.unit_norms(activation), expected, rtol=1e-12)


# --- the measures ---------------------------------------------------------------------------


def test_half_share_counts_the_fewest_weights_that_hold_half_the_squares() -> None:
    n = 8
    assert weights.half_share(np.ones((1, n)))[0] == 0.5  # all alike: half of them
    assert weights.half_share(np.eye(n)[:1])[0] == 1 / n  # one weight holds it all
    assert weights.half_share(np.zeros((1, n)))[0] == 0  # nothing to hold
    # squares 16, 9, 0, 0: the largest alone (16 of 25) holds more than half
    assert weights.half_share(np.array([[0.0, 3.0, 0.0, -4.0]]))[0] == 1 / 4
    # squares 9, 9, 9, 9: two hold exactly half; 90 % needs all four (36 * 0.9 > 27)
    assert weights.half_share(np.full((1, 4), 3.0))[0] == 2 / 4
    assert weights.half_share(np.full((1, 4), 3.0), share=0.9)[0] == 1.0
    rows = np.array([[1.0, 1.0, 1.0, 1.0], [5.0, 0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(weights.half_share(rows), [0.5, 0.25])


def test_zero_share_is_the_fraction_of_exact_zeros_per_row() -> None:
    values = np.array([[0.0, 1.0, 0.0, 2.0], [1e-300, 1.0, 1.0, 1.0]])
    np.testing.assert_array_equal(weights.zero_share(values), [0.5, 0.0])


@pytest.mark.parametrize("depth", [10, 20, 21, 50])
def test_the_histogram_shows_the_first_middle_and_last_layer(depth: int) -> None:
    first, middle, last = weights.shown_layers(depth)
    assert first == 1 and last == depth and first < middle < last
    assert abs((middle - first) - (last - middle)) <= 1


def test_the_histogram_frame_holds_every_non_zero_weight_of_the_three_layers() -> None:
    frame = weights.histogram_frame()
    assert set(frame["activation"]) == set(weights.ACTIVATION_ORDER)
    for activation in weights.ACTIVATION_ORDER:
        values = weights.magnitudes(activation)
        for layer in weights.shown_layers(network.DEPTH):
            label = weights.layer_label(layer, network.DEPTH)
            shown = rows(frame, activation=activation, layer=label)[weights.LOG]
            row = values[layer - 1]
            np.testing.assert_array_equal(np.sort(shown), np.sort(np.log10(row[row > 0])))


def test_the_histograms_bins_are_evenly_spaced_and_hold_every_value() -> None:
    edges = weights.histogram_bins()
    np.testing.assert_allclose(np.diff(edges), weights.BIN_WIDTH, rtol=1e-12)
    logs = weights.histogram_frame()[weights.LOG]
    assert edges[0] <= logs.min() and logs.max() <= edges[-1]
    assert logs.min() - edges[0] < weights.BIN_WIDTH and edges[-1] - logs.max() < weights.BIN_WIDTH


def test_the_unit_frame_holds_every_units_gradient_dead_ones_as_zero() -> None:
    frame = weights.unit_frame()
    for activation in weights.ACTIVATION_ORDER:
        cells = rows(frame, activation=activation)
        grid = np.zeros((network.DEPTH, network.WIDTH))
        grid[cells["layer"] - 1, cells["unit"] - 1] = cells[weights.UNIT]
        assert len(cells) == grid.size
        np.testing.assert_array_equal(grid, weights.unit_norms(activation))


def test_decades_round_out_to_powers_of_ten_past_the_positive_values() -> None:
    assert weights.decades(np.array([0.0, 0.03, 7.0])) == (0.01, 10.0)
    assert weights.decades(np.array([1.0, 100.0])) == (1.0, 100.0)


def test_the_concentration_frame_holds_every_depth_and_activation() -> None:
    frame = weights.concentration_frame()
    for activation in weights.ACTIVATION_ORDER:
        for depth in weights.DEPTHS:
            shown = rows(frame, activation=activation, depth=depth)
            assert list(shown["layer"]) == list(range(1, depth + 1))
            expected = 100 * weights.half_share(weights.magnitudes(activation, depth))
            np.testing.assert_array_equal(shown[weights.SHARE], expected)


# --- the numbers the prose quotes -----------------------------------------------------------


def test_every_quantity_is_registered_and_reads_as_a_finite_number() -> None:
    for name, quantity in weights.QUANTITIES.items():
        assert numbers.lookup(name) is quantity
        assert math.isfinite(float(quantity.compute()))
        assert numbers.quantity_text(name)


def test_the_quantities_are_the_measures_recomputed() -> None:
    q = {name: float(quantity.compute()) for name, quantity in weights.QUANTITIES.items()}
    assert q["weights-per-layer"] == network.WIDTH**2
    sigmoid, relu = weights.magnitudes("sigmoid"), weights.magnitudes("relu")
    assert q["sigmoid-weight-shift"] == pytest.approx(
        np.median(sigmoid[0]) / np.median(sigmoid[-1]), rel=1e-12
    )
    last = sigmoid[-1]
    assert q["sigmoid-weight-spread"] == pytest.approx(
        np.percentile(last, 90) / np.percentile(last, 10), rel=1e-12
    )
    assert q["relu-zero-weights-last"] == pytest.approx(100 * np.mean(relu[-1] == 0))
    middle = weights.shown_layers(network.DEPTH)[1]
    assert q["middle-layer"] == middle
    assert q["relu-zero-weights-middle"] == pytest.approx(100 * np.mean(relu[middle - 1] == 0))
    assert q["sigmoid-first-layer-spread"] == pytest.approx(
        np.percentile(sigmoid[0], 90) / np.percentile(sigmoid[0], 10), rel=1e-12
    )
    assert q["sigmoid-first-best-over-last-worst"] == sigmoid[0].max() / sigmoid[-1].min()
    assert q["relu-last-input-similarity"] == weights.input_similarity("relu")[-1]
    dead = weights.unit_norms("relu")[1:] == 0
    assert q["relu-dead-units"] == pytest.approx(100 * dead.mean())
    for activation in weights.ACTIVATION_ORDER:
        shares = weights.half_share(weights.magnitudes(activation))
        name = activation.replace("_", "-") + "-half-share"
        assert q[name] == pytest.approx(100 * np.median(shares))


def test_what_the_prose_says_about_them_holds() -> None:
    """The post's claims, as inequalities: it quotes the numbers, these check the words."""
    q = {name: float(quantity.compute()) for name, quantity in weights.QUANTITIES.items()}
    assert q["sigmoid-weight-spread"] < q["sigmoid-first-layer-spread"] < 100
    assert 1e10 < 1 / q["sigmoid-weight-shift"]
    assert q["sigmoid-first-best-over-last-worst"] < 1  # the layers' histograms do not overlap
    assert 0.5 < q["tanh-weight-shift"] < 2
    assert q["relu-zero-weights-last"] > 50 and q["leaky-relu-weight-spread"] > 1e3
    assert q["relu-half-share"] < q["tanh-half-share"] < q["sigmoid-half-share"] < 50
    assert q["leaky-relu-half-share"] < q["tanh-half-share"]  # no better than ReLU's
    # ReLU's dead units: none in the first two layers, more in the top half than the bottom
    dead = weights.unit_norms("relu") == 0
    half = network.DEPTH // 2
    assert not dead[:2].any() and dead[:half].mean() < dead[half:].mean()


def test_the_post_quotes_registered_numbers_and_places_every_figure_of_this_module() -> None:
    post = (ROOT / "posts" / "where-the-gradient-lands.md").read_text(encoding="utf-8")
    quoted = set(re.findall(r"{{%\s*number\s+(\S+)\s*%}}", post))
    assert quoted and quoted <= set(numbers.QUANTITIES)
    assert set(weights.QUANTITIES) <= quoted  # every number registered here is quoted
    placed = re.findall(r"^{{%\s*figure\s+(\S+)[^%]*%}}$", post, re.MULTILINE)
    assert placed == list(NAMES)
    assert post.index("<!-- TEASER_END -->") < post.index("{{% figure")


# --- the figures, through their Bokeh models ------------------------------------------------


def controls(model: Any) -> dict[str, Any]:
    return {c.name: c for c in of_type(model_parts(model), (Slider, RadioButtonGroup))}


def targets(model: Any) -> dict[str, Any]:
    """What the controls' callback swaps in: every frame's data, ranges and titles."""
    control = next(iter(controls(model).values()))
    prop = "active" if isinstance(control, RadioButtonGroup) else "value"
    [callback] = [c for c in control.js_property_callbacks[f"change:{prop}"] if "targets" in c.args]
    assert isinstance(callback, CustomJS)
    return callback.args["targets"]


def frame_data(model: Any, **key: Any) -> list[dict[str, list]]:
    """Each watched source's data as the page shows it once the controls choose ``key``."""
    shipped = targets(model)
    frames = shipped["frames"]
    at = frames["keys"].index([key[dim] for dim in shipped["dims"]])
    shown = []
    for source, changes in zip(shipped["sources"], frames["sources"], strict=True):
        data = {column: list(values) for column, values in source.data.items()}
        for column, per_frame in (changes or {}).items():
            data[column] = per_frame[at]
        shown.append(data)
    return shown


def frame_ranges(model: Any, **key: Any) -> dict[str, tuple[float, float]]:
    """Each watched range's (start, end) once the controls choose ``key``, by the range's id."""
    shipped = targets(model)
    frames = shipped["frames"]
    at = frames["keys"].index([key[dim] for dim in shipped["dims"]])
    found = {}
    for model_, changes in zip(shipped["models"], frames["models"], strict=True):
        if isinstance(model_, Range1d):
            changes = changes or {}
            found[model_.id] = tuple(
                changes[end][at] if end in changes else getattr(model_, end)
                for end in ("start", "end")
            )
    return found


@pytest.mark.parametrize("name", FRAMED)
def test_each_figure_is_registered_with_an_activation_button_per_activation(
    name: str, figure: Any
) -> None:
    spec = FIGURES[name]
    assert [p.name for p in spec.params] == ["activation", "depth", "seed"]
    buttons = controls(figure(name))["activation"]
    assert sorted(buttons.labels) == sorted(weights.ACTIVATION_ORDER)
    assert buttons.labels[buttons.active] == "sigmoid"
    started = controls(figure(name, activation="relu"))["activation"]
    assert started.labels[started.active] == "relu"


@pytest.mark.parametrize("name", [n for n in NAMES if FIGURES[n].describe])
def test_each_figures_alt_text_states_numbers_from_weights(name: str) -> None:
    spec = FIGURES[name]
    text = spec.describe(spec.values({"activation": "relu"}))
    assert "ReLU" in text and str(network.DEPTH) in text
    if name == "unit-heatmap":
        dead = int(np.sum(weights.unit_norms("relu") == 0))
        assert f"{dead} of {network.DEPTH * network.WIDTH} units" in text


def test_the_histogram_counts_every_weight_of_each_layer_in_every_frame(figure: Any) -> None:
    model = figure("weight-histogram")
    edges = weights.histogram_bins()
    frame = weights.histogram_frame()
    for activation in weights.ACTIVATION_ORDER:
        bars = [d for d in frame_data(model, activation=activation) if "top" in d]
        assert len(bars) == 3
        for data in bars:
            [label] = set(data["layer"])
            logs = rows(frame, activation=activation, layer=label)[weights.LOG]
            counts, _ = np.histogram(logs, bins=edges)
            assert list(data["top"]) == list(counts), (activation, label)
            np.testing.assert_allclose(data["left"], edges[:-1], rtol=1e-12)
            np.testing.assert_allclose(data["right"], edges[1:], rtol=1e-12)
    assert of_type(model_parts(model), Quad)


def test_the_heat_map_colours_every_unit_by_its_gradient_and_dead_ones_grey(
    figure: Any,
) -> None:
    model = figure("unit-heatmap")
    [mapper] = of_type(model_parts(model), LogColorMapper)
    assert (mapper.low, mapper.high) == weights.decades(weights.unit_frame()[weights.UNIT])
    assert mapper.low_color == weight_figures.DEAD
    for activation in weights.ACTIVATION_ORDER:
        [cells] = [d for d in frame_data(model, activation=activation) if "zvalues" in d]
        grid = np.full((network.DEPTH, network.WIDTH), np.nan)
        grid[np.array(cells["layer"]) - 1, np.array(cells["unit"]) - 1] = cells["zvalues"]
        np.testing.assert_array_equal(grid, weights.unit_norms(activation))
        # dead units are drawn as 0, below the mapper's lowest colour: grey
        assert (np.array(cells["zvalues"]) == 0).any() == (activation == "relu")


def test_the_area_shows_each_layers_share_for_every_depth_and_activation(figure: Any) -> None:
    model = figure("weight-concentration")
    top = weights.concentration_frame()[weights.SHARE].max()
    slider = controls(model)["depth"]
    assert (slider.start, slider.end, slider.step, slider.value) == (10, 50, 10, network.DEPTH)
    assert of_type(model_parts(model), Patch)
    [plot] = of_type(model_parts(model), Plot)
    for activation in weights.ACTIVATION_ORDER:
        for depth in weights.DEPTHS:
            [area] = [d for d in frame_data(model, activation=activation, depth=depth) if "y" in d]
            expected = 100 * weights.half_share(weights.magnitudes(activation, depth))
            # the area's outline: its baseline left to right, then the values back
            layers = list(range(1, depth + 1))
            assert list(area["x"]) == layers + layers[::-1]
            assert not any(area["y"][:depth])
            np.testing.assert_array_equal(area["y"][depth:][::-1], expected)
            # the x axis follows the depth; the y axis stays put, so frames compare
            ranges = frame_ranges(model, activation=activation, depth=depth)
            x_range, y_range = ranges[plot.x_range.id], ranges[plot.y_range.id]
            assert x_range == (1, depth)
            assert y_range[0] == 0 and top <= y_range[1] < top + 5


def test_the_area_refuses_a_depth_its_slider_cannot_show() -> None:
    spec = FIGURES["weight-concentration"]
    with pytest.raises(FigureError, match="'depth': 15 has no frame, allowed: one of 10, 20"):
        spec.build(spec.values({"depth": "15"}))
    assert spec.values({"depth": "40"})["depth"] == 40


def test_the_median_figure_draws_each_activations_medians(figure: Any) -> None:
    frame = weights.median_frame()
    lines = [
        s.data
        for s in of_type(model_parts(figure("median-weight")), ColumnDataSource)
        if weights.MEDIAN in s.data
    ]
    drawn = sorted(list(np.asarray(d[weights.MEDIAN])) for d in lines)
    expected = sorted(list(g[weights.MEDIAN]) for _, g in frame.groupby("activation"))
    assert len(drawn) == len(weights.ACTIVATION_ORDER)
    np.testing.assert_array_equal(drawn, expected)


def test_every_figure_holds_only_finite_numbers(figure: Any) -> None:
    drawn = [figure(name, activation="relu") for name in FRAMED] + [figure("median-weight")]
    for model in drawn:
        for source in of_type(model_parts(model), ColumnDataSource):
            for column, values in source.data.items():
                array = np.asarray(values)
                if array.dtype.kind in "fiu":
                    assert np.isfinite(array).all(), column


def test_the_ranges_a_figure_has_are_plain_ranges(figure: Any) -> None:
    """Frames swap ranges only if they are Range1d models (engine/figure.py watches those)."""
    for name in NAMES:
        assert of_type(model_parts(figure(name)), Range1d)

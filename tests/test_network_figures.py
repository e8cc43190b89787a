"""The section's figures through their Bokeh models: the plotted data is the network's numbers.

Each figure is built once per set of parameters; data are compared with ``network``'s
functions called afresh, never with copied numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from bokeh.models import CustomJS, GlyphRenderer, LogScale, Plot, Slider

from vanishing_post.content import network
from vanishing_post.content.figures import FIGURES as POST_FIGURES
from vanishing_post.content.network_figures import (
    ACTIVATION_ORDER,
    DEPTHS,
    FIGURES,
    PLAIN_LABEL,
)
from vanishing_post.engine.params import FigureError
from vanishing_post.engine.registry import FIGURES as REGISTRY

NETWORK = {"layer-gradients": False, "skip-connections": True}  # name -> residual


def curves(plot: Plot) -> dict[str, GlyphRenderer]:
    """The plot's line renderers by legend label."""
    labels = {}
    for legend in plot.legend:
        for item in legend.items:
            for renderer in item.renderers:
                labels[item.label.value] = renderer
    return labels


def ys(renderer: GlyphRenderer) -> np.ndarray:
    return np.asarray(renderer.data_source.data[renderer.glyph.y], dtype=np.float64)


def xs(renderer: GlyphRenderer) -> np.ndarray:
    return np.asarray(renderer.data_source.data[renderer.glyph.x], dtype=np.float64)


def layer_plot(model: Any) -> Plot:
    (plot,) = model.select({"type": Plot})
    return plot


def label(name: str) -> str:
    return network.ACTIVATIONS[name].label


# --- registry --------------------------------------------------------------------


def test_the_section_registers_its_figures_beside_the_posts_figures():
    assert set(POST_FIGURES) | set(FIGURES) <= set(REGISTRY)
    assert not set(POST_FIGURES) & set(FIGURES)
    for name, spec in FIGURES.items():
        assert REGISTRY[name] is spec and spec.name == name and spec.title


@pytest.mark.parametrize(
    ("name", "raw", "named"),
    [
        ("layer-gradients", {"depth": "15"}, "multiple of 10"),
        ("layer-gradients", {"depth": "60"}, "'depth'"),
        ("skip-connections", {"depth": "5"}, "'depth'"),
        ("layer-gradients", {"seed": "-1"}, "'seed'"),
        ("activations", {"start": "3", "stop": "2"}, "start (3) must be below stop (2)"),
        ("activations", {"steps": "0"}, "'steps'"),
    ],
)
def test_a_bad_parameter_is_a_one_line_figure_error_naming_it(name, raw, named):
    with pytest.raises(FigureError) as error:
        FIGURES[name].values(raw)
    message = str(error.value)
    assert named in message and f"'{name}'" in message and "\n" not in message


# --- activations -----------------------------------------------------------------


def test_activations_draws_each_function_and_its_gradient_over_one_x_range(figure):
    values_plot, gradients_plot, _ = figure_panels(figure("activations"))
    x = np.linspace(-5.0, 5.0, 51)
    drawn_values, drawn_gradients = curves(values_plot), by_order(gradients_plot)
    for name, gradient in zip(ACTIVATION_ORDER, drawn_gradients, strict=True):
        activation = network.ACTIVATIONS[name]
        np.testing.assert_array_equal(xs(drawn_values[activation.label]), x)
        np.testing.assert_array_equal(ys(drawn_values[activation.label]), activation.forward(x))
        np.testing.assert_array_equal(xs(gradient), x)
        np.testing.assert_array_equal(ys(gradient), activation.derivative(x))


def test_activations_draws_the_best_case_over_depth_on_a_log_axis(figure):
    *_, best = figure_panels(figure("activations", steps=12))
    assert isinstance(best.y_scale, LogScale)
    for name, renderer in zip(ACTIVATION_ORDER, by_order(best), strict=True):
        np.testing.assert_array_equal(xs(renderer), np.arange(1, 13))
        np.testing.assert_array_equal(ys(renderer), network.best_case_product(name, 12))
    sigmoid, *others = by_order(best)
    assert ys(sigmoid)[-1] == 0.25**12
    assert all(np.all(ys(other) == 1.0) for other in others)


def test_hiding_an_activation_in_the_legend_hides_it_in_every_panel(figure):
    panels = figure_panels(figure("activations"))
    legend = panels[0].legend[0]
    assert legend.click_policy == "hide"
    assert panels[1].x_range is panels[0].x_range, "activations and gradients share x"
    assert [item.label.value for item in legend.items] == [label(n) for n in ACTIVATION_ORDER]
    for shown, *others in zip(*(by_order(p) for p in panels), strict=True):
        links = shown.js_property_callbacks["change:visible"]
        linked = {id(cb.args["other"]) for cb in links if isinstance(cb, CustomJS)}
        assert {id(o) for o in others} <= linked


def figure_panels(model: Any) -> list[Plot]:
    """The activations figure's three panels, in their order in the row."""
    return [child["child"] for child in model.children]


def by_order(plot: Plot) -> list[GlyphRenderer]:
    return list(plot.renderers)


# --- layer-gradients -------------------------------------------------------------


@pytest.mark.parametrize(("name", "residual"), sorted(NETWORK.items()))
def test_layer_gradients_plots_each_activation_relative_to_its_last_layer(figure, name, residual):
    plot = layer_plot(figure(name))
    drawn = curves(plot)
    layers = np.arange(1, network.DEPTH + 1)
    for activation in ACTIVATION_ORDER:
        expected = network.relative_layer_norms(activation, residual=residual)
        np.testing.assert_array_equal(xs(drawn[label(activation)]), layers)
        np.testing.assert_array_equal(ys(drawn[label(activation)]), expected)
        assert ys(drawn[label(activation)])[-1] == 1.0


@pytest.mark.parametrize(("name", "residual"), sorted(NETWORK.items()))
def test_layer_gradients_draws_the_quarter_per_layer_bound_on_a_log_axis(figure, name, residual):
    plot = layer_plot(figure(name))
    assert isinstance(plot.y_scale, LogScale)
    (bound,) = [r for lab, r in curves(plot).items() if "0.25" in lab]
    np.testing.assert_array_equal(ys(bound), 0.25 ** np.arange(network.DEPTH - 1, -1, -1))
    assert bound.glyph.line_dash == [6]  # dashed: a bound, not a measurement


def test_the_residual_figure_keeps_the_plain_sigmoid_for_comparison(figure):
    plain = curves(layer_plot(figure("layer-gradients")))
    residual = curves(layer_plot(figure("skip-connections")))
    assert set(residual) - set(plain) == {PLAIN_LABEL}
    np.testing.assert_array_equal(ys(residual[PLAIN_LABEL]), ys(plain[label("sigmoid")]))


@pytest.mark.parametrize(("name", "residual"), sorted(NETWORK.items()))
def test_a_legend_click_hides_an_activation(figure, name, residual):
    (legend,) = layer_plot(figure(name)).legend
    assert legend.click_policy == "hide"


@pytest.mark.parametrize(("name", "residual"), sorted(NETWORK.items()))
def test_the_depth_slider_offers_every_precomputed_depth(figure, name, residual):
    model = figure(name)
    (slider,) = model.select({"type": Slider})
    assert (slider.name, slider.start, slider.end, slider.value) == (
        "depth",
        DEPTHS[0],
        DEPTHS[-1],
        network.DEPTH,
    )
    assert list(range(int(slider.start), int(slider.end) + 1, int(slider.step))) == list(DEPTHS)
    targets = slider.js_property_callbacks["change:value"][0].args["targets"]
    frames = targets["frames"]
    assert frames["keys"] == [[depth] for depth in DEPTHS]
    by_label = {label(a): a for a in ACTIVATION_ORDER}
    for source, renderer in zip(targets["sources"], layer_plot(model).renderers, strict=True):
        assert renderer.data_source is source
    for item in layer_plot(model).legend[0].items:
        (renderer,) = item.renderers
        at = targets["sources"].index(renderer.data_source)
        norms = frames["sources"][at]["norm"]  # each depth's numbers, in the keys' order
        for depth, shown in zip(DEPTHS, norms, strict=True):
            if item.label.value in by_label:
                expected = network.relative_layer_norms(
                    by_label[item.label.value], depth=depth, residual=residual
                )
                np.testing.assert_array_equal(shown, expected)
            assert len(shown) == depth


def test_the_depth_slider_moves_the_ranges_with_the_layers(figure):
    model = figure("layer-gradients")
    plot = layer_plot(model)
    (slider,) = model.select({"type": Slider})
    targets = slider.js_property_callbacks["change:value"][0].args["targets"]
    ends = targets["frames"]["models"][targets["models"].index(plot.x_range)]["end"]
    assert ends == [float(depth) for depth in DEPTHS]


def test_a_non_default_depth_and_seed_are_drawn(figure):
    drawn = curves(layer_plot(figure("layer-gradients", depth=40, seed=7)))
    np.testing.assert_array_equal(
        ys(drawn["ReLU"]), network.relative_layer_norms("relu", depth=40, seed=7)
    )


def test_the_same_seed_draws_the_same_numbers():
    spec = FIGURES["layer-gradients"]
    first, second = (spec.build(spec.values({"seed": "3"})) for _ in range(2))
    for a, b in zip(layer_plot(first).renderers, layer_plot(second).renderers, strict=True):
        np.testing.assert_array_equal(ys(a), ys(b))


# --- the drawings are backend-agnostic, the descriptions computed ----------------


def drawn_at(spec: Any, values: dict) -> Any:
    """What the figure draws at ``values``: a network figure's frame of that depth."""
    import holoviews as hv

    drawing = spec.draw(values)
    return drawing[values["depth"]] if isinstance(drawing, hv.DynamicMap) else drawing


@pytest.mark.parametrize(
    ("name", "raw"),
    [("activations", {}), ("layer-gradients", {}), ("skip-connections", {"depth": "50"})],
)
def test_each_drawing_also_renders_with_matplotlib(name, raw):
    import holoviews as hv

    spec = FIGURES[name]
    drawing = drawn_at(spec, spec.values(raw))
    assert isinstance(drawing, hv.Layout | hv.Overlay)
    figure = hv.render(drawing, backend="matplotlib")
    assert figure.axes


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_the_live_plot_draws_exactly_the_data_of_the_drawing(figure, name):
    import holoviews as hv

    spec = FIGURES[name]
    drawing = drawn_at(spec, spec.values({}))
    drawn = [c.dimension_values(1) for c in drawing.traverse(lambda c: c, [hv.Curve])]
    live = [r for plot in figure(name).select({"type": Plot}) for r in plot.renderers]
    assert len(drawn) == len(live)
    for values in drawn:
        assert any(np.array_equal(values, ys(r)) for r in live)


def test_the_alt_text_states_the_first_layer_numbers():
    spec = FIGURES["layer-gradients"]
    text = spec.describe(spec.values({}))
    ratio = network.relative_layer_norms("sigmoid")[0]
    assert f"Sigmoid {ratio:.3g}" in text and f"{0.25 ** (network.DEPTH - 1):.3g}" in text
    skips = FIGURES["skip-connections"]
    text = skips.describe(skips.values({"depth": "30"}))
    ratio = network.relative_layer_norms("sigmoid", depth=30, residual=True)[0]
    assert "30 layers" in text and f"Sigmoid {ratio:.3g}" in text and "skip" in text


def test_the_activations_alt_text_gives_each_largest_gradient():
    spec = FIGURES["activations"]
    text = spec.describe(spec.values({}))
    assert "Sigmoid 0.25, Tanh 1, ReLU 1, Leaky ReLU 1" in text
    assert f"{0.25**20:.3g}" in text

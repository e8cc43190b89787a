"""The numbers the prose quotes: computed from the network, formatted for reading, and true.

The claims the section makes in words are asserted here on the computed values, so a change
to the network that made the prose wrong fails a test.
"""

from __future__ import annotations

import re

import pytest

from plugins.vg_numbers.vg_numbers import NumberShortcode
from tests.sites import ROOT
from vanishing_post.content import network
from vanishing_post.engine.numbers import (
    QUANTITIES,
    QuantityError,
    format_value,
    lookup,
    quantity_text,
)

NUMBER_SHORTCODE = re.compile(r"{{%\s*number\s+([^%]*?)\s*%}}")


def value(name: str) -> float:
    return float(lookup(name).compute())


def first_over_last(activation: str, residual: bool = False) -> float:
    norms = network.layer_gradient_norms(activation, residual=residual)
    return float(norms[0] / norms[-1])


@pytest.mark.parametrize(
    ("number", "style", "text"),
    [
        (20, "integer", "20"),
        (19.6, "integer", "20"),
        (0.51234, "decimal", "0.51"),
        (1.0123, "decimal", "1.0"),
        (0.0412, "decimal", "0.041"),
        (15.49, "decimal", "15"),
        (5.8e-13, "power", "6 × 10⁻¹³"),
        (1.4e-13, "power", "10⁻¹³"),
        (1.13e10, "power", "10¹⁰"),
        (3.4e3, "power", "3 × 10³"),
    ],
)
def test_values_are_written_for_a_reader(number, style, text):
    assert format_value(number, style) == text


@pytest.mark.parametrize(("number", "style"), [(float("nan"), "power"), (1.0, "percent")])
def test_a_value_that_cannot_be_written_is_an_error(number, style):
    with pytest.raises(ValueError):
        format_value(number, style)


@pytest.mark.parametrize("name", sorted(QUANTITIES))
def test_every_quantity_is_computed_and_written(name):
    assert lookup(name).name == name and lookup(name).description
    text = quantity_text(name)
    assert text and "nan" not in text and "inf" not in text


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky-relu"])
@pytest.mark.parametrize("residual", [False, True])
def test_first_layer_quantities_are_the_networks_ratios(name, residual):
    quantity = f"{name}{'-residual' if residual else ''}-first-layer"
    expected = first_over_last(name.replace("-", "_"), residual)
    assert value(quantity) == expected
    assert quantity_text(quantity) == format_value(expected, lookup(quantity).style)


def test_the_depth_quoted_is_the_depth_the_figures_show():
    from vanishing_post.content.network_figures import FIGURES

    assert quantity_text("depth") == str(FIGURES["layer-gradients"].param("depth").default)


@pytest.mark.parametrize("name", ["sigmoid_layer", "", "Depth"])
def test_an_unknown_quantity_is_a_one_line_error_listing_the_known_ones(name):
    with pytest.raises(QuantityError) as error:
        quantity_text(name)
    message = str(error.value)
    assert f"unknown quantity {name!r}" in message and "\n" not in message
    assert all(known in message for known in QUANTITIES)


def test_the_post_quotes_only_known_quantities():
    post = (ROOT / "posts" / "rnns-and-vanishing-gradients.rst").read_text()
    quoted = NUMBER_SHORTCODE.findall(post)
    assert len(quoted) >= 10
    assert set(quoted) <= set(QUANTITIES)


@pytest.mark.parametrize(
    ("names", "params"),
    [((), {}), (("depth", "width"), {}), (("depth",), {"digits": "3"})],
)
def test_the_shortcode_takes_exactly_one_name(names, params):
    with pytest.raises(SystemExit) as stop:
        NumberShortcode().handler(*names, **params)
    message = str(stop.value)
    assert message.startswith("ERROR: shortcode 'number'") and "exactly one" in message


def test_the_shortcode_stops_on_an_unknown_name_with_the_known_ones():
    with pytest.raises(SystemExit) as stop:
        NumberShortcode().handler("nope")
    assert "unknown quantity 'nope'" in str(stop.value) and "sigmoid-first-layer" in str(stop.value)


# --- the claims the prose makes -------------------------------------------------------


def test_the_sigmoid_network_falls_below_its_best_case():
    assert value("sigmoid-first-layer") < value("sigmoid-bound")
    assert value("sigmoid-per-layer") < 0.25
    assert value("sigmoid-bound") == 0.25 ** (network.DEPTH - 1)


def test_the_sigmoid_first_layer_gets_far_less_than_relus():
    assert value("sigmoid-vs-relu") < 1e-6


@pytest.mark.parametrize("name", ["tanh", "relu", "leaky-relu"])
def test_activations_with_slope_one_hold_the_first_layer_gradient(name):
    assert 0.1 < value(f"{name}-first-layer") < 10


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky-relu"])
def test_skips_keep_every_first_layer_within_a_hundred_of_the_last(name):
    assert 1e-2 < value(f"{name}-residual-first-layer") < 1e2


def test_skips_restore_the_sigmoid_first_layer_gradient():
    assert value("sigmoid-residual-first-layer") > 1e6 * value("sigmoid-first-layer")


def test_residual_relu_gradients_grow_with_the_signal():
    assert value("relu-residual-last-layer") > 1e6 * value("relu-last-layer")

"""Tests for the hand-written network behind "So how do you fix this?".

The gradients are checked against finite differences, and the claims the post
makes about them (the sigmoid's vanish, ReLU's and residual ones do not) are
asserted on the computed values, never on copied numbers.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from vanishing_post.content.network import (
    ACTIVATIONS,
    Layer,
    best_case_bound,
    best_case_product,
    forward,
    get_activation,
    init_params,
    layer_gradient_norms,
    loss_and_gradients,
    relative_layer_norms,
    synthetic_batch,
)

try:
    from hypothesis import given
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is optional
    given = None

ACTIVATION_NAMES = sorted(ACTIVATIONS)
VARIANTS = [False, True]
SEEDS = range(5)
NETWORK_CASES = list(itertools.product(ACTIVATION_NAMES, VARIANTS))

# Fourth-order central differences, f'(p) ~ (8 (L(p+h) - L(p-h)) - (L(p+2h) - L(p-2h))) / 12h:
# with h = 1e-3 both truncation and rounding error stay near 1e-12, far enough below
# the smallest gradient entries (~1e-5) for a 1e-6 relative check. (The plain
# two-point formula would need h ~ 1e-5 and still leave ~1e-11 of rounding noise.)
FD_EPS = 1e-3
FD_RTOL = 1e-6
FD_FLOOR = 1e-8
# No pre-activation of the test network may lie this close to the ReLU kink; the
# perturbations are at most 2 * FD_EPS in one parameter.
KINK_MARGIN = 5e-2


def _ratio(norms: np.ndarray) -> float:
    """First layer's gradient norm over the last layer's."""
    return float(norms[0] / norms[-1])


def _relative_error(analytic: np.ndarray, numeric: np.ndarray) -> np.ndarray:
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), FD_FLOOR)
    return np.abs(analytic - numeric) / scale


def _small_network(activation: str, residual: bool):
    """A tiny float64 network whose pre-activations all keep clear of the ReLU kink.

    Biases are randomised too, so their gradients are not checked only at zero.
    """
    for seed in range(1000):
        rng = np.random.default_rng(seed)
        params = [
            Layer(layer.weights, rng.normal(0.0, 0.5, size=layer.bias.shape))
            for layer in init_params(activation, depth=4, width=5, rng=rng)
        ]
        x, targets = synthetic_batch(width=5, batch=3, rng=rng)
        cache = forward(params, x, activation, residual)
        if min(np.abs(z).min() for z in cache.pre_activations) > KINK_MARGIN:
            return params, x, targets
    raise AssertionError("no seed below 1000 keeps every pre-activation off the kink")


def _loss(params, x, targets, activation, residual) -> float:
    return loss_and_gradients(params, x, targets, activation, residual)[0]


def _kink_pattern(params, x, activation, residual) -> list[np.ndarray]:
    return [z > 0 for z in forward(params, x, activation, residual).pre_activations]


def _central_difference(loss_at) -> float:
    """Fourth-order central difference of ``loss_at(step)`` at step 0."""
    near = loss_at(FD_EPS) - loss_at(-FD_EPS)
    far = loss_at(2 * FD_EPS) - loss_at(-2 * FD_EPS)
    # Differences first: equal losses (a dead ReLU unit) then give exactly 0.
    return (8 * near - far) / (12 * FD_EPS)


def _numeric_gradient(params, x, targets, activation, residual, array: np.ndarray):
    """Finite-difference gradient of the loss for every entry of ``array`` (one of params).

    Also checks that no perturbation moves a pre-activation across the ReLU kink,
    where the loss is not differentiable.
    """
    reference = _kink_pattern(params, x, activation, residual)
    numeric = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]

        def loss_at(step: float, index=index, original=original) -> float:
            array[index] = original + step
            pattern = _kink_pattern(params, x, activation, residual)
            assert all(np.array_equal(a, b) for a, b in zip(pattern, reference, strict=True))
            return _loss(params, x, targets, activation, residual)

        try:
            numeric[index] = _central_difference(loss_at)
        finally:
            array[index] = original
    return numeric


# --- activations -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label", "max_gradient"),
    [
        ("sigmoid", "Sigmoid", 0.25),
        ("tanh", "Tanh", 1.0),
        ("relu", "ReLU", 1.0),
        ("leaky_relu", "Leaky ReLU", 1.0),
    ],
)
def test_registry_describes_each_activation(name, label, max_gradient):
    activation = ACTIVATIONS[name]
    assert (activation.name, activation.label, activation.max_gradient) == (
        name,
        label,
        max_gradient,
    )


def test_unknown_activation_is_rejected_with_the_valid_names():
    with pytest.raises(ValueError, match="leaky_relu"):
        get_activation("swish")


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_activation_derivative_matches_finite_differences(name):
    activation = ACTIVATIONS[name]
    z = np.linspace(-6.0, 6.0, 100)  # an even count, so 0 (the ReLU kink) is skipped
    eps = 1e-6
    numeric = (activation.forward(z + eps) - activation.forward(z - eps)) / (2 * eps)
    np.testing.assert_allclose(activation.derivative(z), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_derivative_peaks_at_max_gradient(name):
    activation = ACTIVATIONS[name]
    slopes = activation.derivative(np.linspace(-10.0, 10.0, 2001))
    assert slopes.max() == pytest.approx(activation.max_gradient)
    assert np.all(slopes <= activation.max_gradient)


@pytest.mark.parametrize(
    ("name", "z", "value", "slope"),
    [
        ("relu", -2.0, 0.0, 0.0),
        ("relu", 3.0, 3.0, 1.0),
        ("leaky_relu", -2.0, -0.02, 0.01),
        ("leaky_relu", 3.0, 3.0, 1.0),
        ("sigmoid", 0.0, 0.5, 0.25),
        ("tanh", 0.0, 0.0, 1.0),
    ],
)
def test_activation_known_values(name, z, value, slope):
    activation = ACTIVATIONS[name]
    assert activation.forward(np.array([z]))[0] == pytest.approx(value)
    assert activation.derivative(np.array([z]))[0] == pytest.approx(slope)


def test_sigmoid_matches_textbook_formula_where_that_formula_is_safe():
    z = np.linspace(-30.0, 30.0, 601)
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"].forward(z), 1 / (1 + np.exp(-z)))


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_activations_stay_finite_and_silent_for_huge_inputs(name):
    activation = ACTIVATIONS[name]
    z = np.array([-1e6, -1e3, -50.0, 50.0, 1e3, 1e6])
    with np.errstate(all="raise"):
        values = activation.forward(z)
        slopes = activation.derivative(z)
    assert np.all(np.isfinite(values))
    assert np.all(np.isfinite(slopes))


def test_sigmoid_saturates_cleanly_at_a_million():
    sigmoid = ACTIVATIONS["sigmoid"]
    with np.errstate(all="raise"):
        values = sigmoid.forward(np.array([-1e6, 1e6]))
        slopes = sigmoid.derivative(np.array([-1e6, 1e6]))
    assert values[0] == pytest.approx(0.0, abs=1e-300)
    assert values[1] == 1.0
    np.testing.assert_allclose(slopes, 0.0, atol=1e-300)


if given is not None:

    @given(st.floats(min_value=-1e6, max_value=1e6))
    def test_sigmoid_is_a_probability_with_slope_at_most_a_quarter(z):
        sigmoid = ACTIVATIONS["sigmoid"]
        with np.errstate(all="raise"):
            value = sigmoid.forward(np.array([z]))[0]
            mirrored = sigmoid.forward(np.array([-z]))[0]
            slope = sigmoid.derivative(np.array([z]))[0]
        assert 0.0 <= value <= 1.0
        assert value + mirrored == pytest.approx(1.0)
        assert 0.0 <= slope <= 0.25


# --- backpropagation -------------------------------------------------------------


@pytest.mark.parametrize(("activation", "residual"), NETWORK_CASES)
def test_backprop_matches_finite_differences_for_every_weight_and_bias(activation, residual):
    params, x, targets = _small_network(activation, residual)
    _, grads = loss_and_gradients(params, x, targets, activation, residual)
    for layer, grad in zip(params, grads, strict=True):
        for array, analytic in ((layer.weights, grad.weights), (layer.bias, grad.bias)):
            numeric = _numeric_gradient(params, x, targets, activation, residual, array)
            assert analytic.shape == array.shape
            assert _relative_error(analytic, numeric).max() < FD_RTOL


@pytest.mark.parametrize(("activation", "residual"), NETWORK_CASES)
def test_backprop_matches_directional_derivative(activation, residual):
    params, x, targets = _small_network(activation, residual)
    _, grads = loss_and_gradients(params, x, targets, activation, residual)
    rng = np.random.default_rng(123)
    directions = [Layer(*(rng.standard_normal(a.shape) for a in layer)) for layer in params]

    def shifted(step: float) -> list[Layer]:
        return [
            Layer(p.weights + step * d.weights, p.bias + step * d.bias)
            for p, d in zip(params, directions, strict=True)
        ]

    numeric = _central_difference(
        lambda step: _loss(shifted(step), x, targets, activation, residual)
    )
    analytic = sum(
        np.sum(g.weights * d.weights) + np.sum(g.bias * d.bias)
        for g, d in zip(grads, directions, strict=True)
    )
    assert analytic == pytest.approx(numeric, rel=FD_RTOL)


def test_loss_is_half_mean_squared_error_over_the_batch():
    params, x, targets = _small_network("tanh", residual=False)
    output = forward(params, x, "tanh").output
    loss, _ = loss_and_gradients(params, x, targets, "tanh")
    assert loss == pytest.approx(0.5 * np.sum((output - targets) ** 2) / x.shape[0])


@pytest.mark.parametrize(
    ("activation", "expected_std"),
    [
        ("sigmoid", np.sqrt(2 / (200 + 200))),
        ("tanh", np.sqrt(2 / (200 + 200))),
        ("relu", np.sqrt(2 / 200)),
        ("leaky_relu", np.sqrt(2 / 200)),
    ],
)
def test_initialisation_is_glorot_for_sigmoid_tanh_and_he_for_relus(activation, expected_std):
    params = init_params(activation, depth=3, width=200, rng=np.random.default_rng(0))
    weights = np.concatenate([layer.weights.ravel() for layer in params])
    assert weights.std() == pytest.approx(expected_std, rel=0.02)
    assert all(np.all(layer.bias == 0) for layer in params)


# --- layer_gradient_norms: reproducibility ---------------------------------------


@pytest.mark.parametrize(("activation", "residual"), NETWORK_CASES)
def test_one_norm_per_layer_all_positive_and_finite(activation, residual):
    norms = layer_gradient_norms(activation, depth=20, residual=residual)
    assert norms.shape == (20,)
    assert np.all(np.isfinite(norms))
    assert np.all(norms > 0)


@pytest.mark.parametrize(("activation", "residual"), NETWORK_CASES)
def test_same_seed_gives_identical_norms(activation, residual):
    first = layer_gradient_norms(activation, residual=residual, seed=3)
    second = layer_gradient_norms(activation, residual=residual, seed=3)
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize(("activation", "residual"), NETWORK_CASES)
def test_different_seed_gives_different_norms(activation, residual):
    first = layer_gradient_norms(activation, residual=residual, seed=0)
    second = layer_gradient_norms(activation, residual=residual, seed=1)
    assert not np.allclose(first, second)


# --- layer_gradient_norms: what the post claims ----------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_sigmoid_first_layer_gradient_vanishes_at_depth_20(seed):
    norms = layer_gradient_norms("sigmoid", depth=20, seed=seed)
    assert _ratio(norms) < 1e-8


@pytest.mark.parametrize("seed", SEEDS)
def test_sigmoid_gradient_shrinks_by_about_a_quarter_per_layer(seed):
    norms = layer_gradient_norms("sigmoid", depth=20, seed=seed)
    assert np.all(np.diff(norms) > 0), "every layer should get less than the one above it"
    per_layer = _ratio(norms) ** (1 / (len(norms) - 1))
    assert 0.1 < per_layer < 0.35


@pytest.mark.parametrize("seed", SEEDS)
def test_sigmoid_first_layer_gets_far_less_than_relu_first_layer(seed):
    sigmoid = layer_gradient_norms("sigmoid", depth=20, seed=seed)
    relu = layer_gradient_norms("relu", depth=20, seed=seed)
    assert sigmoid[0] < 1e-6 * relu[0]


@pytest.mark.parametrize(
    ("activation", "seed"), list(itertools.product(["tanh", "relu", "leaky_relu"], SEEDS))
)
def test_non_saturating_activations_keep_first_layer_within_an_order_of_magnitude(activation, seed):
    norms = layer_gradient_norms(activation, depth=20, seed=seed)
    assert 0.1 < _ratio(norms) < 10


@pytest.mark.parametrize("seed", SEEDS)
def test_residual_connections_restore_the_sigmoid_first_layer_gradient(seed):
    plain = layer_gradient_norms("sigmoid", depth=20, seed=seed)
    residual = layer_gradient_norms("sigmoid", depth=20, seed=seed, residual=True)
    assert 1e-2 < _ratio(residual) < 1e2
    assert _ratio(residual) > 1e6 * _ratio(plain)


@pytest.mark.parametrize(("activation", "seed"), list(itertools.product(ACTIVATION_NAMES, SEEDS)))
def test_residual_first_layer_gradient_within_two_orders_of_the_last(activation, seed):
    norms = layer_gradient_norms(activation, depth=20, seed=seed, residual=True)
    assert 1e-2 < _ratio(norms) < 1e2


def test_sigmoid_vanishing_gets_worse_with_depth():
    ratios = [_ratio(layer_gradient_norms("sigmoid", depth=d)) for d in (5, 10, 20, 50)]
    assert all(deeper < shallower for shallower, deeper in itertools.pairwise(ratios))


# --- best_case_product -----------------------------------------------------------


@pytest.mark.parametrize(
    ("activation", "per_step"),
    [("sigmoid", 0.25), ("tanh", 1.0), ("relu", 1.0), ("leaky_relu", 1.0)],
)
def test_best_case_product_is_max_gradient_to_the_power_n(activation, per_step):
    product = best_case_product(activation, steps=10)
    np.testing.assert_allclose(product, per_step ** np.arange(1, 11))


def test_best_case_sigmoid_after_ten_layers_is_below_one_in_a_million():
    assert best_case_product("sigmoid", steps=10)[-1] == pytest.approx(0.25**10)
    assert best_case_product("sigmoid", steps=10)[-1] < 1e-6


# --- relative_layer_norms, best_case_bound (what the figures plot) ------------------


@pytest.mark.parametrize(("activation", "residual"), NETWORK_CASES)
def test_relative_norms_are_the_norms_over_the_last_layers(activation, residual):
    norms = layer_gradient_norms(activation, depth=12, residual=residual, seed=2)
    relative = relative_layer_norms(activation, depth=12, residual=residual, seed=2)
    np.testing.assert_array_equal(relative, norms / norms[-1])
    assert relative[-1] == 1.0


@pytest.mark.parametrize(("activation", "per_layer"), [("sigmoid", 0.25), ("relu", 1.0)])
def test_best_case_bound_falls_by_max_gradient_per_layer_towards_the_input(activation, per_layer):
    bound = best_case_bound(activation, 6)
    np.testing.assert_array_equal(bound, per_layer ** np.array([5, 4, 3, 2, 1, 0]))


@pytest.mark.parametrize("seed", SEEDS)
def test_the_sigmoid_network_stays_below_its_best_case_at_the_first_layer(seed):
    relative = relative_layer_norms("sigmoid", depth=20, seed=seed)
    assert relative[0] < best_case_bound("sigmoid", 20)[0]

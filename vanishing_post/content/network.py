"""A small fully connected network, with backpropagation written out by hand.

This is the maths behind the section "So how do you fix this?". It answers one
question with real numbers rather than the best-case bound: how large is the
gradient that reaches each layer's weights, for a given activation function,
with and without residual (skip) connections?

The network is deliberately plain so that every step can be read and checked:

* ``depth`` layers, all ``width`` units wide, so a skip connection is the identity.
* Layer ``l`` computes ``z_l = h_{l-1} W_l^T + b_l`` and then either
  ``h_l = f(z_l)`` (plain) or ``h_l = h_{l-1} + f(z_l)`` (residual), with ``h_0 = x``.
* Loss: squared error against fixed random targets ``y``, summed over the output
  units and averaged over the batch, ``L = 1/(2B) * sum_b ||h_L[b] - y[b]||^2``.
  Any loss would do; this one has the simplest derivative, ``(h_L - y) / B``.
* Weights use the standard initialisation for the activation (Glorot/Xavier normal
  for sigmoid and tanh, He normal for the ReLU family) and biases start at zero,
  so the vanishing we measure is the activation's fault, not a bad initialisation.

Only numpy is used, and everything is seeded, so the figures are reproducible and
cheap enough to compute at build time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

LEAKY_RELU_SLOPE = 0.01
# The network the post shows by default: its figures and the numbers in its prose share these.
DEPTH = 20
WIDTH = 32
BATCH = 64
SEED = 0

# exp(-700) ~ 1e-304 is still a normal float64, so clipping |z| here means the
# stable sigmoid never even signals an underflow, while changing no value by more
# than 1e-304.
_SIGMOID_EXP_LIMIT = 700.0


@dataclass(frozen=True)
class Activation:
    """An activation function together with its derivative.

    ``max_gradient`` is the largest value the derivative ever takes. It is the
    best case for how much one layer can pass the gradient on: 0.25 for the
    sigmoid, 1 for the others.
    """

    name: str
    label: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    max_gradient: float
    initialisation: str


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # Only ever exponentiate a non-positive number, so nothing can overflow.
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.minimum(np.abs(z), _SIGMOID_EXP_LIMIT))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_derivative(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(np.asarray(z, dtype=float))


def _tanh_derivative(z: np.ndarray) -> np.ndarray:
    t = np.tanh(np.asarray(z, dtype=float))
    return 1.0 - t * t


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def _relu_derivative(z: np.ndarray) -> np.ndarray:
    # The kink at 0 gets derivative 0, the usual convention.
    return (np.asarray(z) > 0).astype(float)


def _leaky_relu(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, LEAKY_RELU_SLOPE * z)


def _leaky_relu_derivative(z: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(z) > 0, 1.0, LEAKY_RELU_SLOPE)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", "Sigmoid", _sigmoid, _sigmoid_derivative, 0.25, "glorot"),
    "tanh": Activation("tanh", "Tanh", _tanh, _tanh_derivative, 1.0, "glorot"),
    "relu": Activation("relu", "ReLU", _relu, _relu_derivative, 1.0, "he"),
    "leaky_relu": Activation(
        "leaky_relu", "Leaky ReLU", _leaky_relu, _leaky_relu_derivative, 1.0, "he"
    ),
}


def get_activation(name: str) -> Activation:
    """Look an activation up by name, with an error that lists the valid names."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {name!r}; expected one of: {known}") from None


class Layer(NamedTuple):
    """One dense layer: ``weights`` has shape (fan_out, fan_in), ``bias`` (fan_out,).

    Gradients are returned in the same shape, one ``Layer`` per layer.
    """

    weights: np.ndarray
    bias: np.ndarray


class ForwardPass(NamedTuple):
    """What backpropagation needs from the forward pass.

    ``inputs[l]`` is what layer ``l`` received (``h_{l-1}``), ``pre_activations[l]``
    is its ``z_l``, and ``output`` is ``h_L``.
    """

    inputs: list[np.ndarray]
    pre_activations: list[np.ndarray]
    output: np.ndarray


def init_std(activation: str, fan_in: int, fan_out: int) -> float:
    """Standard deviation of the standard initialisation for ``activation``.

    Glorot/Xavier (sqrt(2 / (fan_in + fan_out))) keeps sigmoid and tanh signals at
    unit scale; He (sqrt(2 / fan_in)) compensates for ReLU zeroing half its inputs.
    """
    if get_activation(activation).initialisation == "he":
        return float(np.sqrt(2.0 / fan_in))
    return float(np.sqrt(2.0 / (fan_in + fan_out)))


def init_params(activation: str, depth: int, width: int, rng: np.random.Generator) -> list[Layer]:
    """Draw ``depth`` square layers with the activation's standard initialisation.

    Biases start at zero, as is usual. The generator is passed in so the weights and
    the data can come from one seeded stream.
    """
    if depth < 1 or width < 1:
        raise ValueError(f"depth and width must be positive, got {depth=}, {width=}")
    std = init_std(activation, width, width)
    return [Layer(rng.normal(0.0, std, size=(width, width)), np.zeros(width)) for _ in range(depth)]


def synthetic_batch(
    width: int, batch: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Standard normal inputs and regression targets, each of shape (batch, width).

    No real data set is needed: how the gradient shrinks depends on the network,
    not on what the inputs mean.
    """
    inputs = rng.standard_normal((batch, width))
    targets = rng.standard_normal((batch, width))
    return inputs, targets


def forward(
    params: list[Layer], x: np.ndarray, activation: str, residual: bool = False
) -> ForwardPass:
    """Run the network on a batch ``x`` of shape (batch, width), keeping what backprop needs."""
    f = get_activation(activation).forward
    inputs: list[np.ndarray] = []
    pre_activations: list[np.ndarray] = []
    h = x
    for layer in params:
        z = h @ layer.weights.T + layer.bias
        inputs.append(h)
        pre_activations.append(z)
        h = h + f(z) if residual else f(z)
    return ForwardPass(inputs, pre_activations, h)


def loss_and_gradients(
    params: list[Layer],
    x: np.ndarray,
    targets: np.ndarray,
    activation: str,
    residual: bool = False,
) -> tuple[float, list[Layer]]:
    """The loss and its gradient with respect to every weight and bias, by backprop.

    Going backwards, each plain layer multiplies the incoming gradient by
    ``f'(z_l)`` and by ``W_l``; that repeated product is what vanishes. A residual
    layer adds the incoming gradient back unchanged (the derivative of the
    identity skip is 1), which gives the gradient a path that does not shrink.
    """
    f_prime = get_activation(activation).derivative
    cache = forward(params, x, activation, residual)
    batch = x.shape[0]
    error = cache.output - targets
    loss = 0.5 * float(np.sum(error * error)) / batch

    grad_h = error / batch  # dL/dh_L
    grads: list[Layer] = []
    for layer, h_in, z in zip(
        reversed(params), reversed(cache.inputs), reversed(cache.pre_activations), strict=True
    ):
        delta = grad_h * f_prime(z)  # dL/dz_l
        grads.append(Layer(delta.T @ h_in, delta.sum(axis=0)))
        grad_through_layer = delta @ layer.weights
        grad_h = grad_h + grad_through_layer if residual else grad_through_layer
    grads.reverse()
    return loss, grads


def layer_gradient_norms(
    activation: str,
    depth: int = DEPTH,
    width: int = WIDTH,
    residual: bool = False,
    seed: int = SEED,
    batch: int = BATCH,
) -> np.ndarray:
    """Frobenius norm of dLoss/dW_l for each layer, first layer (next to the input) first.

    This is the gradient that actually reaches each layer's weights in a freshly
    initialised network: how hard gradient descent can push that layer. Weights,
    inputs and targets all come from ``np.random.default_rng(seed)``.
    """
    rng = np.random.default_rng(seed)
    params = init_params(activation, depth, width, rng)
    x, targets = synthetic_batch(width, batch, rng)
    _, grads = loss_and_gradients(params, x, targets, activation, residual)
    return np.array([np.linalg.norm(g.weights) for g in grads])


def best_case_product(activation: str, steps: int) -> np.ndarray:
    """``max_gradient ** n`` for n = 1..steps: the best a chain of n activations can do.

    Even if every unit sat at its steepest point, n sigmoids shrink the gradient
    by 0.25**n; the ReLU family can pass it through unchanged.
    """
    return get_activation(activation).max_gradient ** np.arange(1, steps + 1, dtype=float)


def relative_layer_norms(
    activation: str, depth: int = DEPTH, residual: bool = False, seed: int = SEED
) -> np.ndarray:
    """``layer_gradient_norms`` divided by the last layer's: what reaches layer l, per unit
    that reaches the top. The absolute scale depends on the loss; the ratio is the vanishing.
    """
    norms = layer_gradient_norms(activation, depth=depth, residual=residual, seed=seed)
    return norms / norms[-1]


def best_case_bound(activation: str, depth: int) -> np.ndarray:
    """``max_gradient ** (depth - l)`` for layers l = 1..depth: the best case, relative to the
    last layer, when only the activations' slopes shrink the gradient on its way down.
    """
    return get_activation(activation).max_gradient ** np.arange(depth - 1, -1, -1, dtype=float)

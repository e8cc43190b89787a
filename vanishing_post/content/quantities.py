"""Named numbers the prose quotes, computed from ``network`` when the page is built.

The post never types a measured number: it names one (``{{% number sigmoid-first-layer %}}``)
and gets it from here, formatted for reading. Each quantity is a pure function of the
network's default settings (``network.DEPTH``, ``network.SEED``), the same the figures use.
"""

from __future__ import annotations

import functools

from vanishing_post.content import network
from vanishing_post.engine import numbers
from vanishing_post.engine.numbers import Quantity


@functools.cache
def _norms(activation: str, residual: bool = False) -> tuple[float, ...]:
    return tuple(network.layer_gradient_norms(activation, residual=residual))


def first_over_last(activation: str, residual: bool = False) -> float:
    """The gradient reaching the first layer per unit reaching the last, at the default depth."""
    norms = _norms(activation, residual)
    return norms[0] / norms[-1]


def per_layer_factor(activation: str) -> float:
    """The geometric mean factor the gradient shrinks by per layer (plain network)."""
    return first_over_last(activation) ** (1 / (network.DEPTH - 1))


def _first_layer_sigmoid_over_relu() -> float:
    return _norms("sigmoid")[0] / _norms("relu")[0]


def _best_case_sigmoid() -> float:
    return float(network.best_case_bound("sigmoid", network.DEPTH)[0])


def _quantities() -> dict[str, Quantity]:
    table = [
        ("depth", "layers of the network the post measures", lambda: network.DEPTH, "integer"),
        ("width", "units in each layer", lambda: network.WIDTH, "integer"),
        ("batch", "examples in the synthetic batch", lambda: network.BATCH, "integer"),
        ("sigmoid-bound", "0.25 to the power depth - 1", _best_case_sigmoid, "power"),
        (
            "sigmoid-per-layer",
            "sigmoid: mean factor lost per layer",
            lambda: per_layer_factor("sigmoid"),
            "decimal",
        ),
        (
            "sigmoid-vs-relu",
            "first-layer gradient, sigmoid over ReLU",
            _first_layer_sigmoid_over_relu,
            "power",
        ),
        (
            "relu-residual-last-layer",
            "gradient norm at the last layer, residual ReLU",
            lambda: _norms("relu", residual=True)[-1],
            "power",
        ),
        (
            "relu-last-layer",
            "gradient norm at the last layer, plain ReLU",
            lambda: _norms("relu")[-1],
            "decimal",
        ),
    ]
    for activation in network.ACTIVATIONS:
        slug = activation.replace("_", "-")
        for residual, suffix in ((False, ""), (True, "-residual")):
            table.append(
                (
                    f"{slug}{suffix}-first-layer",
                    f"{activation}{suffix}: first layer's gradient over the last layer's",
                    functools.partial(first_over_last, activation, residual),
                    "power" if activation == "sigmoid" and not residual else "decimal",
                )
            )
    return {
        name: Quantity(name, description, compute, style)
        for name, description, compute, style in table
    }


QUANTITIES: dict[str, Quantity] = {
    name: numbers.register(quantity) for name, quantity in _quantities().items()
}

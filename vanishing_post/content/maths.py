"""Pure numpy maths of the post: the sigmoid, its gradient, the tangent line and the decay.

Every formula here has a JavaScript twin in ``maths.js`` (same folder) that the sliders run in
the reader's browser; keep the two in step.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Floats = NDArray[np.float64]


def x_range(start: float, stop: float, points: int) -> Floats:
    """Evenly spaced x values, both ends included (``np.linspace``)."""
    return np.linspace(start, stop, points, dtype=np.float64)


def sigmoid(x: ArrayLike) -> Floats:
    """Logistic sigmoid 1 / (1 + e^-x), stable for any |x|.

    ``exp`` only ever sees -|x|, so it cannot overflow; for x < 0 the equivalent form
    e^x / (1 + e^x) keeps the tiny values exact instead of rounding 1 - (almost 1).
    """
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(under="ignore"):  # e^-|x| rounding to 0 beyond |x| ~ 745 is the exact limit
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def gradient_from_sigmoid(s: ArrayLike) -> Floats:
    """The sigmoid's derivative written in its output: s * (1 - s), at most 0.25.

    Takes the sigmoid's *output* s, not x: that is how backpropagation reuses the forward pass.
    """
    s = np.asarray(s, dtype=np.float64)
    with np.errstate(under="ignore"):  # a subnormal s times (1 - s) may round to 0: exact enough
        return s * (1.0 - s)


def sigmoid_gradient(x: ArrayLike) -> Floats:
    """The sigmoid's derivative at x."""
    return gradient_from_sigmoid(sigmoid(x))


def tangent_line(x0: float, half_width: float, points: int = 2) -> tuple[Floats, Floats]:
    """The sigmoid's tangent at x0, over [x0 - half_width, x0 + half_width].

    y = s(x0) + s'(x0) (x - x0): the local linear picture the gradient stands for.
    """
    xs = x_range(x0 - half_width, x0 + half_width, points)
    s0 = sigmoid(x0)
    return xs, s0 + gradient_from_sigmoid(s0) * (xs - x0)


def decay(x: float, steps: int) -> Floats:
    """Cumulative product of the gradient at x over steps 1..n: s'(x)^k, k = 1..n.

    What reaches the first of n chained sigmoid layers; 0.25^n at x = 0, the best case.
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    return np.cumprod(np.full(steps, sigmoid_gradient(x), dtype=np.float64))

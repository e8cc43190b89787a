"""The pure maths: the sigmoid, its gradient, the tangent line and the decay.

Every expectation is a closed form (1 / (1 + e^-x), s (1 - s), 0.25^k) or a limit, never a
number copied from a previous run.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vanishing_post.content import maths

MODERATE_X = np.linspace(-30.0, 30.0, 6001)


def closed_form_sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@pytest.fixture
def strict_floats():
    """Any floating point warning (overflow, underflow, invalid, divide) is an error."""
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_sigmoid_matches_the_closed_form_on_moderate_x():
    np.testing.assert_allclose(
        maths.sigmoid(MODERATE_X), closed_form_sigmoid(MODERATE_X), rtol=1e-15, atol=0
    )


@pytest.mark.parametrize("x", [0.0, 1.0, -1.0, 2.5, -7.25, 30.0, -30.0])
def test_sigmoid_of_a_scalar_matches_the_closed_form(x):
    assert float(maths.sigmoid(x)) == pytest.approx(1.0 / (1.0 + np.exp(-x)), rel=1e-15)


def test_sigmoid_is_one_half_at_zero():
    assert maths.sigmoid(0.0) == 0.5


@pytest.mark.parametrize("x", [1e6, -1e6, 710.0, -710.0, 5e-324, -5e-324])
def test_sigmoid_and_gradient_raise_no_floating_point_warning_for_huge_x(strict_floats, x):
    s = maths.sigmoid(x)
    g = maths.sigmoid_gradient(x)
    assert np.isfinite(s) and np.isfinite(g)


def test_sigmoid_is_stable_on_a_whole_array_up_to_a_million(strict_floats):
    x = np.concatenate([np.linspace(-1e6, 1e6, 20001), np.linspace(-800.0, 800.0, 16001)])
    s = maths.sigmoid(x)
    g = maths.sigmoid_gradient(x)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(g))
    assert np.all((s >= 0.0) & (s <= 1.0))


@pytest.mark.parametrize(("x", "limit"), [(1e6, 1.0), (-1e6, 0.0)])
def test_sigmoid_reaches_its_exact_limit_far_out(x, limit):
    assert maths.sigmoid(x) == limit
    assert maths.sigmoid_gradient(x) == 0.0


def test_sigmoid_keeps_tiny_values_for_large_negative_x():
    # e^-x / (1 + e^-x) at x = -700 is about e^-700, far from 0: the stable form keeps it.
    x = -700.0
    assert maths.sigmoid(x) == pytest.approx(np.exp(x), rel=1e-15)
    assert maths.sigmoid(x) > 0.0


def test_sigmoid_raises_no_warning_under_default_numpy_settings():
    x = np.array([-1e6, -1e3, -710.0, 0.0, 710.0, 1e3, 1e6])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(maths.sigmoid(x)[[0, -1]], [0.0, 1.0])
        maths.sigmoid_gradient(x)


def test_sigmoid_is_symmetric_about_one_half():
    x = MODERATE_X
    np.testing.assert_allclose(maths.sigmoid(-x), 1.0 - maths.sigmoid(x), rtol=0, atol=2e-16)


def test_sigmoid_is_monotonic_increasing():
    assert np.all(np.diff(maths.sigmoid(MODERATE_X)) >= 0.0)


def test_sigmoid_returns_float64_of_the_input_shape():
    x = np.zeros((3, 4), dtype=np.int32)
    s = maths.sigmoid(x)
    assert s.shape == (3, 4)
    assert s.dtype == np.float64


@pytest.mark.parametrize("s", [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0])
def test_gradient_from_sigmoid_is_s_times_one_minus_s(s):
    assert maths.gradient_from_sigmoid(s) == s * (1.0 - s)


def test_gradient_from_sigmoid_works_on_arrays():
    s = np.linspace(0.0, 1.0, 11)
    np.testing.assert_array_equal(maths.gradient_from_sigmoid(s), s * (1.0 - s))


def test_gradient_peaks_at_a_quarter_at_zero():
    assert maths.sigmoid_gradient(0.0) == 0.25


def test_gradient_is_nowhere_larger_than_a_quarter():
    x = np.linspace(-20.0, 20.0, 400_001)
    g = maths.sigmoid_gradient(x)
    assert g.max() == 0.25
    assert np.all(g[x != 0.0] <= 0.25)
    assert x[np.argmax(g)] == 0.0


def test_gradient_is_symmetric_about_zero():
    # s (1 - s) cancels for large positive x, so the two sides agree to absolute precision.
    np.testing.assert_allclose(
        maths.sigmoid_gradient(-MODERATE_X), maths.sigmoid_gradient(MODERATE_X), rtol=0, atol=2e-16
    )


def test_sigmoid_gradient_matches_a_central_finite_difference():
    x = np.linspace(-10.0, 10.0, 2001)
    h = 1e-5
    numeric = (maths.sigmoid(x + h) - maths.sigmoid(x - h)) / (2 * h)
    np.testing.assert_allclose(maths.sigmoid_gradient(x), numeric, rtol=0, atol=1e-10)


@pytest.mark.parametrize(("x0", "half_width"), [(0.0, 2.0), (1.5, 2.0), (-3.0, 0.5), (7.0, 10.0)])
def test_tangent_line_touches_the_sigmoid_with_its_gradient_as_slope(x0, half_width):
    xs, ys = maths.tangent_line(x0, half_width, points=5)
    s0 = float(maths.sigmoid(x0))
    slope = float(maths.sigmoid_gradient(x0))
    assert xs[0] == x0 - half_width
    assert xs[-1] == x0 + half_width
    middle = len(xs) // 2
    assert xs[middle] == pytest.approx(x0, abs=1e-12)
    assert ys[middle] == pytest.approx(s0, abs=1e-12)
    np.testing.assert_allclose(np.diff(ys) / np.diff(xs), slope, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(ys, s0 + slope * (xs - x0), rtol=1e-14, atol=1e-15)


def test_tangent_line_has_two_points_by_default():
    xs, ys = maths.tangent_line(0.0, 2.0)
    np.testing.assert_array_equal(xs, [-2.0, 2.0])
    np.testing.assert_array_equal(ys, [0.5 - 0.25 * 2.0, 0.5 + 0.25 * 2.0])


@pytest.mark.parametrize("steps", [1, 2, 6, 10, 60])
def test_decay_at_zero_is_exact_powers_of_a_quarter(steps):
    got = maths.decay(0.0, steps)
    assert got.tolist() == [0.25**k for k in range(1, steps + 1)]


def test_decay_after_six_steps_at_zero_is_the_documented_numbers():
    assert maths.decay(0.0, 6).tolist() == [
        0.25,
        0.0625,
        0.015625,
        0.00390625,
        0.0009765625,
        0.000244140625,
    ]


@pytest.mark.parametrize("x", [-20.0, -3.0, -0.5, 0.7, 2.0, 5.0])
@pytest.mark.parametrize("steps", [1, 4, 12])
def test_decay_is_the_gradient_to_the_power_k(x, steps):
    g = float(maths.sigmoid_gradient(x))
    expected = np.array([g**k for k in range(1, steps + 1)])
    got = maths.decay(x, steps)
    assert got.shape == (steps,)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=0)


def test_decay_shrinks_at_every_step():
    got = maths.decay(1.0, 20)
    assert np.all(np.diff(got) < 0.0)


@pytest.mark.parametrize("steps", [0, -1, -10])
def test_decay_with_fewer_than_one_step_raises(steps):
    with pytest.raises(ValueError, match="steps"):
        maths.decay(0.0, steps)


@pytest.mark.parametrize(
    ("start", "stop", "points"), [(-10.0, 10.0, 100), (-5.0, 5.0, 100), (0.0, 1.0, 2), (-3, 7, 11)]
)
def test_x_range_matches_linspace_and_is_evenly_spaced(start, stop, points):
    xs = maths.x_range(start, stop, points)
    np.testing.assert_array_equal(xs, np.linspace(start, stop, points))
    assert xs.dtype == np.float64
    assert len(xs) == points
    assert xs[0] == start and xs[-1] == stop
    step = (stop - start) / (points - 1)
    np.testing.assert_allclose(np.diff(xs), step, rtol=1e-12)


finite_x = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(finite_x)
def test_sigmoid_and_gradient_stay_in_their_bounds_for_any_finite_x(x):
    s = float(maths.sigmoid(x))
    g = float(maths.sigmoid_gradient(x))
    assert 0.0 <= s <= 1.0
    assert 0.0 <= g <= 0.25


@given(finite_x)
def test_sigmoid_symmetry_holds_for_any_finite_x(x):
    assert float(maths.sigmoid(-x)) == pytest.approx(1.0 - float(maths.sigmoid(x)), abs=2e-16)

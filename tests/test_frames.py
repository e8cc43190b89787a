"""The pandas frames every figure and table is drawn from: columns and values from the maths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vanishing_post.content import frames, maths


@pytest.mark.parametrize(
    ("start", "stop", "points"), [(-10.0, 10.0, 100), (-5.0, 5.0, 100), (-1.0, 3.0, 7), (0, 1, 2)]
)
def test_sigmoid_frame_has_x_sigmoid_and_gradient_from_the_maths(start, stop, points):
    frame = frames.sigmoid_frame(start, stop, points)
    assert list(frame.columns) == ["X", "Sigmoid", "Gradient"]
    assert len(frame) == points
    x = np.linspace(start, stop, points)
    np.testing.assert_array_equal(frame["X"].to_numpy(), x)
    np.testing.assert_allclose(frame["Sigmoid"].to_numpy(), 1.0 / (1.0 + np.exp(-x)), rtol=1e-15)
    s = frame["Sigmoid"].to_numpy()
    np.testing.assert_array_equal(frame["Gradient"].to_numpy(), s * (1.0 - s))
    assert all(dtype == np.float64 for dtype in frame.dtypes)


@pytest.mark.parametrize(("x0", "half_width"), [(0.0, 2.0), (1.5, 2.0), (-4.0, 0.5)])
def test_tangent_frame_holds_the_tangent_line(x0, half_width):
    frame = frames.tangent_frame(x0, half_width)
    assert list(frame.columns) == ["X-Tangent", "Y-Tangent"]
    assert frame["X-Tangent"].tolist() == [x0 - half_width, x0 + half_width]
    s0 = float(maths.sigmoid(x0))
    slope = s0 * (1.0 - s0)
    np.testing.assert_allclose(
        frame["Y-Tangent"].to_numpy(),
        [s0 - slope * half_width, s0 + slope * half_width],
        rtol=1e-15,
        atol=1e-16,
    )


def test_tangent_frame_takes_more_points_on_request():
    frame = frames.tangent_frame(0.0, 2.0, points=5)
    assert frame["X-Tangent"].tolist() == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert frame["Y-Tangent"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]


@pytest.mark.parametrize("steps", [1, 6, 20])
def test_decay_frame_has_integer_steps_one_to_n_and_the_products(steps):
    frame = frames.decay_frame(0.0, steps)
    assert list(frame.columns) == ["Step", "Gradient"]
    assert pd.api.types.is_integer_dtype(frame["Step"])
    assert frame["Step"].tolist() == list(range(1, steps + 1))
    assert frame["Gradient"].tolist() == [0.25**k for k in range(1, steps + 1)]


def test_decay_frame_off_zero_follows_the_gradient_powers():
    x, steps = 2.0, 8
    g = float(maths.sigmoid_gradient(x))
    frame = frames.decay_frame(x, steps)
    expected = [g**k for k in range(1, steps + 1)]
    np.testing.assert_allclose(frame["Gradient"].to_numpy(), expected, rtol=1e-14)


def test_extremes_frame_on_the_default_range_rounds_to_the_post_numbers():
    extremes = frames.extremes_frame(frames.sigmoid_frame(-5.0, 5.0, 100)).round(3)
    assert list(extremes.columns) == ["Max", "Min"]
    assert list(extremes.index) == ["X", "Sigmoid", "Gradient"]
    assert extremes.loc["X"].tolist() == [5.0, -5.0]
    assert extremes.loc["Sigmoid"].tolist() == [0.993, 0.007]
    assert extremes.loc["Gradient"].tolist() == [0.25, 0.007]


def test_extremes_frame_holds_each_columns_max_and_min():
    frame = frames.sigmoid_frame(-2.0, 7.0, 31)
    extremes = frames.extremes_frame(frame)
    for column in frame.columns:
        assert extremes.loc[column, "Max"] == frame[column].max()
        assert extremes.loc[column, "Min"] == frame[column].min()


@pytest.mark.parametrize(("x", "steps"), [(0.0, 6), (1.5, 3), (-20.0, 1)])
def test_decay_steps_frame_lists_inputs_gradient_and_products(x, steps):
    frame = frames.decay_steps_frame(x, steps)
    assert list(frame.columns) == ["Step", "X", "Sigmoid", "Gradient", "Cumulative"]
    assert frame["Step"].tolist() == list(range(1, steps + 1))
    s = float(maths.sigmoid(x))
    assert frame["X"].tolist() == [x] * steps
    assert frame["Sigmoid"].tolist() == [s] * steps
    assert frame["Gradient"].tolist() == [s * (1.0 - s)] * steps
    assert frame["Cumulative"].tolist() == maths.decay(x, steps).tolist()


def test_decay_steps_frame_at_zero_has_the_documented_numbers():
    frame = frames.decay_steps_frame(0.0, 6)
    assert frame["Sigmoid"].unique().tolist() == [0.5]
    assert frame["Gradient"].unique().tolist() == [0.25]
    assert frame["Cumulative"].iloc[-1] == 0.000244140625


@pytest.mark.parametrize("x0", [0.0, 1.5, -3.25])
def test_point_frame_is_where_the_tangent_touches_the_sigmoid(x0):
    frame = frames.point_frame(x0)
    assert list(frame.columns) == ["X-Point", "Y-Point"]
    assert frame.iloc[0].tolist() == [x0, float(maths.sigmoid(x0))]
    assert len(frame) == 1

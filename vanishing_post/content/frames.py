"""pandas frames built from the maths: the tables every figure and number is drawn from.

pandas is imported by the functions that build a frame, not by the module: looking figures up
(the site's build tasks do it for every post) stays free of pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vanishing_post.content import maths

if TYPE_CHECKING:
    import pandas as pd


def sigmoid_frame(start: float, stop: float, points: int) -> pd.DataFrame:
    """X, Sigmoid and Gradient over an evenly spaced x range."""
    import pandas as pd

    x = maths.x_range(start, stop, points)
    s = maths.sigmoid(x)
    return pd.DataFrame({"X": x, "Sigmoid": s, "Gradient": maths.gradient_from_sigmoid(s)})


def tangent_frame(x0: float, half_width: float, points: int = 2) -> pd.DataFrame:
    """X-Tangent and Y-Tangent: the tangent line at x0, half_width either side."""
    import pandas as pd

    xs, ys = maths.tangent_line(x0, half_width, points)
    return pd.DataFrame({"X-Tangent": xs, "Y-Tangent": ys})


def point_frame(x0: float) -> pd.DataFrame:
    """X-Point and Y-Point: the one point (x0, sigmoid(x0)) where the tangent touches."""
    import pandas as pd

    return pd.DataFrame({"X-Point": [float(x0)], "Y-Point": [float(maths.sigmoid(x0))]})


def decay_frame(x: float, steps: int) -> pd.DataFrame:
    """Step and Gradient: the cumulative product of the gradient at x after each step."""
    import pandas as pd

    return pd.DataFrame(
        {"Step": np.arange(1, steps + 1, dtype=np.int64), "Gradient": maths.decay(x, steps)}
    )


def extremes_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Max and min of each column of a sigmoid frame: the compression in numbers."""
    import pandas as pd

    return pd.DataFrame({"Max": frame.max(), "Min": frame.min()})


def decay_steps_frame(x: float, steps: int) -> pd.DataFrame:
    """The decay step by step, with its inputs: x, sigmoid(x), gradient and each product."""
    s = float(maths.sigmoid(x))
    frame = decay_frame(x, steps)
    return frame.rename(columns={"Gradient": "Cumulative"}).assign(
        X=x, Sigmoid=s, Gradient=float(maths.gradient_from_sigmoid(s))
    )[["Step", "X", "Sigmoid", "Gradient", "Cumulative"]]

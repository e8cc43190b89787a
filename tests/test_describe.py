"""The engine's alt text: any figure worded from the data its Bokeh model draws.

Each case draws a HoloViews object and states, from the same numbers, what the sentence must
say: the series' name and kind of mark, the x range, and each extreme with where it is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from vanishing_post.engine.describe import SERIES_AT_MOST, describe_model
from vanishing_post.engine.render import holoviews, render

X = np.linspace(-4.0, 4.0, 81)
SAMPLE = np.random.default_rng(3).normal(size=500)


def n(value: float) -> str:
    """Three significant figures, as a reader reads a number aloud."""
    return f"{value:.3g}"


def extremes(name: str, x: np.ndarray, y: np.ndarray, xname: str = "x") -> str:
    low, high = int(np.argmin(y)), int(np.argmax(y))
    return (
        f"{name} over {xname} from {n(x.min())} to {n(x.max())}: "
        f"lowest {n(y[low])} at {xname} = {n(x[low])}, "
        f"highest {n(y[high])} at {xname} = {n(x[high])}"
    )


def line() -> tuple[Any, list[str]]:
    hv = holoviews()
    return hv.Curve((X, np.tanh(X)), "x", "tanh"), [extremes("tanh (line)", X, np.tanh(X))]


def legend() -> tuple[Any, list[str]]:
    hv = holoviews()
    curves = {"rising": np.tanh(X), "falling": -X / 4}
    drawn = hv.Overlay([hv.Curve((X, y), "x", "y", label=k) for k, y in curves.items()])
    return drawn, [extremes(f"{k} (line)", X, y) for k, y in curves.items()]


def histogram() -> tuple[Any, list[str]]:
    counts, edges = np.histogram(SAMPLE, bins=20)
    drawn = pd.DataFrame({"g": SAMPLE}).hvplot.hist("g", bins=20)
    # a bar is placed at its left edge; Bokeh's field names (top, left) are no names
    return drawn, [extremes("Bars", edges[:-1], counts, "g")]


def area() -> tuple[Any, list[str]]:
    hv = holoviews()
    top = 1 + np.sin(X)
    return hv.Area((X, top), "x", "level"), [extremes("level (area)", X, top)]


def heatmap() -> tuple[Any, list[str]]:
    hv = holoviews()
    cells = [(i, j, float(i * 10 + j)) for i in range(3) for j in range(4)]
    drawn = hv.HeatMap(cells, ["col", "row"], "value")
    return drawn, ["(cells over col and row): lowest 0 at col = 0, row = 0", "highest 23"]


def layout() -> tuple[Any, list[str]]:
    hv = holoviews()
    drawn = hv.Curve((X, X**2), "x", "square") + hv.Curve((X, X**3), "x", "cube")
    return drawn, ["2 charts", extremes("square (line)", X, X**2), extremes("cube (line)", X, X**3)]


def many() -> tuple[Any, list[str]]:
    hv = holoviews()
    count = SERIES_AT_MOST + 3
    drawn = hv.Overlay([hv.Curve((X, X * k), "x", "y", label=f"s{k}") for k in range(count)])
    return drawn, [f"and {count - SERIES_AT_MOST} more series", f"s{SERIES_AT_MOST - 1} (line)"]


@pytest.mark.parametrize(
    "case", [line, legend, histogram, area, heatmap, layout, many], ids=lambda c: c.__name__
)
def test_the_alt_text_states_each_series_range_and_extremes(case):
    drawn, expected = case()
    text = describe_model(render(drawn), "A title")
    assert text.startswith(("Chart: A title. ", "2 charts: A title. "))
    for part in expected:
        assert part in text, text
    assert "\n" not in text


def test_a_hidden_series_is_not_described():
    hv = holoviews()
    model = render(hv.Overlay([hv.Curve((X, X), label="shown"), hv.Curve((X, -X), label="gone")]))
    (gone,) = [r for r in model.renderers if r.data_source.data["y"][0] > 0]
    gone.visible = False
    text = describe_model(model, "A title")
    assert "shown (line)" in text and "gone" not in text


def test_a_figure_without_data_is_its_title():
    hv = holoviews()
    assert describe_model(render(hv.Curve([])), "Nothing yet") == "Chart: Nothing yet."

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


DAYS = pd.date_range("2026-03-01", periods=40, freq="D")


def dates() -> tuple[Any, list[str]]:
    wave = np.sin(np.arange(40) / 6)
    drawn = pd.DataFrame({"level": wave}, index=DAYS.rename("day")).hvplot.line(y="level")
    low, high = DAYS[int(np.argmin(wave))], DAYS[int(np.argmax(wave))]
    return drawn, [
        f"level (line) over day from {DAYS[0]:%Y-%m-%d} to {DAYS[-1]:%Y-%m-%d}: ",
        f"lowest {n(wave.min())} at day = {low:%Y-%m-%d}, ",
        f"highest {n(wave.max())} at day = {high:%Y-%m-%d}",
    ]


def hours() -> tuple[Any, list[str]]:
    times = pd.date_range("2026-03-01 06:00", periods=13, freq="30min")
    drawn = pd.DataFrame({"load": np.arange(13.0)}, index=times.rename("time")).hvplot.line(
        y="load"
    )
    return drawn, ["over time from 2026-03-01 06:00 to 2026-03-01 12:00"]


def latex() -> tuple[Any, list[str]]:
    hv = holoviews()
    drawn = hv.Curve((X, np.tanh(X)), "x", "tanh").opts(xlabel="$$z$$", ylabel=r"\(\tanh z\)")
    return drawn, [extremes(r"tanh (line)", X, np.tanh(X), "z")]


def labels() -> tuple[Any, list[str]]:
    hv = holoviews()
    drawn = hv.Curve((X, X), "x", "y") * hv.Labels([(1.0, 2.0, "here"), (-1.0, 0.5, "there")])
    return drawn, ["labels 'here' at x = 1, y = 2, 'there' at x = -1, y = 0.5"]


def image() -> tuple[Any, list[str]]:
    hv = holoviews()
    values = np.arange(12.0).reshape(3, 4)  # rows top to bottom, as HoloViews reads an array
    drawn = hv.Image(values, bounds=(0, 0, 4, 3))
    # the top row holds 0: at the top of the image, y = 2.5; the bottom row's last, 11, at 0.5
    return drawn, [
        "image over x from 0 to 4 and y from 0 to 3: lowest 0 at x = 0.5, y = 2.5",
        "highest 11 at x = 3.5, y = 0.5",
    ]


def subplots() -> tuple[Any, list[str]]:
    frame = pd.DataFrame(
        {"x": np.tile(X, 2), "y": np.r_[X, -X], "g": np.repeat(["up", "down"], X.size)}
    )
    drawn = frame.hvplot.line("x", "y", by="g", subplots=True)
    return drawn, ["2 charts", "g: up \u2014 y (line) over x", "g: down \u2014 y (line) over x"]


def table() -> tuple[Any, list[str]]:
    hv = holoviews()
    rows = pd.DataFrame({"name": list("abcdefghij"), "value": np.arange(10) / 3})
    return hv.Table(rows), [
        "Table: A title. 10 rows of name, value: a, 0; b, 0.333; c, 0.667;",
        f"; and {10 - SERIES_AT_MOST} more rows.",
    ]


def contours() -> tuple[Any, list[str]]:
    hv = holoviews()
    # a line per level, each of its own length (ragged columns)
    drawn = hv.Bivariate(np.random.default_rng(5).normal(size=(200, 2)))
    return drawn, ["Chart: A title.", "(lines)"]


GROUPS = pd.DataFrame({"activation": ["sigmoid", "tanh", "relu"], "gradient": [0.25, 1.0, 0.5]})
BY_GROUP = [
    "gradient (bars) for 3 values of activation: lowest 0.25 at activation = sigmoid, "
    "highest 1 at activation = tanh"
]


def bars() -> tuple[Any, list[str]]:
    return GROUPS.hvplot.bar(x="activation", y="gradient"), BY_GROUP


def sideways() -> tuple[Any, list[str]]:
    # a horizontal bar is placed on y and shows its value along x
    return GROUPS.hvplot.barh(x="activation", y="gradient"), BY_GROUP


def nested() -> tuple[Any, list[str]]:
    rows = pd.DataFrame({"depth": ["2", "2", "8", "8"], "act": ["relu", "tanh"] * 2})
    rows["gradient"] = [0.5, 0.25, 0.125, 0.0625]
    drawn = rows.hvplot.bar(x="depth", y="gradient", by="act")
    return drawn, [
        "for 4 values of",
        "lowest 0.0625 at",
        "= 8, tanh",
        "highest 0.5 at",
        "= 2, relu",
    ]


@pytest.mark.parametrize(
    "case",
    [dates, hours, latex, labels, image, subplots, table, contours, bars, sideways, nested],
    ids=lambda c: c.__name__,
)
def test_the_alt_text_reads_dates_labels_images_charts_and_tables_as_a_reader_would(case):
    drawn, expected = case()
    text = describe_model(render(drawn), "A title")
    for part in expected:
        assert part in text, text
    assert "$$" not in text and "e+" not in text, text

"""Property tests: every figure builds over its parameters' whole allowed ranges, with sane data.

Hypothesis draws every numeric parameter from its allowed range (start below stop, the tangent
point inside the x range, as the figure's own check demands); the figures are checked through
their Bokeh models: every number finite, the sigmoid in [0, 1], its gradient in [0, 0.25].
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from bokeh.models import ColumnDataSource, Div
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.test_figures import table_rows
from vanishing_post.content.figures import FIGURES as POST_FIGURES
from vanishing_post.engine.params import Declared, FigureSpec
from vanishing_post.engine.registry import FIGURES

pytestmark = pytest.mark.slow  # every figure built across its ranges: seconds a figure

BUILDS = settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
CHECKS = settings(max_examples=200, deadline=None, database=None)


def value_of(p: Declared) -> st.SearchStrategy[Any]:
    """Any value the parameter allows."""
    if p.kind is int and p.step and p.step > 1:  # only the values its slider can show
        return st.integers(0, int((p.high - p.low) // p.step)).map(
            lambda k: int(p.low + k * p.step)
        )
    if p.kind is int:
        return st.integers(int(p.low), int(p.high))
    if p.kind is float:
        return st.floats(p.low, p.high, allow_nan=False, allow_infinity=False)
    return st.sampled_from(p.choices)


@st.composite
def allowed_values(draw: st.DrawFn, spec: FigureSpec) -> dict[str, Any]:
    """A full set of values the figure accepts, drawn across every parameter's range."""
    values = {p.name: draw(value_of(p)) for p in spec.params}
    if "start" in values:
        values["start"], values["stop"] = sorted((values["start"], values["stop"]))
        assume(values["start"] < values["stop"])
    if "tangent_x" in values:
        share = draw(st.floats(0.0, 1.0))
        point = values["start"] + share * (values["stop"] - values["start"])
        values["tangent_x"] = min(max(point, values["start"]), values["stop"])
    return values


def numbers_in(model: Any) -> dict[str, np.ndarray]:
    """Every numeric column of the figure's data: its sources and its tables, by name."""
    found: dict[str, list[float]] = {}
    for source in model.select({"type": ColumnDataSource}):
        for name, column in source.data.items():
            array = np.asarray(column)
            if array.dtype.kind in "fiu":
                found.setdefault(name, []).extend(array.astype(np.float64).ravel())
    for div in model.select({"type": Div}):
        rows = table_rows(div.text)
        if not rows:  # a control's label, not a table
            continue
        headers, body = rows[0], rows[1:]
        if headers[1:] == ["max", "min"]:  # the extremes: one row per series
            for row in body:
                found.setdefault(row[0], []).extend(float(cell) for cell in row[1:])
        else:  # the decay, step by step: one column per quantity
            for i, header in enumerate(headers):
                found.setdefault(header, []).extend(float(row[i]) for row in body)
    return {name: np.asarray(values) for name, values in found.items()}


SIGMOID_COLUMNS = {"Sigmoid", "sigmoid(x)", "Y-Point"}
GRADIENT_COLUMNS = {"Gradient", "gradient", "product so far"}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_builds_with_finite_data_over_its_allowed_ranges(name: str) -> None:
    spec = FIGURES[name]

    @BUILDS
    @given(allowed_values(spec))
    def check(values: dict[str, Any]) -> None:
        data = numbers_in(spec.build(spec.values(values)))
        assert data, "the figure holds no numbers"
        for column, numbers in data.items():
            assert np.isfinite(numbers).all(), column
            if column in SIGMOID_COLUMNS:
                assert ((numbers >= 0) & (numbers <= 1)).all(), column
            if column in GRADIENT_COLUMNS:
                assert ((numbers >= 0) & (numbers <= 0.25)).all(), column
        if name in POST_FIGURES:  # the sigmoid's figures (the network's plot other things)
            assert data.keys() & (SIGMOID_COLUMNS | GRADIENT_COLUMNS)

    check()


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_allowed_value_written_as_text_is_accepted_unchanged(name: str) -> None:
    """What a shortcode or ``--set`` passes (text) checks out to the very value drawn."""
    spec = FIGURES[name]

    @CHECKS
    @given(allowed_values(spec))
    def check(values: dict[str, Any]) -> None:
        as_text = {
            key: repr(value) if isinstance(value, float) else str(value)
            for key, value in values.items()
        }
        assert spec.values(as_text) == values

    check()


@CHECKS
@given(st.sampled_from(sorted(FIGURES)), st.data())
def test_a_number_outside_its_range_is_always_refused(name: str, data: st.DataObject) -> None:
    spec = FIGURES[name]
    numeric = [p for p in spec.params if p.kind in (int, float)]
    p = data.draw(st.sampled_from(numeric))
    beyond = data.draw(
        st.one_of(
            st.floats(max_value=p.low, exclude_max=True, allow_nan=False),
            st.floats(min_value=p.high, exclude_min=True, allow_nan=False),
            st.sampled_from([math.nan, math.inf, -math.inf]),
        )
    )
    from vanishing_post.engine.params import FigureError

    with pytest.raises(FigureError, match=f"parameter '{p.name}'"):
        spec.values({p.name: repr(beyond)})

"""A figure is one function (engine/figure.py): any HoloViews or hvplot object, rendered for a
page; a HoloMap gets controls and every frame's data as Python computed it; misuse is a clear
error naming the figure."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import param
import pytest
from bokeh.models import ColumnDataSource, Plot, RadioButtonGroup, Slider

from vanishing_post.engine import registry
from vanishing_post.engine.figure import FRAMES_BUDGET, figure
from vanishing_post.engine.params import FigureError
from vanishing_post.engine.render import holoviews, model_parts, of_type


@pytest.fixture
def scratch() -> Iterator[dict]:
    """The registry, with whatever a test registers taken out again afterwards."""
    before = set(registry.FIGURES)
    yield registry.FIGURES
    for name in set(registry.FIGURES) - before:
        del registry.FIGURES[name]


def _curve(stop: float) -> pd.DataFrame:
    x = np.linspace(-stop, stop, 21)
    return pd.DataFrame({"x": x, "tanh": np.tanh(x)})


def _decays() -> pd.DataFrame:
    rows = [(d, k, 0.5**k * d) for d in (10, 20, 30) for k in range(1, d + 1)]
    return pd.DataFrame(rows, columns=["depth", "layer", "norm"])


def _build(name: str, **raw: str):
    spec = registry.FIGURES[name]
    return spec.build(spec.values(raw))


def _sources(model) -> list[dict]:
    return [
        {c: list(np.asarray(v)) for c, v in s.data.items()}
        for s in of_type(model_parts(model), ColumnDataSource)
    ]


def test_a_function_returning_an_hvplot_object_is_a_figure_sized_to_the_column(scratch):
    stop = param.Number(4.0, bounds=(1.0, 10.0), step=0.5, precedence=-1)

    @figure("t-static", title="tanh", stop=stop)
    def static(stop):
        return _curve(stop).hvplot.line(x="x", y="tanh")

    spec = scratch["t-static"]
    assert [p.name for p in spec.params] == ["stop"] and spec.title == "tanh"
    model = _build("t-static", stop="2")
    [plot] = of_type(model_parts(model), Plot)
    assert plot.sizing_mode == "scale_width" and plot.output_backend == "canvas"
    data = [s for s in _sources(model) if "tanh" in s][0]
    assert data["tanh"] == list(_curve(2.0)["tanh"])


def _layouts():
    hv = holoviews()
    x = np.linspace(0.0, 6.0, 13)
    sine, cosine = hv.Curve((x, np.sin(x))), hv.Curve((x, np.cos(x)))
    table = hv.Table(pd.DataFrame({"a": [1, 2], "b": [0.5, 0.25]}))
    return {
        "one plot": sine,
        "panels in a row": sine + cosine,
        "panels in rows": (sine + cosine + sine).cols(2),
        "panels under a title": (sine + cosine).opts(title="Sine and cosine"),
        "a plot beside a table": sine + table,
        "a table": table,
    }


@pytest.mark.parametrize("kind", list(_layouts()))
def test_whatever_holoviews_lays_out_fills_the_column_part_by_part(scratch, kind):
    """Every plot scales with the column's width, every table takes it, and every layout
    holding them stretches to the column: a layout of fixed width holding plots that scale
    draws them a few pixels wide."""
    from bokeh.models import LayoutDOM, TableWidget

    figure(f"t-{kind.replace(' ', '-')}", title=kind)(lambda: _layouts()[kind])
    model = _build(f"t-{kind.replace(' ', '-')}")
    parts = of_type(model_parts(model), LayoutDOM)
    assert all(p.sizing_mode == "scale_width" for p in of_type(parts, Plot))
    assert all(p.sizing_mode == "stretch_width" for p in of_type(parts, TableWidget))
    holders = [p for p in parts if "children" in p.properties()]
    assert all(p.sizing_mode == "stretch_width" for p in holders), [
        (type(p).__name__, p.sizing_mode) for p in holders
    ]


def test_a_figure_registered_twice_by_another_module_names_both(scratch):
    @figure("t-twice", title="once")
    def once():
        return _curve(1.0).hvplot.line(x="x", y="tanh")

    with pytest.raises(FigureError, match="figure 't-twice' is registered twice"):
        registry.register(scratch["t-twice"], module="another.module")


@pytest.mark.parametrize("returned", [None, 3.0, "a plot", pd.DataFrame({"x": [1]})])
def test_a_function_that_returns_no_holoviews_object_is_named_at_build_time(scratch, returned):
    @figure("t-nothing", title="nothing")
    def nothing():
        return returned

    with pytest.raises(FigureError) as caught:
        _build("t-nothing")
    assert str(caught.value).startswith("figure 't-nothing': its function returned")
    assert "allowed: a HoloViews or hvplot object" in str(caught.value)


@pytest.mark.parametrize("frames", [False, True])
def test_a_control_no_key_dimension_answers_to_is_one_line_naming_it(scratch, frames):
    hv = holoviews()

    @figure("t-deaf", title="deaf", stop=param.Number(4.0, bounds=(1.0, 10.0), step=0.5))
    def deaf(stop):
        drawn = _curve(stop).hvplot.line(x="x", y="tanh")
        return hv.HoloMap({1: drawn, 2: drawn}, kdims=["other"]) if frames else drawn

    with pytest.raises(FigureError) as caught:
        _build("t-deaf")
    message = str(caught.value)
    assert message.startswith("figure 't-deaf', parameter 'stop': a control with no frames")
    assert "precedence=-1" in message and "\n" not in message


def test_a_declaration_that_is_not_a_param_object_is_named(scratch):
    with pytest.raises(TypeError, match="figure 't-bad', parameter 'stop'"):
        figure("t-bad", title="bad", stop=4.0)(lambda stop: None)


def test_a_groupby_gets_a_slider_over_its_evenly_spaced_keys_and_every_frames_data(scratch):
    @figure("t-frames", title="decays", depth=param.Integer(20, bounds=(10, 30), step=10))
    def frames(depth):
        return _decays().hvplot.line(x="layer", y="norm", groupby="depth")

    model = _build("t-frames")
    [slider] = of_type(model_parts(model), Slider)
    assert (slider.start, slider.end, slider.step, slider.value) == (10, 30, 10, 20)
    [callback] = slider.js_property_callbacks["change:value"]
    shipped = callback.args["targets"]["frames"]
    assert shipped["keys"] == [[10], [20], [30]]
    sources = callback.args["targets"]["sources"]
    for depth, at in ((10, 0), (20, 1), (30, 2)):
        expected = _decays()[_decays()["depth"] == depth]["norm"].tolist()
        changed = [columns for columns in shipped["sources"] if columns]
        assert any(columns.get("norm", [None] * 3)[at] == expected for columns in changed)
    shown = [s for s in sources if "norm" in s.data][0]
    assert list(shown.data["norm"]) == _decays().query("depth == 20")["norm"].tolist()


def test_the_declared_parameter_of_a_keys_name_chooses_the_first_frame(scratch):
    @figure("t-first", title="decays", depth=param.Integer(20, bounds=(10, 30), step=10))
    def first(depth):
        return _decays().hvplot.line(x="layer", y="norm", groupby="depth")

    [slider] = of_type(model_parts(_build("t-first", depth="30")), Slider)
    assert slider.value == 30


def test_text_keys_get_buttons(scratch):
    @figure("t-buttons", title="curves")
    def buttons():
        frame = pd.concat([_curve(2.0).assign(kind=k) for k in ("a", "b")])
        return frame.hvplot.line(x="x", y="tanh", groupby="kind")

    [group] = of_type(model_parts(_build("t-buttons")), RadioButtonGroup)
    assert group.labels == ["a", "b"] and group.name == "kind"


def test_a_dynamic_map_takes_the_declared_parameters_values(scratch):
    @figure("t-dynamic", title="tanh", stop=param.Integer(2, bounds=(1, 3), step=1))
    def dynamic(stop):
        hv = holoviews()
        return hv.DynamicMap(lambda stop: hv.Curve(_curve(stop), "x", "tanh"), kdims=["stop"])

    [slider] = of_type(model_parts(_build("t-dynamic")), Slider)
    shipped = slider.js_property_callbacks["change:value"][0].args["targets"]["frames"]
    assert shipped["keys"] == [[1], [2], [3]] and slider.value == 2


def test_a_groupby_with_more_data_than_a_page_carries_is_refused(scratch):
    @figure("t-heavy", title="heavy")
    def heavy():
        x = np.linspace(0.0, 1.0, 2000)
        frame = pd.concat([pd.DataFrame({"x": x, "y": x * k, "k": k}) for k in range(40)])
        return frame.hvplot.line(x="x", y="y", groupby="k")

    with pytest.raises(FigureError) as caught:
        _build("t-heavy")
    message = str(caught.value)
    assert message.startswith("figure 't-heavy': its 40 frames carry")
    assert f"at most {FRAMES_BUDGET / 1000:.0f} KB" in message


def test_buttons_follow_the_declared_selectors_order_not_the_alphabet(scratch):
    order = ["tanh", "relu", "leaky"]
    kind = param.Selector(objects=order, default="relu")

    @figure("t-order", title="curves", kind=kind)
    def ordered(kind):
        frame = pd.concat([_curve(2.0).assign(kind=k) for k in sorted(order)])
        return frame.hvplot.line(x="x", y="tanh", groupby="kind")

    [group] = of_type(model_parts(_build("t-order")), RadioButtonGroup)
    assert group.labels == order and group.labels[group.active] == "relu"


def test_a_declared_value_no_frame_has_is_one_line_naming_the_allowed_keys(scratch):
    @figure("t-nokey", title="decays", depth=param.Integer(20, bounds=(10, 30), step=10))
    def nokey(depth):
        return _decays().hvplot.line(x="layer", y="norm", groupby="depth")

    with pytest.raises(FigureError) as caught:
        _build("t-nokey", depth="15")
    assert str(caught.value) == (
        "figure 't-nokey', parameter 'depth': 15 has no frame, allowed: one of 10, 20, 30"
    )


def test_a_missing_value_in_a_frame_is_shipped_as_a_missing_value(scratch):
    @figure("t-gaps", title="gaps")
    def gaps():
        frame = _decays()
        frame.loc[frame["layer"] == 2, "norm"] = np.nan
        return frame.hvplot.scatter(x="layer", y="norm", groupby="depth")

    [slider] = of_type(model_parts(_build("t-gaps")), Slider)
    shipped = slider.js_property_callbacks["change:value"][0].args["targets"]["frames"]
    norms = [columns["norm"] for columns in shipped["sources"] if columns and "norm" in columns]
    assert norms and all(np.isnan(frame[1]) for frame in norms[0])

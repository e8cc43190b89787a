"""A figure is one function: ``@figure`` registers it, the engine does the rest.

The decorated function takes the figure's declared parameters as keyword arguments and returns
any HoloViews or hvplot object: the engine renders it to Bokeh for the page (``render``), sizes
it to the text column, gives it its caption, twins, cache entry and alt text, and reports a
mistake in one line. A ``HoloMap`` or ``DynamicMap`` (hvplot's ``groupby=``) gets one control per
key dimension on the static page (a slider for evenly spaced numbers, buttons otherwise), and
the page carries the data of every frame, as HoloViews computed it, but only what changes
between frames: moving a control shows exactly what Python drew for that key.

    @figure("tanh", title="tanh and its gradient", stop=param.Number(4.0, bounds=(1, 10)))
    def tanh(stop):
        x = np.linspace(-stop, stop, 200)
        return pd.DataFrame({"x": x, "tanh": np.tanh(x)}).hvplot.line(x="x", y="tanh")
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import param

from vanishing_post.engine import registry
from vanishing_post.engine.params import Declared, FigureError, FigureSpec, declared
from vanishing_post.engine.render import (
    holoviews,
    model_parts,
    of_type,
    panels_row,
    prepared,
    render,
)

# The data a figure with frames may carry to the page, all frames together (JSON bytes, before
# gzip): past it, the page would weigh more than BokehJS itself.
FRAMES_BUDGET = 400_000
BUTTONS_AT_MOST = 8  # key values shown as buttons; more need a slider (evenly spaced numbers)


def figure(
    name: str,
    *,
    title: str,
    describe: Callable[..., str] | None = None,
    check: Callable[..., str | None] | None = None,
    **parameters: param.Parameter,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the figure ``name``, captioned ``title``.

    ``parameters`` are its declared parameters (``param.Number``, ``param.Integer``,
    ``param.Selector``...), given to the function by name. ``describe`` (the same arguments)
    words its alt text, else the engine words it from the data; ``check`` (the same arguments)
    returns what is wrong with a combination of values, or None.
    """

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        spec = FigureSpec(
            name,
            title,
            declared(name, parameters),
            build=lambda values: build(name, function, values),
            check=(lambda values: check(**values)) if check else (lambda values: None),
            draw=lambda values: function(**values),
            describe=(lambda values: describe(**values)) if describe else None,
            code=function,  # the code the page shows under the figure
            framed=True,  # its controls choose frames (``build``)
        )
        registry.register(spec, module=function.__module__)
        return function

    return register


def build(name: str, function: Callable[..., Any], values: Mapping[str, Any]) -> Any:
    """The Bokeh model of the figure ``function`` draws at ``values``, ready for a page."""
    hv = holoviews()
    drawn = function(**values)
    if not isinstance(drawn, hv.core.dimension.Dimensioned):
        raise FigureError(
            f"figure '{name}': its function returned {type(drawn).__name__}, allowed: a "
            "HoloViews or hvplot object (an element, an overlay, a layout, a HoloMap)"
        )
    _controls_are_keys(name, drawn)
    if isinstance(drawn, hv.DynamicMap):
        drawn = sampled(name, drawn, values)
    if isinstance(drawn, hv.HoloMap):
        return with_frames(name, drawn, values)
    return fitted(render(drawn))


def _controls_are_keys(name: str, drawn: Any) -> None:
    """A parameter the reader controls (not ``precedence=-1``) is a key dimension of the
    frames the function returns: a control nothing answers to is an author's mistake."""
    spec = registry.FIGURES.get(name)
    keys = {dim.name for dim in getattr(drawn, "kdims", [])} if _is_map(drawn) else set()
    for declared_param in spec.params if spec else ():
        if declared_param.control and declared_param.name not in keys:
            raise FigureError(
                f"figure '{name}', parameter '{declared_param.name}': a control with no frames"
                f" to choose, allowed: return a HoloMap or DynamicMap with a key dimension"
                f" '{declared_param.name}', or declare it with precedence=-1 (no control)"
            )


def _is_map(drawn: Any) -> bool:
    hv = holoviews()
    return isinstance(drawn, hv.HoloMap | hv.DynamicMap)


def fitted(model: Any) -> Any:
    """``model`` filling the text column at its own aspect: a plot scales with the column's
    width; panels in a row sit beside each other, stacked on a phone; a table takes the
    column's width at its own height; what HoloViews stacks (a layout under its title) is
    fitted part by part."""
    from bokeh.models import Column, GridPlot, Markup, Plot, TableWidget

    if isinstance(model, Column):
        model.children = [fitted(child) for child in model.children]
        model.sizing_mode = "stretch_width"
        return model
    if isinstance(model, TableWidget | Markup):  # a table, a layout's title
        model.sizing_mode = "stretch_width"
        return model
    if isinstance(model, GridPlot):
        rows: dict[int, list[tuple[int, Any]]] = {}
        for plot, row, col in model.children:
            rows.setdefault(row, []).append((col, plot))
        panels = [
            [plot for _, plot in sorted(cells, key=lambda c: c[0])] for cells in rows.values()
        ]
        for plot in (p for row in panels for p in row):
            fitted(plot)
        if len(panels) == 1:
            return panels_row(panels[0])
        from bokeh.layouts import column

        return column([panels_row(row) for row in panels], sizing_mode="stretch_width")
    for plot in of_type(model_parts(model), Plot):
        plot.sizing_mode = "scale_width"
    return model


def sampled(name: str, dynamic: Any, values: Mapping[str, Any]) -> Any:
    """A ``DynamicMap`` as the ``HoloMap`` of every key a reader can choose: each key
    dimension's own ``values``, else those of the declared parameter of its name."""
    hv = holoviews()
    spec = registry.FIGURES.get(name)
    declared_by_name = {p.name: p for p in spec.params} if spec else {}
    choices = []
    for dim in dynamic.kdims:
        if dim.values:
            choices.append(list(dim.values))
        elif dim.name in declared_by_name:
            choices.append(_allowed_values(name, declared_by_name[dim.name]))
        else:
            raise FigureError(
                f"figure '{name}': its DynamicMap's dimension '{dim.name}' has no values,"
                " allowed: a dimension with values, or one named as a declared parameter"
            )
    keys = list(itertools.product(*choices))
    _within_frames(name, len(keys))
    return hv.HoloMap({key: dynamic[key] for key in keys}, kdims=dynamic.kdims)


def _allowed_values(name: str, declared_param: Declared) -> list[Any]:
    """Every value a declared parameter allows: a Selector's objects, a bounded number's
    steps."""
    if declared_param.choices:
        return list(declared_param.choices)
    low, high, step = declared_param.low, declared_param.high, declared_param.step
    if None in (low, high, step):
        raise FigureError(
            f"figure '{name}', parameter '{declared_param.name}': a DynamicMap over it needs"
            " its values, allowed: a Selector, or a number with bounds and a step"
        )
    count = int(round((high - low) / step)) + 1
    values = [low + i * step for i in range(count)]
    return [int(v) for v in values] if declared_param.kind is int else values


def _within_frames(name: str, frames: int) -> None:
    if frames > FRAMES_BUDGET // 100:
        raise FigureError(
            f"figure '{name}': {frames} frames, allowed: at most {FRAMES_BUDGET // 100}"
            " (fewer key values)"
        )


def with_frames(name: str, holomap: Any, values: Mapping[str, Any]) -> Any:
    """The HoloMap drawn once, with one control per key dimension and, for the page, what
    each frame changes (data columns, ranges, titles), as HoloViews computed it."""
    hv = holoviews()
    keys = [key if isinstance(key, tuple) else (key,) for key in holomap.data]
    _within_frames(name, len(keys))
    dims = [dim.name for dim in holomap.kdims]
    first = _initial_key(name, keys, dims, values)
    plot = hv.renderer("bokeh").get_plot(holomap)
    watched = _watched(plot.state)
    states = []
    for key in keys:
        plot.update(key)
        states.append(_state(watched))
    plot.update(first)
    frames = _changes(states)
    frames["keys"] = [[_plain(v) for v in key] for key in keys]
    size = len(json.dumps(frames))
    if size > FRAMES_BUDGET:
        raise FigureError(
            f"figure '{name}': its {len(keys)} frames carry {size / 1000:.0f} KB of data,"
            f" allowed: at most {FRAMES_BUDGET / 1000:.0f} KB (fewer key values or points)"
        )
    body = fitted(prepared(plot.state))
    spec = registry.FIGURES.get(name)
    orders = {p.name: list(p.choices) for p in (spec.params if spec else ()) if p.choices}
    controls = _controls(dims, keys, first, holomap, orders)
    return _framed(name, body, controls, frames, watched)


def _initial_key(
    name: str, keys: list[tuple], dims: Sequence[str], values: Mapping[str, Any]
) -> tuple:
    """The frame shown first: the one the declared parameters of the key's names choose, else
    the first. A declared value that is no key's is an author's mistake: FigureError."""
    wanted = tuple(values.get(dim) for dim in dims)
    for index, dim in enumerate(dims):
        present = list(dict.fromkeys(key[index] for key in keys))
        if wanted[index] is not None and wanted[index] not in present:
            allowed = ", ".join(str(_plain(v)) for v in present)
            raise FigureError(
                f"figure '{name}', parameter '{dim}': {wanted[index]!r} has no frame,"
                f" allowed: one of {allowed}"
            )
    for key in keys:
        if all(w is None or w == k for w, k in zip(wanted, key, strict=True)):
            return key
    return keys[0]


# What a frame can change besides its data, by the kind of model: ranges, categories, titles,
# colour scales.
CHANGING = {
    "Range1d": ("start", "end"),
    "FactorRange": ("factors",),
    "Title": ("text",),
    "LinearColorMapper": ("low", "high"),
    "LogColorMapper": ("low", "high"),
    "EqHistColorMapper": ("low", "high"),
    "CategoricalColorMapper": ("factors",),
}


def _watched(model: Any) -> dict[str, list[Any]]:
    """What a frame can change: every data source of the drawing, and every model of a kind
    in ``CHANGING``, in a stable order (the order they were made in)."""
    from bokeh.models import ColumnDataSource

    parts = sorted(model_parts(model), key=lambda part: int(part.id.lstrip("p")))
    return {
        "sources": of_type(parts, ColumnDataSource),
        "models": [part for part in parts if type(part).__name__ in CHANGING],
    }


def _state(watched: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
    return {
        "sources": [{c: _plain(v) for c, v in s.data.items()} for s in watched["sources"]],
        "models": [
            {prop: _plain(getattr(m, prop)) for prop in CHANGING[type(m).__name__]}
            for m in watched["models"]
        ],
    }


def _plain(value: Any) -> Any:
    """``value`` as the page's JSON holds it: numbers exact (a float's shortest repr
    round-trips; Bokeh writes NaN and infinities as values of their own)."""
    if isinstance(value, np.ndarray | list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    return value


def _same(values: Sequence[Any]) -> bool:
    """Whether every frame holds the same value (NaN the same as NaN)."""
    first = json.dumps(values[0])
    return all(json.dumps(value) == first for value in values[1:])


def _changes(states: list[dict[str, list[Any]]]) -> dict[str, Any]:
    """Per watched model, what differs between frames, each frame's value in key order; None
    where nothing does (the drawing as built already holds it)."""
    changes: dict[str, Any] = {}
    for kind in ("sources", "models"):
        found = []
        for per_frame in zip(*(state[kind] for state in states), strict=True):
            names = set().union(*per_frame)
            varying = {
                name: [frame.get(name) for frame in per_frame]
                for name in sorted(names)
                if not _same([frame.get(name) for frame in per_frame])
            }
            found.append(varying or None)
        changes[kind] = found
    return changes


def _controls(
    dims: Sequence[str],
    keys: list[tuple],
    first: tuple,
    holomap: Any,
    orders: Mapping[str, list[Any]],
) -> dict:
    """A control per key dimension: a slider for evenly spaced numbers, buttons otherwise, in
    the order of the declared parameter of the dimension's name (a Selector's objects), else
    numbers in order and text as the keys come."""
    from bokeh.models import RadioButtonGroup, Slider

    controls = {}
    for index, dim in enumerate(dims):
        options = list(dict.fromkeys(key[index] for key in keys))
        if dim in orders:
            rank = {value: at for at, value in enumerate(orders[dim])}
            options.sort(key=lambda value: rank.get(value, len(rank)))
        elif all(isinstance(v, int | float | np.number) for v in options):
            options.sort()
        label = holomap.get_dimension(dim).pprint_label
        numbers = all(isinstance(v, int | float | np.number) for v in options)
        steps = {round(b - a, 12) for a, b in itertools.pairwise(options)} if numbers else set()
        if numbers and len(options) > 1 and len(steps) == 1:
            control = Slider(
                start=_plain(options[0]),
                end=_plain(options[-1]),
                step=_plain(steps.pop()),
                value=_plain(first[index]),
                title=label,
            )
        else:
            labels = [str(_plain(v)) for v in options]
            control = RadioButtonGroup(
                labels=labels, active=labels.index(str(_plain(first[index])))
            )
            control.tags = [label]  # the buttons' label, shown beside them
        control.name = dim
        controls[dim] = control
    return controls


def _framed(name: str, body: Any, controls: dict, frames: dict, watched: dict) -> Any:
    """``body`` under ``controls``, whose changes show the frame they choose (the page
    script's ``showFrame``, through ``vgControls.update``)."""
    import html

    from bokeh.layouts import column, row
    from bokeh.models import CustomJS, Div, RadioButtonGroup

    shown = []
    for control in controls.values():
        control.sizing_mode = "stretch_width"
        if isinstance(control, RadioButtonGroup):
            label = Div(
                text=html.escape(control.tags[0]) + ":", align="center", margin=(5, 10, 5, 5)
            )
            control.tags = []
            shown.append(row(label, control, sizing_mode="stretch_width"))
        else:
            shown.append(control)
    targets = dict(frames=frames, dims=list(controls), **watched)
    callback = CustomJS(
        args=dict(controls=controls, targets=targets, fixed={}, figure=name),
        code="vgControls.update(figure, controls, targets, fixed, cb_obj);",
    )
    for control in controls.values():
        control.js_on_change(
            "active" if isinstance(control, RadioButtonGroup) else "value", callback
        )
    return column(shown + [body], sizing_mode="stretch_width")

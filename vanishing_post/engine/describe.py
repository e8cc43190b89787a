"""Alt text for any figure, worded from the data its Bokeh model draws.

Per series: what it is (its legend label or column, and the kind of mark), the x range it
covers, and its extremes with where they are. A figure can word its own instead (``describe``
when it is registered); this is what every other figure gets.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from vanishing_post.engine.render import model_parts, of_type

# How a reader would call each kind of mark Bokeh draws.
MARKS = {
    "Line": "line",
    "Step": "steps",
    "Scatter": "points",
    "Circle": "points",
    "VBar": "bars",
    "HBar": "bars",
    "Quad": "bars",
    "Rect": "cells",
    "VArea": "area",
    "HArea": "area",
    "Patch": "area",
    "Patches": "shapes",
    "MultiPolygons": "shapes",
    "Segment": "segments",
    "Text": "labels",
    "Image": "image",
    "MultiLine": "lines",
}
# Where a mark keeps its position and its value, by the kind of mark (field names).
X_FIELDS = ("x", "left", "x0", "xs")
Y_FIELDS = ("y", "top", "right", "y2", "y1", "ys")  # an area's top (y2) before its base
# Field names that say where a mark is drawn, not what it shows.
GEOMETRY = frozenset("x y top bottom left right x0 x1 y1 y2 xs ys".split())
SERIES_AT_MOST = 8  # a longer list reads as noise: the rest are counted, not described


def _num(value: float) -> str:
    """A number as a reader reads it aloud: three significant figures."""
    return f"{value:.3g}"


def describe_model(model: Any, title: str) -> str:
    """What ``model`` shows, in words and numbers from its data."""
    from bokeh.models import GlyphRenderer, Legend, Plot

    parts = model_parts(model)
    labels = {}
    for legend in of_type(parts, Legend):
        for item in legend.items:
            text = item.label.get("value") if isinstance(item.label, dict) else None
            text = text or getattr(item.label, "value", None)
            for renderer in item.renderers:
                labels[renderer.id] = text
    series = []
    # in the order they were made, which is the order a layout shows them
    plots = sorted((p for p in of_type(parts, Plot) if p.visible), key=_made)
    for plot in plots:
        for renderer in plot.renderers:
            if isinstance(renderer, GlyphRenderer) and renderer.visible:
                sentence = _series(renderer, labels.get(renderer.id), plot)
                if sentence:
                    series.append(sentence)
    kind = "Chart" if len(plots) <= 1 else f"{len(plots)} charts"
    if not series:
        return f"{kind}: {title}."
    shown = series[:SERIES_AT_MOST]
    more = len(series) - len(shown)
    tail = f"; and {more} more series" if more else ""
    return f"{kind}: {title}. " + "; ".join(shown) + tail + "."


def _made(model: Any) -> int:
    return int(model.id.lstrip("p"))


def _series(renderer: Any, label: str | None, plot: Any) -> str | None:
    glyph, data = renderer.glyph, renderer.data_source.data
    mark = MARKS.get(type(glyph).__name__, type(glyph).__name__.lower())
    x = _column(glyph, data, X_FIELDS)
    y = _column(glyph, data, Y_FIELDS)
    xlabel = plot.xaxis[0].axis_label if plot.xaxis else None
    xname = xlabel or _field(glyph, X_FIELDS) or "x"
    colour = _column(glyph, data, ("fill_color",))
    if colour is not None and x is not None and y is not None and x.shape == y.shape:
        # a heat map: the value is the colour, at a place on both axes
        ylabel = plot.yaxis[0].axis_label if plot.yaxis else None
        yname = ylabel or _field(glyph, Y_FIELDS) or "y"
        name = label or _field(glyph, ("fill_color",))
        peak, low = int(np.nanargmax(colour)), int(np.nanargmin(colour))
        return (
            f"{name} ({mark} over {xname} and {yname}): lowest {_num(colour[low])} at "
            f"{xname} = {_num(x[low])}, {yname} = {_num(y[low])}; highest {_num(colour[peak])}"
            f" at {xname} = {_num(x[peak])}, {yname} = {_num(y[peak])}"
        )
    ylabel = plot.yaxis[0].axis_label if plot.yaxis else None
    field = _field(glyph, Y_FIELDS) or _field(glyph, X_FIELDS)
    # A bar's top or an area's edge is where Bokeh draws it, not what it is: no name then.
    name = label or (field if field not in GEOMETRY else None) or ylabel
    head = f"{name} ({mark})" if name else mark.capitalize()
    if y is None or not y.size:
        return None
    if x is not None and x.shape == y.shape and x.size % 2 == 0:
        half = x.size // 2  # an area drawn as one shape: its base one way, its top back
        if np.array_equal(x[:half], x[half:][::-1]):
            base_first = np.ptp(y[:half]) <= np.ptp(y[half:])
            x, y = (x[half:], y[half:]) if base_first else (x[:half], y[:half])
    peak, low = int(np.nanargmax(y)), int(np.nanargmin(y))
    if x is None or x.shape != y.shape:
        return f"{head}: from {_num(y[low])} to {_num(y[peak])}"
    return (
        f"{head} over {xname} from {_num(np.nanmin(x))} to {_num(np.nanmax(x))}: "
        f"lowest {_num(y[low])} at {xname} = {_num(x[low])}, "
        f"highest {_num(y[peak])} at {xname} = {_num(x[peak])}"
    )


def _field(glyph: Any, names: tuple[str, ...]) -> str | None:
    for name in names:
        spec = getattr(glyph, name, None)
        field = spec.get("field") if isinstance(spec, dict) else getattr(spec, "field", None)
        if isinstance(spec, str):
            field = spec
        if field:
            return field
    return None


def _column(glyph: Any, data: Any, names: tuple[str, ...]) -> np.ndarray | None:
    """The numbers of the first of ``names`` the glyph reads from its data, flattened (a
    multi-line's lists one after the other)."""
    field = _field(glyph, names)
    if field is None or field not in data:
        return None
    raw = data[field]
    try:
        values = np.asarray(raw, dtype=float).ravel()
    except (TypeError, ValueError):  # ragged: one list per line or shape
        try:
            values = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in raw])
        except (TypeError, ValueError):
            return None
    return values if np.isfinite(values).any() else None

"""Alt text for any figure, worded from the data its Bokeh model draws.

Per series: what it is (its legend label or column, and the kind of mark), the x range it
covers, and its extremes with where they are; dates as dates, labels as their text, a table
as its rows. A figure can word its own instead (``describe`` when it is registered); this is
what every other figure gets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
    "ImageRGBA": "image",
    "MultiLine": "lines",
}
# Where a mark keeps its position and its value, by the kind of mark (field names).
X_FIELDS = ("x", "left", "x0", "xs")
Y_FIELDS = ("y", "top", "right", "y2", "y1", "ys")  # an area's top (y2) before its base
HORIZONTAL = frozenset({"HBar"})  # marks placed on y, whose value is along x
# Field names that say where a mark is drawn, not what it shows.
GEOMETRY = frozenset("x y top bottom left right x0 x1 y1 y2 xs ys".split())
SERIES_AT_MOST = 8  # a longer list reads as noise: the rest are counted, not described
# LaTeX in a label, between MathJax's delimiters ($$...$$, \[...\], \(...\)): read as its source
TEX = re.compile(r"\$\$(.*?)\$\$|\\\[(.*?)\\\]|\\\((.*?)\\\)", re.S)
DAY_MS = 86_400_000


def _num(value: float) -> str:
    """A number as a reader reads it aloud: three significant figures."""
    return f"{value:.3g}"


def _dates(values: np.ndarray) -> Callable[[float], str]:
    """How to write a time of ``values`` (milliseconds since 1970, as Bokeh's date axes
    count): the day, or the minute when they span less than two days."""
    span = float(np.nanmax(values) - np.nanmin(values)) if values.size else 0.0
    unit = "D" if span >= 2 * DAY_MS else "m"
    return lambda ms: str(np.datetime_as_string(np.datetime64(round(ms), "ms"), unit=unit)).replace(
        "T", " "
    )


def _label(text: Any) -> str | None:
    """An axis label as words: a Bokeh text model's text, LaTeX without its delimiters."""
    text = getattr(text, "text", text)
    if not isinstance(text, str) or not text:
        return None
    return TEX.sub(lambda m: next(g for g in m.groups() if g is not None), text).strip()


def describe_model(model: Any, title: str) -> str:
    """What ``model`` shows, in words and numbers from its data."""
    from bokeh.models import DataTable, GlyphRenderer, Legend, Plot

    parts = model_parts(model)
    tables = of_type(parts, DataTable)
    if tables and not of_type(parts, Plot):
        return f"Table: {title}. " + "; ".join(_table(t) for t in tables) + "."
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
        # several charts: each series says which it is in, by its chart's title
        named = _label(plot.title.text) if len(plots) > 1 and plot.title is not None else None
        for renderer in plot.renderers:
            if isinstance(renderer, GlyphRenderer) and renderer.visible:
                sentence = _series(renderer, labels.get(renderer.id), plot)
                if sentence:
                    series.append(f"{named} — {sentence}" if named else sentence)
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
    from bokeh.models import DatetimeAxis

    glyph, data = renderer.glyph, renderer.data_source.data
    mark = MARKS.get(type(glyph).__name__, type(glyph).__name__.lower())
    # where a mark is, and what it shows: a horizontal bar is placed on y, its length on x
    across = type(glyph).__name__ in HORIZONTAL
    places, values = (("y",), ("right",)) if across else (X_FIELDS, Y_FIELDS)
    place_axis, value_axis = (plot.yaxis, plot.xaxis) if across else (plot.xaxis, plot.yaxis)
    x = _column(glyph, data, places)
    y = _column(glyph, data, values)
    xlabel = _label(place_axis[0].axis_label) if place_axis else None
    ylabel = _label(value_axis[0].axis_label) if value_axis else None
    xname = xlabel or _field(glyph, places) or ("y" if across else "x")
    yname = ylabel or _field(glyph, values) or ("x" if across else "y")
    on_dates = place_axis and isinstance(place_axis[0], DatetimeAxis) and x is not None
    xs = _dates(x) if on_dates else _num  # how an x is written
    if mark == "image":
        return _image(glyph, data, xname, yname)
    if mark == "labels" and x is not None and y is not None and x.shape == y.shape:
        texts = _texts(glyph, data)
        if texts is not None and len(texts) == x.size:
            placed = [
                f"'{t}' at {xname} = {xs(a)}, {yname} = {_num(b)}"
                for t, a, b in zip(texts, x, y, strict=True)
            ]
            more = len(placed) - SERIES_AT_MOST
            tail = f" and {more} more" if more > 0 else ""
            return (
                ("label " if len(placed) == 1 else "labels ")
                + ", ".join(placed[:SERIES_AT_MOST])
                + tail
            )
    colour = _column(glyph, data, ("fill_color",))
    if colour is not None and x is not None and y is not None and x.shape == y.shape:
        # a heat map: the value is the colour, at a place on both axes
        name = label or _field(glyph, ("fill_color",))
        peak, low = int(np.nanargmax(colour)), int(np.nanargmin(colour))
        return (
            f"{name} ({mark} over {xname} and {yname}): lowest {_num(colour[low])} at "
            f"{xname} = {xs(x[low])}, {yname} = {_num(y[low])}; highest {_num(colour[peak])}"
            f" at {xname} = {xs(x[peak])}, {yname} = {_num(y[peak])}"
        )
    field = _field(glyph, values) or _field(glyph, places)
    # A bar's top or an area's edge is where Bokeh draws it, not what it is: no name then.
    name = label or (field if field not in GEOMETRY else None) or ylabel
    head = f"{name} ({mark})" if name else mark.capitalize()
    if y is None or not y.size:
        return None
    factors = _factors(glyph, data, places) if x is None else None
    if factors is not None and len(factors) == y.size:
        # marks placed on categories (bars per group, a box per group): which one is which
        return f"{head} for {len(set(factors))} values of {xname}: " + _extremes(
            y, lambda i: f"{xname} = {factors[i]}"
        )
    if x is not None and x.shape == y.shape and x.size % 2 == 0:
        half = x.size // 2  # an area drawn as one shape: its base one way, its top back
        if np.array_equal(x[:half], x[half:][::-1]):
            base_first = np.ptp(y[:half]) <= np.ptp(y[half:])
            x, y = (x[half:], y[half:]) if base_first else (x[:half], y[:half])
    if x is None or x.shape != y.shape:
        return f"{head}: from {_num(np.nanmin(y))} to {_num(np.nanmax(y))}"
    return f"{head} over {xname} from {xs(np.nanmin(x))} to {xs(np.nanmax(x))}: " + _extremes(
        y, lambda i: f"{xname} = {xs(x[i])}"
    )


def _extremes(values: np.ndarray, where: Callable[[int], str]) -> str:
    """'lowest ... at ..., highest ... at ...' of ``values`` (NaN left out), each placed by
    ``where`` from its index."""
    low, high = int(np.nanargmin(values)), int(np.nanargmax(values))
    lowest, highest = _num(values[low]), _num(values[high])
    return f"lowest {lowest} at {where(low)}, highest {highest} at {where(high)}"


def _image(glyph: Any, data: Any, xname: str, yname: str) -> str | None:
    """An image: the box it covers, and for one of values (not colours) its extremes and
    where they are (a pixel's middle, rows counted up from y as Bokeh draws them)."""
    box = []
    for name in ("x", "y", "dw", "dh"):
        values, spec = _column(glyph, data, (name,)), getattr(glyph, name, None)
        box.append(float(values[0]) if values is not None else spec)
    if not all(isinstance(v, int | float) for v in box):
        return None
    x0, y0, dw, dh = box
    where = (
        f"image over {xname} from {_num(x0)} to {_num(x0 + dw)}"
        f" and {yname} from {_num(y0)} to {_num(y0 + dh)}"
    )
    field = _field(glyph, ("image",))
    if type(glyph).__name__ != "Image" or field not in data:
        return where  # colours (RGBA): no value to read
    image = np.asarray(data[field][0], dtype=float)
    if image.ndim != 2 or not np.isfinite(image).any():
        return where
    rows, cols = image.shape

    def at(index: int) -> str:
        row, col = divmod(index, cols)
        x, y = x0 + (col + 0.5) * dw / cols, y0 + (row + 0.5) * dh / rows
        return f"{xname} = {_num(x)}, {yname} = {_num(y)}"

    return f"{where}: " + _extremes(image.ravel(), at)


def _factors(glyph: Any, data: Any, names: tuple[str, ...]) -> list[str] | None:
    """The categories of the first of ``names`` the glyph reads from its data, when they are
    words (a nested category's parts joined), not numbers."""
    field = _field(glyph, names)
    if field is None or field not in data:
        return None
    words = []
    for value in data[field]:
        parts = value if isinstance(value, tuple | list) else [value]
        if not parts or not all(isinstance(part, str) for part in parts):
            return None
        words.append(", ".join(parts))
    return words or None


def _texts(glyph: Any, data: Any) -> list[str] | None:
    field = _field(glyph, ("text",))
    if field is None or field not in data:
        return None
    return [str(t) for t in data[field]]


def _table(table: Any) -> str:
    """A Bokeh table as its rows: its columns' titles, then each row's cells, so many rows at
    most."""
    data = table.source.data
    columns = [c for c in table.columns if c.field in data]
    count = len(data[columns[0].field]) if columns else 0
    heads = ", ".join(c.title or c.field for c in columns)
    rows = [
        ", ".join(_cell(data[c.field][i]) for c in columns)
        for i in range(min(count, SERIES_AT_MOST))
    ]
    more = count - len(rows)
    tail = f"; and {more} more rows" if more > 0 else ""
    return f"{count} rows of {heads}: " + "; ".join(rows) + tail if rows else f"no rows of {heads}"


def _cell(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return _num(float(value))
    if isinstance(value, np.datetime64):
        return str(np.datetime_as_string(value, unit="D"))
    return str(value)


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
    if getattr(raw, "dtype", None) is not None and raw.dtype.kind == "M":
        # dates: milliseconds since 1970, as Bokeh counts
        dates = np.asarray(raw).astype("datetime64[ms]").ravel()
        values = np.where(np.isnat(dates), np.nan, dates.astype("int64").astype(float))
        return values if np.isfinite(values).any() else None
    try:
        values = np.asarray(raw, dtype=float).ravel()
    except (TypeError, ValueError):  # ragged: one list per line or shape
        try:
            values = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in raw])
        except (TypeError, ValueError):
            return None
    return values if np.isfinite(values).any() else None

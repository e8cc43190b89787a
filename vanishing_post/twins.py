"""The static twin of a figure: what its Bokeh plot shows, drawn again by matplotlib.

Readers without JavaScript (feed readers, print, scripts turned off) see this image. It is
read off the very Bokeh model the live figure is made from (``sketch``: each visible line and
marker with its data, colour, width and dash, the axes' labels, scales and limits, the legend)
and drawn by plain matplotlib (``draw``): the twin shows what the plot shows, and costs a
fraction of plotting the HoloViews object a second time. Pure of Nikola: the site's plugin and
the command line both call ``twin_bytes``. The bytes depend only on the figure and its values
(no dates, fixed SVG ids), so rebuilds write identical files.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vanishing_post.params import FigureError, FigureSpec, lookup
from vanishing_post.registry import FIGURES

FORMATS = ("png", "svg")
PNG_COLOURS = 64  # enough for background, text, grid and each series with its edges
PNG_LEVEL = 8  # zlib: 2% larger files than 9 in less than half the time
DPI = 200  # twice the plot's CSS size (100 dpi): sharp on high-density screens and in print
CSS_DPI = 100  # a Bokeh plot's CSS pixels per inch of its twin: 640 px wide is 6.4 inches
PT_PER_PX = 72 / CSS_DPI  # Bokeh sizes lines and markers in pixels, matplotlib in points
# Metadata matplotlib would otherwise stamp into the file (a date, its version): left out.
_NO_STAMP = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}
BACKGROUND = "#fcfcfc"
INK = "#333333"  # text, ticks and the two axis lines drawn


def twin_bytes(name: str, values: Mapping[str, Any], fmt: str, *, narrow: bool = False) -> bytes:
    """The static twin of figure ``name`` at ``values`` (checked as the shortcode checks them).

    ``narrow`` draws it for a phone: a smaller figure, so its text is larger relative to the
    screen, with panels side by side stacked.

    FigureError when the name, a value or ``fmt`` is wrong, or the figure is a table (its
    static form is the HTML table itself).
    """
    spec = _drawn(name, fmt)
    wide, phone = draw(sketch(spec.build(spec.values(values))), fmt, wide=not narrow, phone=narrow)
    return phone if narrow else wide


def twin_pair(name: str, values: Mapping[str, Any], fmt: str) -> tuple[bytes, bytes]:
    """Both twins of figure ``name``, (wide, phone), from one Bokeh model. FigureError as
    ``twin_bytes``."""
    spec = _drawn(name, fmt)
    return draw(sketch(spec.build(spec.values(values))), fmt, wide=True, phone=True)


def _drawn(name: str, fmt: str) -> FigureSpec:
    """The figure ``name``, if it has a drawing to twin and ``fmt`` is known; else FigureError."""
    spec = lookup(FIGURES, name)
    if fmt not in FORMATS:
        raise FigureError(
            f"figure '{name}': format {fmt!r} is not known, allowed: {', '.join(FORMATS)}"
        )
    if spec.draw is None:
        raise FigureError(
            f"figure '{name}' is a table: it has no image twin, figures with one: "
            + ", ".join(sorted(n for n, s in FIGURES.items() if s.draw is not None))
        )
    return spec


@dataclass(frozen=True)
class Series:
    """One line, or one set of markers, as the live plot draws it (sizes in CSS pixels)."""

    x: Any
    y: Any
    colour: str
    width: float
    dash: tuple[float, ...] = ()
    marker: float = 0.0  # a marker's diameter; 0 for a line
    label: str | None = None


@dataclass(frozen=True)
class Panel:
    """One plot: its size in CSS pixels, its text, its axes and its series in drawing order."""

    width: int
    height: int
    title: str
    xlabel: str
    ylabel: str
    xlim: tuple[float, float] | None
    ylim: tuple[float, float] | None
    ylog: bool
    whole_x: bool  # ticks on the x axis only at whole numbers (steps, layers)
    legend: str | None  # where the legend sits, in matplotlib's words; None: no legend
    series: tuple[Series, ...]


@dataclass(frozen=True)
class Sketch:
    """What a figure's Bokeh model shows: its panels in reading order, ``columns`` to a row."""

    panels: tuple[Panel, ...]
    columns: int


# Bokeh's named dashes as lengths in pixels (Bokeh's own values), and its legend places.
_DASHES = {
    "solid": (),
    "dashed": (6,),
    "dotted": (2, 4),
    "dotdash": (2, 4, 6, 4),
    "dashdot": (6, 4, 2, 4),
}
_LEGEND_PLACES = {
    "top_left": "upper left",
    "top_center": "upper center",
    "top_right": "upper right",
    "center_left": "center left",
    "center": "center",
    "center_right": "center right",
    "bottom_left": "lower left",
    "bottom_center": "lower center",
    "bottom_right": "lower right",
}


def sketch(model: Any) -> Sketch:
    """What ``model`` (a Bokeh layout or plot) shows, as plain data any process can draw.

    Only what is visible counts: a hidden renderer or axis (the decay's other scale) is left
    out. A glyph other than a line or a marker is a TypeError naming it: the twin would
    otherwise miss part of the figure without a word.
    """
    from bokeh.models import Plot

    plots = [p for p in _in_order(model) if isinstance(p, Plot) and p.visible]
    if not plots:
        raise ValueError(
            f"a static twin needs a plot to draw, the figure is a {type(model).__name__}"
        )
    return Sketch(tuple(_panel(p) for p in plots), _columns(model))


def _children(model: Any) -> list[Any]:
    """A layout's children in reading order (HBox holds them in dicts, GridPlot in tuples)."""
    found = []
    for child in getattr(model, "children", None) or []:
        if isinstance(child, dict):
            child = child["child"]
        elif isinstance(child, tuple):
            child = child[0]
        found.append(child)
    return found


def _in_order(model: Any) -> list[Any]:
    return [model] + [m for child in _children(model) for m in _in_order(child)]


def _columns(model: Any) -> int:
    """How many plots stand side by side in ``model``'s widest row."""
    from bokeh.models import GridPlot, HBox, Plot, Row

    if isinstance(model, Plot):
        return 1
    if isinstance(model, GridPlot):
        return max(column for _, _, column in model.children) + 1
    children = _children(model)
    if isinstance(model, (HBox, Row)):
        return sum(_columns(child) for child in children) or 1
    return max((_columns(child) for child in children), default=1)


def _panel(plot: Any) -> Panel:
    from bokeh.models import AdaptiveTicker, GlyphRenderer, Line, LogScale, Scatter

    labels = {
        renderer: _text(item.label)
        for legend in plot.legend
        for item in legend.items
        for renderer in item.renderers
    }
    series, ranges = [], set()
    for renderer in plot.renderers:
        if not (isinstance(renderer, GlyphRenderer) and renderer.visible):
            continue
        glyph, data = renderer.glyph, renderer.data_source.data
        if not isinstance(glyph, (Line, Scatter)):
            raise TypeError(f"a static twin draws lines and markers, not {type(glyph).__name__}")
        line = isinstance(glyph, Line)
        series.append(
            Series(
                x=list(data[glyph.x]),
                y=list(data[glyph.y]),
                colour=glyph.line_color if line else glyph.fill_color,
                width=glyph.line_width,
                dash=_dash(glyph.line_dash) if line else (),
                marker=0.0 if line else float(glyph.size),
                label=labels.get(renderer),
            )
        )
        ranges.add(renderer.y_range_name)
    name = sorted(ranges)[0] if ranges else "default"
    y_range = plot.y_range if name == "default" else plot.extra_y_ranges[name]
    y_scale = plot.y_scale if name == "default" else plot.extra_y_scales[name]
    ticker = plot.xaxis[0].ticker if plot.xaxis else None
    legend = next((lg for lg in plot.legend if lg.items and lg.visible), None)
    return Panel(
        width=plot.width,
        height=plot.height,
        title=plot.title.text if plot.title is not None else "",
        xlabel=_label(plot.below + plot.above),
        ylabel=_label(plot.left + plot.right),
        xlim=_limits(plot.x_range),
        ylim=_limits(y_range),
        ylog=isinstance(y_scale, LogScale),
        whole_x=isinstance(ticker, AdaptiveTicker) and ticker.min_interval >= 1,
        legend=_LEGEND_PLACES.get(legend.location, "best") if legend is not None else None,
        series=tuple(series),
    )


def _text(label: Any) -> str | None:
    """A legend entry's text: Bokeh holds it as a value spec (or plain text)."""
    return label if isinstance(label, str) else getattr(label, "value", None)


def _label(axes: list[Any]) -> str:
    """The label of the first visible axis among a side's ``axes``."""
    from bokeh.models import Axis

    shown = [a for a in axes if isinstance(a, Axis) and a.visible]
    return str(shown[0].axis_label or "") if shown else ""


def _limits(bokeh_range: Any) -> tuple[float, float] | None:
    """Fixed limits, or None where Bokeh ranges the axis over the data itself."""
    start, end = getattr(bokeh_range, "start", None), getattr(bokeh_range, "end", None)
    try:
        limits = float(start), float(end)
    except (TypeError, ValueError):
        return None
    return limits if all(v == v for v in limits) else None  # NaN: not set


def _dash(dash: Any) -> tuple[float, ...]:
    dash = tuple(float(v) for v in (_DASHES.get(dash, ()) if isinstance(dash, str) else dash))
    return dash * 2 if len(dash) % 2 else dash  # Bokeh's [6] is 6 on, 6 off


def draw(
    drawing: Sketch, fmt: str, *, wide: bool = True, phone: bool = True
) -> tuple[bytes, bytes]:
    """The wide and the phone twin of ``drawing`` as ``fmt`` bytes, each only if asked for
    (else empty bytes): panels in a row on the wide twin, in a column on the phone's.

    A PNG's panels are figures of their own, drawn once, resized for the phone and set in a
    grid here (matplotlib's own layout of several panels costs more than the drawing); an
    SVG is one figure of sub-figures, vector to the end.
    """
    if fmt == "svg":
        return (
            _svg(drawing, phone=False) if wide else b"",
            _svg(drawing, phone=True) if phone else b"",
        )
    figures = [_figure(panel) for panel in drawing.panels]
    drawn = [b"", b""]
    if wide:
        drawn[0] = _palette(_grid([_pixels(f) for f in figures], drawing.columns))
    if phone:
        for figure in figures:
            _frame(figure, PHONE_INCHES)
            _for_phone(figure)
        drawn[1] = _palette(_grid([_pixels(f) for f in figures], 1))
    return drawn[0], drawn[1]


# A phone's twin: 3.6 inches wide is 360 CSS pixels at the twin's 100 pixels an inch, about a
# phone's text column, so tick labels keep their size on the screen. Panels side by side stack.
PHONE_INCHES = (3.6, 2.7)


def _figure(panel: Panel) -> Any:
    """``panel`` on a matplotlib figure of its own (no pyplot: nothing global to close,
    nothing shown), its axes the plot's size, with room around them for all the text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(facecolor=BACKGROUND)
    FigureCanvasAgg(figure)
    _draw_panel(panel, figure.add_axes((0, 0, 1, 1), facecolor=BACKGROUND))
    _frame(figure, (panel.width / CSS_DPI, panel.height / CSS_DPI))
    return figure


# Room on the canvas around a plot's box (inches: left, bottom, right, top) for its tick
# labels, axis labels, title and a phone's legend under it; the image is cropped to what is
# drawn. Within the box the axes sit as in matplotlib's default subplot.
ROOM = (0.8, 1.6, 0.8, 0.8)
BOX = (0.125, 0.11, 0.9, 0.88)  # the axes' left, bottom, right and top, as box fractions


def _frame(figure: Any, size: tuple[float, float]) -> None:
    """Set ``figure``'s canvas for a plot box of ``size`` inches, room around it included."""
    width, height = size
    left, bottom, right, top = ROOM
    whole = (left + width + right, bottom + height + top)
    figure.set_size_inches(whole)
    x0, y0, x1, y1 = BOX
    figure.axes[0].set_position(
        (
            (left + x0 * width) / whole[0],
            (bottom + y0 * height) / whole[1],
            (x1 - x0) * width / whole[0],
            (y1 - y0) * height / whole[1],
        )
    )


def _draw_panel(panel: Panel, axes: Any) -> None:
    """``panel``'s series, text and scales drawn on ``axes``."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    for line in panel.series:
        if line.marker:
            area = (line.marker * PT_PER_PX) ** 2
            axes.scatter(line.x, line.y, s=area, color=line.colour, label=line.label, zorder=3)
            continue
        # matplotlib counts dashes in line widths, Bokeh in pixels
        style = (0, tuple(v / line.width for v in line.dash)) if line.dash else "-"
        width = line.width * PT_PER_PX
        axes.plot(line.x, line.y, color=line.colour, lw=width, ls=style, label=line.label)
    if panel.ylog:
        axes.set_yscale("log")
        axes.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))
    if panel.xlim:
        axes.set_xlim(panel.xlim)
    if panel.ylim:
        axes.set_ylim(panel.ylim)
    if panel.whole_x:
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(panel.title, fontsize=12, color=INK)
    axes.set_xlabel(panel.xlabel, color=INK)
    axes.set_ylabel(panel.ylabel, color=INK)
    axes.spines[["top", "right"]].set_visible(False)
    axes.spines[["left", "bottom"]].set_color(INK)
    axes.tick_params(colors=INK)
    if panel.legend:
        axes.legend(loc=panel.legend, fontsize=9, framealpha=0.8)


# A phone's title: wrapped at this many characters, so it does not make the image wider than
# the plot (and the plot smaller on the screen).
PHONE_TITLE_CHARS = 40


def _for_phone(figure: Any) -> None:
    """The phone's version of ``figure``'s text: titles wrapped, the legend under the plot."""
    import textwrap

    for axes in figure.axes:
        axes.set_title(textwrap.fill(axes.get_title(), PHONE_TITLE_CHARS))
    _legend_below(figure)


def _legend_below(figure: Any) -> None:
    """On a phone's narrow plot a legend inside the axes covers the lines: set it under the
    plot instead, below the x axis's ticks and label, in two columns."""
    from matplotlib.transforms import ScaledTranslation

    for axes in figure.axes:
        legend = axes.get_legend()
        if legend is None:
            continue
        labels = [text.get_text() for text in legend.get_texts()]
        legend.remove()
        below = ScaledTranslation(0, -LEGEND_DROP_PT / 72, figure.dpi_scale_trans)
        axes.legend(
            legend.legend_handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            bbox_transform=axes.transAxes + below,
            ncols=2,
            frameon=False,
            fontsize=9,
        )


# How far under the axes a phone's legend starts: tick labels and the x label (10 pt text).
LEGEND_DROP_PT = 34


# Cropped to the drawing, this much around it: no blank margins, the page, not the image,
# reserves the figure's box.
PAD_INCHES = 0.05
_SAVE = dict(dpi=DPI, pad_inches=PAD_INCHES, facecolor=BACKGROUND)


def _svg(drawing: Sketch, *, phone: bool) -> bytes:
    """One SVG of every panel: sub-figures in a row, or in a column for a phone."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    panels = drawing.panels
    columns = 1 if phone else drawing.columns
    rows = -(-len(panels) // columns)
    if phone:
        cell = PHONE_INCHES
    else:
        cell = max(p.width for p in panels) / CSS_DPI, max(p.height for p in panels) / CSS_DPI
    figure = Figure(figsize=(cell[0] * columns, cell[1] * rows), facecolor=BACKGROUND)
    FigureCanvasSVG(figure)
    places = figure.subfigures(rows, columns, squeeze=False).flat  # the last row may have gaps
    for panel, place in zip(panels, places, strict=False):
        place.set_facecolor(BACKGROUND)
        _draw_panel(panel, place.add_subplot(facecolor=BACKGROUND))
        if phone:
            _for_phone(place)
    out = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "vanishing-gradients", "svg.fonttype": "none"}):
        figure.savefig(out, format="svg", metadata=_NO_STAMP["svg"], bbox_inches="tight", **_SAVE)
    return out.getvalue()


def _pixels(figure: Any) -> Any:
    """The figure at ``DPI`` as an RGB image cropped to its drawn content.

    What ``savefig(bbox_inches="tight")`` gives, for less: one drawing, cropped to the pixels
    that differ from the background (``ROOM`` leaves space for all the text), instead of a
    layout pass, a second drawing and a PNG we would only decode again. A drawing that
    reaches the canvas's edge takes matplotlib's own way, which widens the canvas.
    """
    from PIL import Image, ImageChops

    figure.set_dpi(DPI)
    canvas = figure.canvas
    canvas.draw()
    size = canvas.get_width_height()
    image = Image.frombuffer("RGBA", size, canvas.buffer_rgba()).convert("RGB")
    drawn = ImageChops.difference(image, Image.new("RGB", size, BACKGROUND)).getbbox()
    if drawn is None or min(drawn[:2]) == 0 or drawn[2] == size[0] or drawn[3] == size[1]:
        out = io.BytesIO()
        figure.savefig(out, format="png", bbox_inches="tight", **_SAVE)
        return Image.open(out).convert("RGB")
    pad = round(PAD_INCHES * DPI)
    left, top, right, bottom = drawn
    width, height = size
    return image.crop(
        (max(left - pad, 0), max(top - pad, 0), min(right + pad, width), min(bottom + pad, height))
    )


def _grid(images: list[Any], columns: int) -> Any:
    """``images`` in rows of ``columns``, each row as high as its tallest, ``GAP_INCHES``
    between them, on the plots' background."""
    from PIL import Image

    gap = round(GAP_INCHES * DPI)
    rows = [images[i : i + columns] for i in range(0, len(images), columns)]
    size = (
        max(sum(image.width for image in row) + gap * (len(row) - 1) for row in rows),
        sum(max(image.height for image in row) for row in rows) + gap * (len(rows) - 1),
    )
    whole = Image.new("RGB", size, BACKGROUND)
    top = 0
    for row in rows:
        left = 0
        for image in row:
            whole.paste(image, (left, top))
            left += image.width + gap
        top += max(image.height for image in row) + gap
    return whole


GAP_INCHES = 0.15  # between panels: each image is cropped close to what it shows


# Superscript digits: log-axis tick labels as text (10⁻⁹) rather than matplotlib's mathtext
# ($10^{-9}$), which parses every label with a grammar and was a fifth of a twin's time.
_SUPERSCRIPT = str.maketrans(
    "-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)


def _power_of_ten(value: float, _position: Any = None) -> str:
    """A major tick on a log axis: ``1``, ``10``, ``10⁻⁹``; nothing between decades."""
    import math

    if value <= 0:
        return ""
    exponent = round(math.log10(value))
    if not math.isclose(value, 10.0**exponent, rel_tol=1e-9):
        return ""
    return {0: "1", 1: "10"}.get(exponent, "10" + str(exponent).translate(_SUPERSCRIPT))


def _palette(image: Any, colours: int = PNG_COLOURS) -> bytes:
    """``image`` as a PNG of its most frequent colours only: a third of the bytes, same look.

    A line chart is mostly background, text and a few series colours, all of them exact in
    the palette; only anti-aliased edge pixels move to their nearest kept colour.
    """
    from PIL import Image

    counted = image.getcolors(maxcolors=image.width * image.height)
    kept = [c for _, c in sorted(counted, key=lambda nc: (-nc[0], nc[1]))[:colours]]
    palette = Image.new("P", (1, 1))
    palette.putpalette([v for c in kept + kept[:1] * (256 - len(kept)) for v in c])
    out = io.BytesIO()
    image.quantize(palette=palette, dither=Image.Dither.NONE).save(
        out, "PNG", compress_level=PNG_LEVEL
    )
    return out.getvalue()


def save(drawing: Sketch, fmt: str, wide: Path, narrow: Path) -> None:
    """Both twins of ``drawing`` into ``wide`` and ``narrow``, each whole or not at all."""
    for data, path in zip(draw(drawing, fmt), (wide, narrow), strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        partial.replace(path)


def preload() -> None:
    """Import what drawing a twin needs, ahead of the first twin (before a fork: once for both
    processes)."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import matplotlib.ticker  # noqa: F401
    import PIL.Image  # noqa: F401

"""The static twin of a figure: the same HoloViews object as the live plot, drawn by matplotlib.

Readers without JavaScript (feed readers, print, scripts turned off) see this image. Pure of
Nikola: the site's plugin and the command line both call ``twin_bytes``. The bytes depend only
on the figure and its values (no dates, fixed SVG ids), so rebuilds write identical files.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vanishing_post.params import FigureError, lookup
from vanishing_post.registry import FIGURES

FORMATS = ("png", "svg")
PNG_COLOURS = 64  # enough for background, text, grid and each series with its edges
PNG_LEVEL = 8  # zlib: 2% larger files than 9 in less than half the time
DPI = 200  # twice the plot's CSS size (100 dpi): sharp on high-density screens and in print
# Metadata matplotlib would otherwise stamp into the file (a date, its version): left out.
_NO_STAMP = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}


def twin_bytes(name: str, values: Mapping[str, Any], fmt: str, *, narrow: bool = False) -> bytes:
    """The static twin of figure ``name`` at ``values`` (checked as the shortcode checks them).

    ``narrow`` draws it for a phone: a smaller figure, so its text is larger relative to the
    screen, with panels side by side stacked.

    FigureError when the name, a value or ``fmt`` is wrong, or the figure is a table (its
    static form is the HTML table itself).
    """
    wide, phone = _twins(name, values, fmt, wide=not narrow, phone=narrow)
    return phone if narrow else wide


def twin_pair(name: str, values: Mapping[str, Any], fmt: str) -> tuple[bytes, bytes]:
    """Both twins of figure ``name``, (wide, phone), from one HoloViews plot drawn at two sizes.

    Making the plot is most of a twin's cost, so the phone's copy resizes the wide one's
    matplotlib figures instead of plotting again. FigureError as ``twin_bytes``.
    """
    return _twins(name, values, fmt, wide=True, phone=True)


def _twins(
    name: str, values: Mapping[str, Any], fmt: str, *, wide: bool, phone: bool
) -> tuple[bytes, bytes]:
    """The wide and the phone twin, each drawn only if asked for (else empty bytes)."""
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
    drawing = spec.draw(spec.values(values))
    if fmt == "svg":  # vector: one drawing, its layout HoloViews' own
        return (
            _svg(drawing) if wide else b"",
            _svg(_for_phones(drawing)) if phone else b"",
        )
    panels, columns = _panels(drawing)
    figures = [_figure(panel) for panel in panels]
    drawn = [b"", b""]
    try:
        if wide:
            drawn[0] = _palette(_grid([_pixels(f) for f in figures], columns))
        if phone:
            for figure in figures:
                figure.set_size_inches(PHONE_INCHES)
                _legend_below(figure)
            drawn[1] = _palette(_grid([_pixels(f) for f in figures], 1))
    finally:
        _close(figures)
    return drawn[0], drawn[1]


# A phone's twin: 3.6 inches wide is 360 CSS pixels at the twin's 100 pixels an inch, about a
# phone's text column, so tick labels keep their size on the screen. Panels side by side stack.
PHONE_INCHES = (3.6, 2.7)


def _panels(drawing: Any) -> tuple[list[Any], int]:
    """The plots a drawing is made of, each sized as its cell, and how many to a row.

    A layout's panels are drawn as plots of their own and set in a row here: HoloViews'
    layout plot gave the same picture in three times the time (fitting panels to a shared
    grid), and each panel keeps the aspect it asks for.
    """
    import holoviews as hv

    if not isinstance(drawing, hv.Layout):
        return [drawing], 1
    panels = list(drawing)
    columns = min(drawing._max_cols or len(panels), len(panels))
    rows = -(-len(panels) // columns)
    width, height = hv.Store.lookup_options("matplotlib", drawing, "plot").kwargs.get(
        "fig_inches", PHONE_INCHES
    )
    cell = (width / columns, height / rows)
    return [panel.opts(backend="matplotlib", fig_inches=cell) for panel in panels], columns


def _figure(element: Any) -> Any:
    """``element`` plotted by HoloViews' matplotlib backend: a matplotlib figure."""
    import holoviews as hv

    figure = hv.renderer("matplotlib").get_plot(element).state
    _plain_log_ticks(figure)
    return figure


def _legend_below(figure: Any) -> None:
    """On a phone's narrow plot a legend inside the axes covers the lines: set it under the
    plot instead, in two columns."""
    for axes in figure.axes:
        legend = axes.get_legend()
        if legend is None:
            continue
        labels = [text.get_text() for text in legend.get_texts()]
        legend.remove()
        figure.legend(
            legend.legend_handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            ncols=2,
            frameon=False,
        )


def _close(figures: list[Any]) -> None:
    import matplotlib.pyplot as plt

    for figure in figures:
        plt.close(figure)


# Cropped to the drawing, this much around it: no blank margins, the page, not the image,
# reserves the figure's box.
PAD_INCHES = 0.05
_SAVE = dict(dpi=DPI, pad_inches=PAD_INCHES, facecolor="white")


def _svg(drawing: Any) -> bytes:
    import matplotlib

    figures = [_figure(drawing)]
    out = io.BytesIO()
    try:
        with matplotlib.rc_context({"svg.hashsalt": "vanishing-gradients", "svg.fonttype": "none"}):
            figures[0].savefig(
                out, format="svg", metadata=_NO_STAMP["svg"], bbox_inches="tight", **_SAVE
            )
    finally:
        _close(figures)
    return out.getvalue()


def _for_phones(drawing: Any) -> Any:
    """The SVG twin for a phone: HoloViews' layout with its panels in one column."""
    import holoviews as hv

    width, height = PHONE_INCHES
    if isinstance(drawing, hv.Layout):
        panels = len(drawing)
        return drawing.cols(1).opts(backend="matplotlib", fig_inches=(width, height * panels))
    return drawing.opts(backend="matplotlib", fig_inches=PHONE_INCHES)


def _pixels(figure: Any) -> Any:
    """The figure at ``DPI`` as an RGB image cropped to its drawn content.

    What ``savefig(bbox_inches="tight")`` gives, for less: the box is found by a layout pass
    that rasterises nothing, and the pixels come raw, not as a PNG we would only decode again.
    """
    from PIL import Image

    figure.draw_without_rendering()
    box = figure.get_tightbbox().padded(PAD_INCHES)
    out = io.BytesIO()
    figure.savefig(out, format="rgba", bbox_inches=box, **_SAVE)
    size = int(box.width * DPI), int(box.height * DPI)
    if size[0] * size[1] * 4 != len(out.getvalue()):  # matplotlib rounded otherwise: ask it
        out = io.BytesIO()
        figure.savefig(out, format="png", bbox_inches="tight", **_SAVE)
        return Image.open(out).convert("RGB")
    return Image.frombuffer("RGBA", size, out.getvalue()).convert("RGB")


def _grid(images: list[Any], columns: int) -> Any:
    """``images`` in rows of ``columns``, each row as high as its tallest, on the background
    of the plots (their corner's colour)."""
    from PIL import Image

    rows = [images[i : i + columns] for i in range(0, len(images), columns)]
    size = (
        max(sum(image.width for image in row) for row in rows),
        sum(max(image.height for image in row) for row in rows),
    )
    whole = Image.new("RGB", size, images[0].getpixel((0, 0)))
    top = 0
    for row in rows:
        left = 0
        for image in row:
            whole.paste(image, (left, top))
            left += image.width
        top += max(image.height for image in row)
    return whole


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


def _plain_log_ticks(figure: Any) -> None:
    from matplotlib.ticker import FuncFormatter, LogFormatterSciNotation

    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            if isinstance(axis.get_major_formatter(), LogFormatterSciNotation):
                axis.set_major_formatter(FuncFormatter(_power_of_ten))


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


def write_twins(name: str, values: Mapping[str, Any], fmt: str, wide: Path, narrow: Path) -> None:
    """``twin_pair`` into ``wide`` and ``narrow``, each whole or not at all (a failed draw
    leaves no file)."""
    for data, path in zip(twin_pair(name, values, fmt), (wide, narrow), strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        partial.replace(path)


class TwinDrawer:
    """Twins drawn in a second process while the build renders pages in the first.

    The plotting libraries are imported once, here, before the process forks, so both
    processes have them for the cost of one import; the twins then take the other core
    instead of adding their time to the build's. ``submit`` returns at once; ``finish``
    draws what the second process has not started yet (sharing the rest of the work), waits
    for it, and raises, naming each, if any twin could not be drawn.
    """

    def __init__(self) -> None:
        self._jobs: Any = None
        self._report: Any = None
        self._process: Any = None

    @property
    def busy(self) -> bool:
        """Whether twins were submitted that ``finish`` has not waited for yet."""
        return self._process is not None

    def submit(
        self, name: str, values: Mapping[str, Any], fmt: str, wide: Path, narrow: Path
    ) -> None:
        """Draw ``write_twins(name, values, fmt, wide, narrow)`` in the drawing process."""
        if self._process is None:
            self._start()
        self._jobs.put((name, dict(values), fmt, Path(wide), Path(narrow)))

    def finish(self) -> None:
        """Wait for every submitted twin; RuntimeError listing the ones that failed."""
        if self._process is None:
            return
        jobs, report, process = self._jobs, self._report, self._process
        self._jobs = self._report = self._process = None
        # One stop for each of the two processes, behind the jobs: each draws jobs until it
        # takes a stop, so every job is drawn once, by whichever process was free.
        jobs.put(None)
        jobs.put(None)
        failed = _draw_jobs(jobs)
        try:
            failed += report.recv()
        except (EOFError, OSError):
            failed.append(f"the drawing process stopped (exit code {process.exitcode})")
        process.join()
        report.close()
        if failed:
            raise RuntimeError("static twins not drawn: " + "; ".join(failed))

    def _start(self) -> None:
        import multiprocessing

        from vanishing_post.figures import _holoviews

        _holoviews()  # imported before the fork: both processes have it for one import
        context = multiprocessing.get_context("fork")
        self._jobs = context.SimpleQueue()
        self._report, theirs = context.Pipe()
        self._process = context.Process(target=_drawing, args=(self._jobs, theirs), daemon=True)
        self._process.start()
        theirs.close()


def _drawing(jobs: Any, report: Any) -> None:
    """The drawing process: draw jobs until a stop, then report the failures."""
    report.send(_draw_jobs(jobs))


def _draw_jobs(jobs: Any) -> list[str]:
    """Write each twin pair taken from ``jobs`` until a stop (None); the failures, named."""
    failed = []
    while (job := jobs.get()) is not None:
        name, values, fmt, wide, narrow = job
        try:
            write_twins(name, values, fmt, wide, narrow)
        except Exception as error:  # reported by finish(), in the build's own process
            failed.append(f"figure '{name}' ({wide.name}): {type(error).__name__}: {error}")
    return failed


DRAWER = TwinDrawer()  # the build's one drawing process (plugins/vg_twins)

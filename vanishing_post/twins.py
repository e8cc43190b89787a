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
# Where a built site keeps its twins: <output>/figures/<post slug>-<n>.png. PNG, not SVG: feed
# readers and link previews (og:image) show PNG everywhere. Here rather than in conf.py because
# every page that shows a figure depends on it, and the package's files are already each page's
# dependencies (a conf.py value would need a dependency of its own, re-rendering every post once).
SITE_FOLDER = "figures"
SITE_FORMAT = "png"


def site_paths(key: str) -> tuple[str, str]:
    """Where a built site keeps the twins of the figure ``key``: (wide, phone), from its root."""
    return f"{SITE_FOLDER}/{key}.{SITE_FORMAT}", f"{SITE_FOLDER}/{key}-narrow.{SITE_FORMAT}"


PNG_COLOURS = 64  # enough for background, text, grid and each series with its edges
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
    return _draw(_for_phones(drawing) if narrow else drawing, fmt)


# A phone's twin: 3.6 inches wide is 360 CSS pixels at the twin's 100 pixels an inch, about a
# phone's text column, so tick labels keep their size on the screen.
PHONE_INCHES = (3.6, 2.7)


def _for_phones(drawing: Any) -> Any:
    import holoviews as hv

    width, height = PHONE_INCHES
    if isinstance(drawing, hv.Layout):
        panels = len(drawing)
        return drawing.cols(1).opts(backend="matplotlib", fig_inches=(width, height * panels))
    return drawing.opts(backend="matplotlib", fig_inches=PHONE_INCHES)


def _draw(element: Any, fmt: str) -> bytes:
    import holoviews as hv
    import matplotlib
    import matplotlib.pyplot as plt

    plot = hv.renderer("matplotlib").get_plot(element)
    figure = plot.state
    out = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "vanishing-gradients", "svg.fonttype": "none"}):
        figure.savefig(
            out,
            format=fmt,
            dpi=DPI,
            metadata=_NO_STAMP[fmt],
            bbox_inches="tight",  # no blank margins; the page, not the image, reserves the box
            pad_inches=0.05,
            facecolor="white",
        )
    plt.close(figure)
    return _palette(out.getvalue()) if fmt == "png" else out.getvalue()


def _palette(png: bytes, colours: int = PNG_COLOURS) -> bytes:
    """``png`` with the image's most frequent colours only: a third of the bytes, same look.

    A line chart is mostly background, text and a few series colours, all of them exact in
    the palette; only anti-aliased edge pixels move to their nearest kept colour.
    """
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    counted = image.getcolors(maxcolors=image.width * image.height)
    kept = [c for _, c in sorted(counted, key=lambda nc: (-nc[0], nc[1]))[:colours]]
    palette = Image.new("P", (1, 1))
    palette.putpalette([v for c in kept + kept[:1] * (256 - len(kept)) for v in c])
    out = io.BytesIO()
    image.quantize(palette=palette, dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
    return out.getvalue()


def write_twin(
    name: str, values: Mapping[str, Any], fmt: str, path: Path, *, narrow: bool = False
) -> None:
    """``twin_bytes`` into ``path``, whole or not at all (a failed draw leaves no file)."""
    data = twin_bytes(name, values, fmt, narrow=narrow)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)

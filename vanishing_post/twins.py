"""The static twin of a figure: the same HoloViews object as the live plot, drawn by matplotlib.

Readers without JavaScript (feed readers, print, scripts turned off) see this image. Pure of
Nikola: the site's plugin and the command line both call ``twin_bytes``. The bytes depend only
on the figure and its values (no dates, fixed SVG ids), so rebuilds write identical files.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from vanishing_post.params import FigureError, lookup
from vanishing_post.registry import FIGURES

FORMATS = ("png", "svg")
DPI = 200  # twice the plot's CSS size (100 dpi): sharp on high-density screens and in print
# Metadata matplotlib would otherwise stamp into the file (a date, its version): left out.
_NO_STAMP = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}


def twin_bytes(name: str, values: Mapping[str, Any], fmt: str) -> bytes:
    """The static twin of figure ``name`` at ``values`` (checked as the shortcode checks them).

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
    return _draw(spec.draw(spec.values(values)), fmt)


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
            bbox_inches="tight",
            facecolor="white",
        )
    plt.close(figure)
    return out.getvalue()

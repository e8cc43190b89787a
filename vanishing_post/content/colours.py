"""The site's colours and its compact legends, shared by its sections' figures: a module of its
own, so that a section that takes them is not redrawn for an edit to another section's figures."""

from __future__ import annotations

from typing import Any

TAN, BLUE, RED = "#ddb377", "#4687b7", "#ce7b6d"
GREEN, GREY = "#5f9e6e", "#777777"
# One colour per activation, in every figure that compares them; the sigmoid keeps the first
# post's tan.
ACTIVATION_COLOURS = {"sigmoid": TAN, "tanh": RED, "relu": BLUE, "leaky_relu": GREEN}
# A legend (Bokeh's Legend properties) small enough that on a 320 px phone it covers little of
# a plot: HoloViews' own, larger type spaced wider, covered lines there.
COMPACT_LEGEND = dict(
    label_text_font_size="9pt",
    label_height=14,
    glyph_height=14,
    spacing=0,
    padding=4,
    margin=4,
    background_fill_alpha=0.8,
)


def legend_below(**legend: Any) -> dict[str, Any]:
    """HoloViews options for the compact legend under the plot, in two columns ("nrows":
    HoloViews sets both counts) with room between them; no margin, which Bokeh leaves out of
    the room it makes under a plot (the legend's bottom edge was cut off). ``legend``: more of
    Bokeh's Legend properties."""
    opts = {**COMPACT_LEGEND, **legend, "nrows": "auto", "spacing": 6, "margin": 0}
    return dict(legend_position="bottom", legend_cols=2, legend_opts=opts)

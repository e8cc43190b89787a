"""HoloViews objects to Bokeh models sized for a page, and the controls a live figure has.

The engine's drawing toolbox: ``holoviews()`` (imported on first use: it takes seconds),
``render`` (no WebGL, a toolbar that leaves page scrolling to the reader, plain columns),
``sized`` (filling the text column at the figure's aspect), ``panels_row`` (panels beside each
other, stacked on a phone) and ``with_controls`` (a figure's body under one slider or button row
per declared parameter, all calling the page's ``vgControls.update``).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping, Sequence
from typing import Any

from vanishing_post.engine.params import Declared

# Plot size in CSS pixels before scaling to the text column: the aspect ratio is what stays.
WIDTH, HEIGHT = 640, 400
# Beside each other on a wide column, one above the other on a phone: the panels are a grid row
# that turns into a column below this viewport width (too small to read side by side). The same
# width is in the figure template's phone twin (the <source> media) and files/assets/css.
STACK_BELOW_PX = 560
SANITISED = "_hyphen_minus_"  # how HoloViews spells "-" in the copies of columns it adds


@functools.cache
def holoviews() -> Any:
    """HoloViews with hvplot's pandas accessor and the Bokeh renderer, imported on first use."""
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401  (the Bokeh renderer, without notebook set-up)
    import hvplot.pandas  # noqa: F401  (registers DataFrame.hvplot)

    hv.Store.set_current_backend("bokeh")
    return hv


def render(element: Any) -> Any:
    """A HoloViews object as a Bokeh model for a page (``prepared``)."""
    return prepared(holoviews().render(element, backend="bokeh"))


def prepared(model: Any) -> Any:
    """A Bokeh model HoloViews made, for a page: drawn on a canvas (no WebGL: exact lines, no
    bokeh-gl.js), no tool that takes page scrolling or dragging from a reader on a phone, no
    logo, and the data under its own column names only."""
    from bokeh.models import Plot

    parts = model_parts(model)
    for fig in of_type(parts, Plot):
        fig.output_backend = "canvas"
        fig.toolbar.active_drag = None
        fig.toolbar.active_scroll = None
        fig.toolbar.logo = None
    _plain_columns(parts)
    return model


def unmarked_log_axes(parts: list[Any]) -> None:
    """No minor ticks on a log axis: BokehJS puts them in the decade after each labelled one,
    and once a decade is a few pixels tall (on a phone, or over many decades) they merge into
    a black block."""
    from bokeh.models import LogAxis

    for axis in of_type(parts, LogAxis):
        axis.minor_tick_line_color = None


def _plain_columns(parts: list[Any]) -> None:
    """Drop HoloViews' sanitised copies of hyphenated columns ("X_hyphen_minus_Tangent").

    Only hover tooltips read them; once controls rewrite "X-Tangent" they would show stale
    numbers, and they double the data on the page. Tooltips read the real column instead.
    """
    from bokeh.models import ColumnDataSource, HoverTool

    for source in of_type(parts, ColumnDataSource):
        for name in [n for n in source.data if SANITISED in n]:
            del source.data[name]
    for hover in of_type(parts, HoverTool):
        if isinstance(hover.tooltips, list):
            hover.tooltips = [
                (label, field.replace(SANITISED, "-")) for label, field in hover.tooltips
            ]


def model_parts(model: Any) -> list[Any]:
    """Every Bokeh model ``model`` holds, found once: each ``select()`` walks the whole graph
    again, and a figure is looked through several times on its way to the page."""
    return list(model.references())


def of_type(parts: list[Any], kind: Any) -> list[Any]:
    """The models among ``parts`` that are ``kind`` (a class or a tuple of classes)."""
    return [part for part in parts if isinstance(part, kind)]


def sized(fig: Any, width: int = WIDTH, height: int = HEIGHT) -> Any:
    """``fig`` filling the width of the text column, at ``width`` to ``height``."""
    fig.width, fig.height = width, height
    fig.sizing_mode = "scale_width"
    return fig


def panels_row(panels: list[Any]) -> Any:
    """Plots beside each other on a wide column, one above the other on a phone."""
    from bokeh.models import HBox, InlineStyleSheet

    stack = InlineStyleSheet(
        css=f"@media (max-width: {STACK_BELOW_PX}px) {{ "
        ":host { grid-template-columns: 1fr !important; grid-template-rows: auto !important; } "
        ":host > * { grid-column: 1 !important; grid-row: auto !important; } }"
    )
    return HBox(children=panels, sizing_mode="stretch_width", stylesheets=[stack])


def with_controls(
    name: str,
    params: Sequence[Declared],
    values: Mapping[str, Any],
    body: Any,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    **targets: Any,
) -> Any:
    """``body`` under one control per declared parameter the reader may set (a slider for a
    number, a row of buttons for a choice), all sharing one callback:
    ``vgControls.update(figure, controls, targets, fixed, moved)``, which runs the handler
    the page script holds for figure ``name`` (``redraw[name]``, hand-written JavaScript) with
    the Bokeh models named in ``targets``.

    Slider bounds are the parameter's, or ``bounds`` for a control whose range follows another's.
    The page has the browser's own inputs in their place (``embed``); the redraw gets objects
    shaped like these widgets (``inputs.js``).
    """
    from bokeh.layouts import column, row
    from bokeh.models import CustomJS, Div, RadioButtonGroup, Slider

    widgets = {}
    shown = []
    for p in params:
        if not p.control:
            continue
        if p.kind is str:
            active = p.choices.index(values[p.name])
            widget = RadioButtonGroup(labels=list(p.choices), active=active)
        else:
            low, high = (bounds or {}).get(p.name, (p.low, p.high))
            widget = Slider(start=low, end=high, value=values[p.name], step=p.step, title=p.label)
        widget.name = p.name
        widget.sizing_mode = "stretch_width"
        widgets[p.name] = widget
        if p.kind is str:  # a button group has no title: its label beside it, as high as it
            label = Div(text=html.escape(p.label) + ":", align="center", margin=(5, 10, 5, 5))
            shown.append(row(label, widget, sizing_mode="stretch_width"))
        else:
            shown.append(widget)
    fixed = {p.name: values[p.name] for p in params if not p.control}
    callback = CustomJS(
        args=dict(controls=widgets, targets=targets, fixed=fixed, figure=name),
        code="vgControls.update(figure, controls, targets, fixed, cb_obj);",
    )
    for widget in widgets.values():
        widget.js_on_change("active" if isinstance(widget, RadioButtonGroup) else "value", callback)
    return column(shown + [body], sizing_mode="stretch_width")

"""Figure -> HTML fragment for a page: the one place that calls ``bokeh.embed``.

Ids are derived from the figure's key on the page, never from Bokeh's per-process counter or
uuid4, so fragments made in separate processes can share a page and every build gives the same
bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from vanishing_post.engine.code import code_parts
from vanishing_post.engine.describe import describe_model
from vanishing_post.engine.markup import environment, render_figure, trusted
from vanishing_post.engine.params import lookup
from vanishing_post.engine.registry import FIGURES
from vanishing_post.engine.render import model_parts, of_type
from vanishing_post.engine.scripts import page_js

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MODEL_ID = re.compile(r'"id":"(p\d+)"')
KEY = re.compile(r"[a-z0-9][a-z0-9-]*")


def _controls(parts: list[Any]) -> dict[str, Any]:
    from bokeh.models import Widget

    # references() gives a set: sort, so the page's bytes do not depend on memory addresses
    return {w.name: w for w in sorted(of_type(parts, Widget), key=_name) if w.name}


def _name(model: Any) -> str:
    return model.name or ""


def _remember_settings(model: Any, parts: list[Any], key: str) -> Any:
    """Keep the controls' values in the page address, and restore them from it on load; and
    write each into the call of the code under the figure (``code.js``)."""
    from bokeh.document import Document
    from bokeh.models import CustomJS, RadioButtonGroup

    controls = _controls(parts)
    doc = Document()
    doc.add_root(model)
    if controls:
        code = "vgControls.settingsInAddress(controls, key, mode, cb_obj);"
        doc.js_on_event(
            "document_ready",
            CustomJS(args=dict(controls=controls, key=key, mode="restore"), code=code),
        )
        doc.js_on_event(
            "document_ready", CustomJS(args=dict(key=key), code="vgControls.nameHandles(key);")
        )
        record = CustomJS(args=dict(controls=controls, key=key, mode="record"), code=code)
        shown = CustomJS(args=dict(key=key), code="vgControls.showInCode(key, cb_obj);")
        for control in controls.values():
            changed = "active" if isinstance(control, RadioButtonGroup) else "value"
            control.js_on_change(changed, record, shown)
    return doc


# A slider's handle is 14 x 18 px: its invisible touch area grows to about 40 px, the size of
# a fingertip, without changing how it looks.
TOUCH_AREA_CSS = (
    ".noUi-touch-area { position: absolute; inset: -11px -13px; width: auto; height: auto; }"
)


# Buttons that do not fit a phone's column (a 320 px window) go on to a second line instead of
# widening the page.
BUTTONS_CSS = ":host { min-width: 0; } .bk-btn-group { flex-wrap: wrap; }"


def _touchable(parts: list[Any]) -> None:
    """Sliders a finger can catch on a phone; buttons that fit its column."""
    from bokeh.models import InlineStyleSheet, RadioButtonGroup, Slider

    sliders = sorted(of_type(parts, Slider), key=_name)
    touch = InlineStyleSheet(css=TOUCH_AREA_CSS)  # one sheet the figure's sliders share
    for slider in sliders:
        slider.stylesheets = [*slider.stylesheets, touch]
    groups = sorted(of_type(parts, RadioButtonGroup), key=_name)
    wrap = InlineStyleSheet(css=BUTTONS_CSS)
    for group in groups:
        group.stylesheets = [*group.stylesheets, wrap]


def _lean(parts: list[Any]) -> None:
    """Leave out of the page what no reader can reach, so the figure weighs less.

    Without a selection tool nothing is ever selected: BokehJS's own ("auto") selection and
    non-selection glyphs stand in for HoloViews' copies. Without a legend whose click mutes,
    nothing is ever muted: the muted glyphs and the callbacks linking "muted" go too. A hidden
    toolbar leaves only its inspectors (hover) working: the other tools go. A grid without
    lines or bands draws nothing. HoloViews' tags are for HoloViews in Python, not BokehJS.
    """
    from bokeh.models import GlyphRenderer, Grid, InspectTool, Legend, Plot, TapTool
    from bokeh.models.tools import SelectTool

    selectable = bool(of_type(parts, (SelectTool, TapTool)))
    mutable = any(legend.click_policy == "mute" for legend in of_type(parts, Legend))
    for renderer in of_type(parts, GlyphRenderer):
        if not selectable:
            renderer.selection_glyph = renderer.nonselection_glyph = "auto"
        if not mutable:
            renderer.muted_glyph = "auto"
            callbacks = dict(renderer.js_property_callbacks)
            if callbacks.pop("change:muted", None) is not None:
                renderer.js_property_callbacks = callbacks
    for plot in of_type(parts, Plot):
        if plot.toolbar_location is None:
            plot.toolbar.tools = [t for t in plot.toolbar.tools if isinstance(t, InspectTool)]
        plot.center = [r for r in plot.center if not (isinstance(r, Grid) and _blank(r))]
    for part in parts:
        if part.tags:
            part.tags = []


def _blank(grid: Any) -> bool:
    return (
        grid.grid_line_color is None
        and grid.minor_grid_line_color is None
        and grid.band_fill_color is None
        and grid.band_hatch_pattern is None
    )


# A live table (a Bokeh Div, drawn in its own shadow root) in the page's type and table style,
# so it fills the same box as its static twin, the same table in the page. The page's font
# comes as a custom property (the theme's --vg-text): those reach into shadow roots, while
# `font: inherit` takes BokehJS's own 12 px from the layout around the table.
TABLE_CSS = (
    # a table wider than a phone's column scrolls inside its box, never the page
    ":host { font: var(--vg-text, inherit); color: inherit; max-width: 100%; overflow-x: auto; } "
    # BokehJS sets the text in an inline block: on the line's baseline, it left a gap under it
    ".bk-clearfix { vertical-align: top; } "
    "table { border-collapse: collapse; } "
    "th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left; } "
    # a phone's column: smaller, as figures.css sets the static table, so the widest fits
    "@media (max-width: 560px) { :host { font-size: 0.75rem; } "
    "th, td { padding: 0.25rem 0.4rem; } }"
)


def _page_styled_tables(parts: list[Any]) -> None:
    from bokeh.models import Div, InlineStyleSheet

    for div in sorted(of_type(parts, Div), key=_name):
        if "<table" in div.text:
            div.stylesheets = [*div.stylesheets, InlineStyleSheet(css=TABLE_CSS)]
            div.margin = 0  # the static table it replaces has none


def components(model: Any, key: str) -> tuple[str, str]:
    """(item, div) for ``model``: its Bokeh document as a JSON data block (``json_item``,
    which the page script embeds) and the element it is drawn into, every id derived from
    ``key``.

    A data block, not a script: a page whose Content-Security-Policy forbids inline scripts
    still draws it. Bokeh numbers models per process ("p1042") and names documents by uuid4;
    both are renamed, in order of first appearance, to ``<key>-<n>``.
    """
    from bokeh.embed import json_item

    if not KEY.fullmatch(key):
        raise ValueError(f"figure key {key!r} must be lower-case letters, digits and hyphens")
    parts = model_parts(model)
    _touchable(parts)
    _page_styled_tables(parts)
    _lean(parts)
    _remember_settings(model, parts, key)
    target = f"{key}-live"
    made = json_item(model, target)
    _used_definitions_only(made["doc"])
    item = json.dumps(made, separators=(",", ":"))
    renames: dict[str, str] = {}
    for found in MODEL_ID.findall(item) + UUID.findall(item):
        renames.setdefault(found, f"{key}-{len(renames)}")
    pattern = re.compile("|".join(re.escape(f'"{old}"') for old in renames))
    item = pattern.sub(lambda m: f'"{renames[m.group(0)[1:-1]]}"', item)
    # Inside <script>, "</" could end the block and "<!--" change how it is read: JSON says
    # the same with "<\/" and "\u003c!--".
    item = item.replace("</", "<\\/").replace("<!--", "\\u003c!--")
    template = environment().get_template("embed.html")
    return template.render(key=key, target=target, item=_markup(item)), _live_div(target)


def _used_definitions_only(doc: dict[str, Any]) -> None:
    """Keep of the document's model definitions (``defs``: the models of Python extensions,
    Panel's when hvplot has been imported) only those its models are: the others are
    kilobytes no reader uses, and present or not depending on what the process making the
    fragment had imported."""
    defs = doc.pop("defs", None)
    if not defs:
        return
    text = json.dumps([doc.get("roots"), doc.get("callbacks")])
    used = set(re.findall(r'"type": "object", "name": "([^"]+)"', text))
    kept = [d for d in defs if d.get("name") in used]
    # a definition may extend another: keep what those extend, too
    while True:
        extended = {d["extends"]["name"] for d in kept if isinstance(d.get("extends"), dict)}
        more = [d for d in defs if d.get("name") in extended - {k["name"] for k in kept}]
        if not more:
            break
        kept += more
    if kept:
        doc["defs"] = [d for d in defs if d in kept]


def _live_div(target: str) -> str:
    import markupsafe

    # display: contents, as Bokeh's own components() writes it: the live figure's box is
    # the one its root's view takes
    return str(markupsafe.Markup('<div id="{}" style="display: contents;"></div>').format(target))


def figure_html(
    name: str,
    raw: Mapping[str, Any] | None,
    key: str,
    number: int | None = None,
    twin: str | None = None,
    twin_narrow: str | None = None,
    model: Any = None,
    layout: Mapping[str, Mapping[str, float]] | None = None,
) -> str:
    """The HTML fragment of one registered figure: ``figure_parts`` written out by
    ``render_figure``."""
    return render_figure(figure_parts(name, raw, key, number, twin, twin_narrow, model), layout)


def figure_parts(
    name: str,
    raw: Mapping[str, Any] | None,
    key: str,
    number: int | None = None,
    twin: str | None = None,
    twin_narrow: str | None = None,
    model: Any = None,
) -> dict[str, Any]:
    """What one registered figure shows on a page, as plain text (what the figure cache keeps):
    live plot and controls (the element BokehJS draws into and the figure's document as a data
    block), caption, alt text, the static twin shown where the live figure does not run, and
    the code under it (``code.code_parts``; None when the author's ``code`` is no).

    ``twin`` is the address of the figure's static image (``twins``), and ``twin_narrow`` that
    of its version for phones; a figure without a drawing (a table) has its HTML as its static
    twin. ``raw`` values are checked against the figure's parameters (FigureError on a
    mistake); an author's ``title`` replaces the caption and, like all text, is escaped when
    written. ``model`` is the figure's Bokeh model when the caller has built it already, from
    these values; these parts take it over and change it.
    """
    spec = lookup(FIGURES, name)
    values = spec.values(raw)
    caption = spec.caption(raw)
    if model is None:
        model = spec.build(values)
    parts = model_parts(model)
    static = _static_table(parts) if spec.draw is None else None
    alt = spec.describe(values) if spec.describe else describe_model(model, caption)
    script, div = components(model, key)
    code = code_parts(spec, values) if spec.shows_code(raw) else None
    return dict(
        key=key,
        name=spec.name,
        number=number,
        title=caption,
        div=div,
        script=script,
        twin=twin if spec.draw is not None else None,
        twin_narrow=twin_narrow if spec.draw is not None else None,
        alt=alt,
        table=static,
        code=code,
    )


def page_html(name: str, raw: Mapping[str, Any] | None) -> str:
    """One figure as a self-contained page: BokehJS and its widgets inline, nothing fetched.

    What ``python -m vanishing_post render`` writes: the page opens offline, from a file.
    """
    from bokeh.resources import Resources

    context = trusted(figure_parts(name, raw, key=name, number=None))
    resources = Resources(mode="inline", components=["bokeh", "bokeh-widgets"])
    bokehjs = [_markup(js) for js in resources.js_raw] + [_markup(page_js())]
    return environment().get_template("page.html").render(context, bokehjs=bokehjs, layout=None)


def _static_table(parts: list[Any]) -> str | None:
    """A table figure's HTML (the text of its Div): its own static twin."""
    from bokeh.models import Div

    texts = [d.text for d in of_type(parts, Div)]
    return "".join(sorted(texts)) if texts else None


def _markup(html: str) -> Any:
    import markupsafe

    return markupsafe.Markup(html)

"""Figure -> HTML fragment for a page: the one place that calls ``bokeh.embed``.

Ids are derived from the figure's key on the page, never from Bokeh's per-process counter or
uuid4, so fragments made in separate processes can share a page and every build gives the same
bytes.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping
from typing import Any

from vanishing_post.engine.bokehjs import cut, models_in, page_requires
from vanishing_post.engine.code import code_parts
from vanishing_post.engine.describe import describe_model
from vanishing_post.engine.markup import environment, render_figure, trusted
from vanishing_post.engine.params import FigureError, js_number, lookup
from vanishing_post.engine.registry import FIGURES
from vanishing_post.engine.render import model_parts, of_type, unmarked_log_axes
from vanishing_post.engine.scripts import BOKEHJS, BOKEHJS_MORE, bokehjs_name, page_js

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MODEL_ID = re.compile(r'"(?:id|\$model)":"(p\d+)"')
QUOTED_ID = re.compile(rf'"(p\d+|{UUID.pattern})"')  # wherever a model or document is named
KEY = re.compile(r"[a-z0-9][a-z0-9-]*")


# The controls BokehJS would draw with its widgets (bokeh-widgets.js: 99 KB gzipped, and a
# good part of a figure's drawing time on a phone) are the browser's own inputs instead: a
# range input per slider, a group of radio buttons per row of buttons. Python builds them as
# Bokeh models (``render.with_controls``, ``figure._controls``): their properties say what the
# inputs are, and their one shared callback's arguments what a change redraws.
CONTROLS = ("Slider", "RadioButtonGroup")


def _is_control(model: Any) -> bool:
    return type(model).__name__ in CONTROLS and bool(model.name)


def _control_rows(model: Any) -> list[tuple[Any, Any]]:
    """(child of the root column, the control it is or holds) for each control, in order."""
    from bokeh.models import Column, Row

    if not isinstance(model, Column):
        return []
    found = []
    for child in model.children:
        if _is_control(child):
            found.append((child, child))
        elif isinstance(child, Row):
            held = [c for c in child.children if _is_control(c)]
            if held:
                found.append((child, held[0]))
    return found


def controls_shown(model: Any) -> list[dict[str, Any]]:
    """The figure's controls as its page writes them (``templates/controls.html``), in the
    order they stand above its plots: a slider's bounds, step, value and label; a button
    group's labels, the chosen one and the label beside it."""
    shown = []
    for holder, control in _control_rows(model):
        if type(control).__name__ == "Slider":
            shown.append(
                dict(
                    name=control.name,
                    label=control.title,
                    start=js_number(control.start),
                    end=js_number(control.end),
                    step=js_number(control.step),
                    value=js_number(control.value),
                )
            )
        else:
            beside = [c for c in getattr(holder, "children", []) if c is not control]
            label = html.unescape(beside[0].text).rstrip(":") if beside else control.name
            labels = list(control.labels)
            shown.append(dict(name=control.name, label=label, labels=labels, active=control.active))
    return shown


def _split_controls(model: Any) -> tuple[Any, dict[str, Any] | None]:
    """The figure without its controls (what BokehJS draws), and what the page script needs to
    run them: the figure's name, the Bokeh models a change redraws (``targets``) and the fixed
    values; None for a figure without controls."""
    from bokeh.models import Column

    rows = _control_rows(model)
    if not rows:
        return model, None
    control = rows[0][1]
    changed = "change:active" if type(control).__name__ == "RadioButtonGroup" else "change:value"
    callbacks = [c for c in control.js_property_callbacks.get(changed, []) if "targets" in c.args]
    if len(callbacks) != 1:
        raise FigureError(
            f"control '{control.name}': {len(callbacks)} redraws, allowed: one (with_controls)"
        )
    args = callbacks[0].args
    held = {id(holder) for holder, _ in rows}
    rest = [child for child in model.children if id(child) not in held]
    body = rest[0] if len(rest) == 1 else Column(children=rest, sizing_mode="stretch_width")
    drawn = {id(part) for part in model_parts(body)}
    box = body if _is_html(body) else None
    runs = dict(
        figure=args["figure"],
        targets=_references(args["targets"], drawn, args["figure"], box),
        fixed=_references(args.get("fixed", {}), drawn, args["figure"], box),
    )
    return body, runs


def _is_html(model: Any) -> bool:
    """Whether the figure is HTML only (a table, a Bokeh Div): the page shows that HTML itself,
    and no BokehJS draws it."""
    from bokeh.models import Div

    return isinstance(model, Div)


def _references(value: Any, drawn: set[int], figure: str, box: Any = None) -> Any:
    """``value`` as JSON for the page script: a Bokeh model as ``{"$model": id}`` (looked up in
    the figure's document once drawn); ``box``, the HTML of a figure that is only HTML, as
    ``{"$html": true}`` (its element on the page); a number JSON cannot hold as
    ``{"$number": text}``."""
    from bokeh.model import Model

    if box is not None and value is box:
        return {"$html": True}
    if isinstance(value, Model):
        if id(value) not in drawn:
            raise FigureError(
                f"figure '{figure}': its controls redraw a {type(value).__name__} it does not"
                " draw, allowed: models of the figure's own drawing"
            )
        return {"$model": value.id}
    if isinstance(value, Mapping):
        return {str(k): _references(v, drawn, figure, box) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_references(v, drawn, figure, box) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return _references(value.tolist(), drawn, figure, box)
    if isinstance(value, float) and not math.isfinite(value):
        return {"$number": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    return value


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


def bokehjs_needed(model: Any) -> list[str]:
    """The BokehJS bundles beyond ``bokeh`` that drawing ``model`` takes (of ``BOKEHJS_MORE``,
    in their order), as Bokeh picks them for a page of its own
    (``bundle_for_objs_and_resources``): a Bokeh table needs bokeh-widgets and bokeh-tables,
    LaTeX in an axis label or a text annotation bokeh-mathjax."""
    from bokeh.embed.bundle import bundle_for_objs_and_resources
    from bokeh.resources import Resources

    files = [str(url) for url in bundle_for_objs_and_resources([model], Resources("cdn")).js_files]
    return [b for b in BOKEHJS_MORE if any(f.endswith(f"/{bokehjs_name(b)}") for f in files)]


def components(model: Any, key: str) -> tuple[str, str]:
    """(item, div) for ``model``: its Bokeh document as a JSON data block (``json_item``,
    which the page script embeds; its controls left out, their page script's part under
    "controls"; no document for a figure that is HTML only, which the page shows itself) and
    the element it is drawn into, every id derived from ``key``.

    A data block, not a script: a page whose Content-Security-Policy forbids inline scripts
    still draws it. Bokeh numbers models per process ("p1042") and names documents by uuid4;
    both are renamed, in order of first appearance, to ``<key>-<n>``. The block names the
    BokehJS files the figure needs beyond the page's (``bokehjs_needed``), which the page
    script fetches before drawing it.
    """
    from bokeh.embed import json_item

    if not KEY.fullmatch(key):
        raise ValueError(f"figure key {key!r} must be lower-case letters, digits and hyphens")
    parts = model_parts(model)
    _lean(parts)
    unmarked_log_axes(parts)  # here, where every figure passes: some add a log axis of their own
    model, runs = _split_controls(model)
    target = f"{key}-live"
    made = {} if _is_html(model) else json_item(model, target)
    more = [bokehjs_name(b) for b in bokehjs_needed(model)] if made else []
    if made:
        _used_definitions_only(made["doc"])
    if runs:
        made["controls"] = runs
    item = json.dumps(made, separators=(",", ":"))
    renames: dict[str, str] = {}
    for found in MODEL_ID.findall(item) + UUID.findall(item):
        renames.setdefault(found, f"{key}-{len(renames)}")
    if renames:
        item = QUOTED_ID.sub(lambda m: f'"{renames.get(m.group(1), m.group(1))}"', item)
    # Inside <script>, "</" could end the block and "<!--" change how it is read: JSON says
    # the same with "<\/" and "\u003c!--".
    item = item.replace("</", "<\\/").replace("<!--", "\\u003c!--")
    template = environment().get_template("embed.html")
    block = template.render(key=key, target=target, item=_markup(item), bokehjs=more)
    return block, _live_div(target)


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
    controls = controls_shown(model)
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
        controls=controls,
    )


def page_html(name: str, raw: Mapping[str, Any] | None) -> str:
    """One figure as a self-contained page: BokehJS and the page script inline, nothing fetched.

    What ``python -m vanishing_post render`` writes: the page opens offline, from a file.
    """
    from bokeh.resources import Resources

    spec = lookup(FIGURES, name)
    model = spec.build(spec.values(raw))
    context = trusted(figure_parts(name, raw, key=name, number=None, model=model))
    drawn, _ = _split_controls(model)  # what BokehJS draws: the controls are the page's inputs
    bundles = [*BOKEHJS, *([] if _is_html(drawn) else bokehjs_needed(drawn))]
    inline = Resources(mode="inline", components=bundles).js_raw  # the bundles, then settings
    # the main bundle cut to what this figure can reach, as the site's is (engine.bokehjs)
    models = models_in(str(context["script"]))
    inline[0] = cut(inline[0], models, page_requires(page_js()), inline[1 : len(bundles)])
    # each bundle under its name on the site: the page script fetches none the page holds
    names = [bokehjs_name(b) for b in bundles] + [None] * (len(inline) - len(bundles))
    scripts = [*zip(names, map(_markup, inline), strict=True), (None, _markup(page_js()))]
    return environment().get_template("page.html").render(context, scripts=scripts, layout=None)


def _static_table(parts: list[Any]) -> str | None:
    """A table figure's HTML (the text of its Div): its own static twin."""
    from bokeh.models import Div

    texts = [d.text for d in of_type(parts, Div)]
    return "".join(sorted(texts)) if texts else None


def _markup(html: str) -> Any:
    import markupsafe

    return markupsafe.Markup(html)

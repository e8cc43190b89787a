"""Figure -> HTML fragment: ids derived from the key, unique, deterministic; the figure markup."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from bokeh import __version__ as BOKEH_VERSION
from bokeh.models import GlyphRenderer, Grid, InspectTool, LogAxis, Plot
from bokeh.models.glyph import Glyph

from tests.sites import figure_items
from vanishing_post.content.figures import FIGURES
from vanishing_post.engine.embed import components, figure_html, figure_parts, page_html
from vanishing_post.engine.markup import render_figure
from vanishing_post.engine.params import FigureError
from vanishing_post.engine.registry import FIGURES as REGISTRY
from vanishing_post.engine.scripts import BOKEHJS, BOKEHJS_MORE, bokehjs_served, page_js

NAMES = sorted(FIGURES)
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def build(name: str, raw: dict[str, Any] | None = None) -> Any:
    """A fresh Bokeh layout: ``components`` adopts it into a document, so never share one."""
    spec = REGISTRY[name]
    return spec.build(spec.values(raw))


def item(script: str) -> dict[str, Any]:
    """The figure's Bokeh document, as the page script reads it from the data block."""
    (found,) = figure_items(script)
    return found


def model_ids(script: str) -> set[str]:
    """Ids of the models defined in the fragment's document JSON."""
    return set(re.findall(r'"type":"object","name":"\w+","id":"([^"]+)"', script))


def referenced_ids(script: str) -> set[str]:
    return set(re.findall(r'\{"id":"([^"]+)"\}', script))


def all_ids(script: str, div: str) -> set[str]:
    """Every id Bokeh puts in a fragment: models, references, roots, elements."""
    ids = set(re.findall(r'"id":"([^"]+)"', script))
    found = item(script)
    ids |= {found["root_id"], found["target_id"]}
    ids |= set(re.findall(r'\b(?:id|data-root-id|data-target)="([^"]+)"', script + div))
    return ids


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.ids += [value for name, value in attrs if name == "id" and value]


def element_ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return parser.ids


@pytest.fixture(scope="module")
def fragment() -> tuple[str, str]:
    """The (script, div) of the sigmoid-tangent figure under the key "post-1"."""
    return components(build("sigmoid-tangent"), "post-1")


def test_components_returns_a_data_block_and_a_div(fragment):
    script, div = fragment
    assert script.startswith('<script type="application/json" class="vg-item"')
    assert script.rstrip().endswith("</script>")
    assert div.startswith("<div") and div.rstrip().endswith("</div>")


def test_every_id_starts_with_the_key(fragment):
    script, div = fragment
    ids = all_ids(script, div)
    assert len(ids) > 10
    assert all(i.startswith("post-1-") for i in ids), sorted(ids)


def test_no_counter_id_or_uuid_is_left(fragment):
    script, div = fragment
    assert not re.search(r'"p\d+"', script + div)
    assert not UUID.search(script + div)


def test_every_reference_points_at_a_model_in_the_fragment(fragment):
    script, _ = fragment
    defined = model_ids(script)
    assert referenced_ids(script) <= defined


def test_div_is_the_element_the_document_is_drawn_into(fragment):
    script, div = fragment
    found = item(script)
    assert f'id="{found["target_id"]}"' in div
    assert f'data-target="{found["target_id"]}"' in script
    assert found["root_id"] in model_ids(script)
    assert found["version"] == BOKEH_VERSION


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "<!-- a -->", "a </b"])
def test_text_in_a_document_cannot_end_its_data_block(text):
    from bokeh.plotting import figure

    script, _ = components(figure(title=text), "post-1")
    assert script.count("</script>") == 1 and "<!--" not in script
    assert text in json.dumps(item(script)["doc"])


def test_model_ids_within_a_fragment_are_unique(fragment):
    script, _ = fragment
    defined = re.findall(r'"type":"object","name":"\w+","id":"([^"]+)"', script)
    assert len(defined) == len(set(defined))


def test_fragments_with_different_keys_share_no_id(fragment):
    first = all_ids(*fragment)
    second = all_ids(*components(build("sigmoid-tangent"), "post-2"))
    assert first and second
    assert not first & second
    assert all(i.startswith("post-2-") for i in second)


@pytest.mark.parametrize("name", NAMES)
def test_same_figure_and_key_give_identical_bytes(name):
    first = "".join(components(build(name), "post-3"))
    second = "".join(components(build(name), "post-3"))
    difference = first_difference(first, second)
    assert difference is None, difference


def first_difference(a: str, b: str) -> str | None:
    """None when equal, else a short view of where the two texts part (pytest's diff is slow)."""
    if a == b:
        return None
    pairs = enumerate(zip(a, b, strict=False))
    at = next((i for i, (x, y) in pairs if x != y), min(len(a), len(b)))
    return f"at {at}: {a[max(0, at - 80) : at + 80]!r} != {b[max(0, at - 80) : at + 80]!r}"


def test_different_parameters_give_different_fragments():
    steps = {"steps": "7"}
    assert components(build("decay"), "k") != components(build("decay", steps), "k")
    assert figure_html("decay-steps", None, "k") != figure_html("decay-steps", steps, "k")


@pytest.mark.parametrize("key", ["", "Post-1", "-post", "post 1", "post_1", "post-1\n", 'a"b', "é"])
def test_invalid_key_raises(key):
    with pytest.raises(ValueError, match="key"):
        components(build("numbers"), key)


@pytest.fixture(scope="module")
def decay_html() -> str:
    return figure_html("decay", {}, "post-4", 4)


def test_figure_html_has_caption_number_and_title(decay_html):
    caption = re.search(r"<figcaption>(.*?)</figcaption>", decay_html, re.S)
    assert caption
    assert "Figure 4." in caption.group(1)
    assert FIGURES["decay"].title in caption.group(1)


def test_figure_html_holds_the_live_div_and_its_script(decay_html):
    assert decay_html.count("<script") == 1
    assert 'id="post-4-live"' in decay_html and 'data-target="post-4-live"' in decay_html
    assert re.search(r'<figure[^>]*\bid="post-4"', decay_html)
    assert 'data-figure="decay"' in decay_html
    assert not UUID.search(decay_html)


def test_figure_html_script_is_not_escaped(decay_html):
    assert "&lt;script" not in decay_html
    assert "&lt;div" not in decay_html


def test_figure_html_without_a_number_has_no_figure_label():
    html = figure_html("numbers", None, "post-5")
    assert "Figure " not in html
    assert FIGURES["numbers"].title in html


def test_two_figures_on_one_page_have_unique_element_ids():
    page = figure_html("numbers", {}, "post-1", 1) + figure_html("numbers", {}, "post-2", 2)
    ids = element_ids(page)
    sliders = sum(1 for p in REGISTRY["numbers"].params if p.control and p.kind is not str)
    # each: the figure, its live plot, its code, each slider's input
    assert len(ids) == len(set(ids)) == 2 * (3 + sliders)


def test_figure_html_passes_parameters_to_the_figure():
    three = figure_html("decay-steps", {"steps": "3"}, "post-6", 6)
    assert repr(0.25**3) in three
    assert repr(0.25**4) not in three


def test_figure_html_of_an_unknown_figure_raises_figure_error():
    with pytest.raises(FigureError, match="unknown figure 'nope'"):
        figure_html("nope", {}, "post-1", 1)


@pytest.mark.parametrize(
    ("name", "raw", "named"),
    [
        ("decay", {"steps": "0"}, "steps"),
        ("decay", {"colour": "red"}, "colour"),
        ("sigmoid-tangent", {"tangent_x": "99"}, "tangent_x"),
        ("numbers", {"start": "x"}, "start"),
    ],
)
def test_figure_html_propagates_a_bad_parameter_as_figure_error(name, raw, named):
    with pytest.raises(FigureError) as caught:
        figure_html(name, raw, "post-1", 1)
    message = str(caught.value)
    assert f"'{name}'" in message and named in message


def test_the_controls_script_defines_what_the_pages_call():
    script = page_js()
    assert script.startswith("// vanishing_post")
    assert "window.vgControls = " in script
    returned = "{redraw, update, settingsInAddress, showInCode, connect, controlsOf,"
    assert f"return {returned} forgetRemoved, embed, ...shared}};" in script


# Figures with controls, from the registry: a declared parameter the reader sets.
CONTROLLED = sorted(name for name, spec in REGISTRY.items() if any(p.control for p in spec.params))


@pytest.mark.parametrize("name", CONTROLLED)
def test_a_fragment_carries_no_widget_only_what_its_controls_redraw(name):
    script, _ = components(build(name), key="k")
    found = item(script)
    drawn = json.dumps(found.get("doc"))
    assert '"Slider"' not in drawn and '"RadioButtonGroup"' not in drawn
    assert "vgControls" not in drawn and "function setColumns" not in script
    runs = found["controls"]
    assert runs["figure"] == name
    redrawn = set(re.findall(r'"\$model":"([^"]+)"', json.dumps(runs, separators=(",", ":"))))
    if "doc" in found:
        assert redrawn and redrawn <= model_ids(script)
    else:  # HTML only (a table): its controls rewrite the page's own HTML
        assert not redrawn and '{"$html": true}' in json.dumps(runs["targets"])


@pytest.mark.parametrize("name", CONTROLLED)
def test_every_control_is_an_input_labelled_by_its_parameter(name):
    html = figure_html(name, None, key="k")
    controls = re.search(r'<div class="vg-controls">(.*?)</div>\s*<div class="vg-live"', html, re.S)
    controls = controls.group(1)
    sliders = re.findall(
        r'<div class="vg-slider"><span><label for="[^"]+">([^<]*)</label>:.*?'
        r'<input type="range" data-control="([^"]+)"',
        controls,
    )
    choices = re.findall(
        r'<fieldset class="vg-choice" data-control="([^"]+)"><legend>([^<]+):</legend>', controls
    )
    shown = {control: label for label, control in sliders} | dict(choices)
    wanted = {p.name for p in REGISTRY[name].params if p.control}
    assert wanted <= set(shown)
    assert all(label.strip() for label in shown.values())


def test_a_page_of_its_own_carries_the_controls_script_inline_once():
    html = page_html(CONTROLLED[0], {})
    assert html.count(page_js()) == 1
    assert 'class="vg-controls"' in html


# The static twin in the fragment: an image for plots, the HTML table for tables


@pytest.mark.parametrize("name", ["sigmoid-tangent", "side-by-side", "compression", "decay"])
def test_a_plot_fragment_carries_its_twin_with_alt_text_from_the_data(name):
    html = figure_html(name, {}, key="k", number=2, twin="/figures/k.png")
    img = re.search(r'<img class="vg-twin" src="/figures/k.png" alt="([^"]+)"', html)
    assert img, html[:300]
    assert img.group(1) == _escaped(FIGURES[name].describe(FIGURES[name].values({})))


@pytest.mark.parametrize("name", ["numbers", "decay-steps"])
def test_a_table_fragment_carries_the_table_itself_not_an_image(name):
    html = figure_html(name, {}, key="k", number=5, twin="/figures/k.png")
    assert "<img" not in html
    static = re.search(r'<div class="vg-static vg-static-table"[^>]*>(.*?)</div>', html, re.S)
    assert static and "<table" in static.group(1)


def test_the_figure_holds_the_place_its_twins_measured_at_each_width():
    layout = {
        "wide": {"controls": 141.422, "width": 704.0, "height": 440.0},
        "narrow": {"controls": 141.422, "width": 343.0, "height": 214.375},
    }
    parts = figure_parts("sigmoid-tangent", {}, key="k", twin="/a.png", twin_narrow="/n.png")
    html = render_figure(parts, layout)
    assert (
        'style="--vg-controls: 141.422px; --vg-plot: 62.5000%; '
        '--vg-controls-narrow: 141.422px; --vg-plot-narrow: 62.5000%;"'
    ) in html
    assert re.search(r'<source media="[^"]+" srcset="/n.png" width="343" height="214">', html)
    assert re.search(
        r'<img class="vg-twin" src="/a.png" alt="[^"]+" width="704" height="440"', html
    )


def test_without_a_measured_layout_the_twin_takes_its_own_size():
    html = render_figure(figure_parts("decay", {}, key="k", twin="/a.png"))
    assert (
        '<div class="vg-live">' in html and "width=" not in html.split("<img", 1)[1].split(">")[0]
    )


def _escaped(text: str) -> str:
    import markupsafe

    return str(markupsafe.escape(text))


# What the page does not need is not sent (`make bench`'s page weight)


def leaned(name: str) -> Any:
    """A registered figure's model as ``components`` sends it."""
    spec = REGISTRY[name]
    model = spec.build(spec.values({}))
    components(model, "post-1")
    return model


def renderers(model: Any) -> list[Any]:
    found = list(model.select({"type": GlyphRenderer}))
    assert found
    return found


@pytest.mark.parametrize("name", ["sigmoid-tangent", "decay", "activations", "layer-gradients"])
def test_without_a_selection_tool_no_selection_glyph_copies_are_sent(name):
    for renderer in renderers(leaned(name)):
        assert renderer.selection_glyph == "auto" and renderer.nonselection_glyph == "auto"


def test_a_legend_that_mutes_keeps_its_muted_glyphs():
    assert all(isinstance(r.muted_glyph, Glyph) for r in renderers(leaned("sigmoid-tangent")))


@pytest.mark.parametrize("name", ["activations", "layer-gradients", "skip-connections"])
def test_where_no_legend_mutes_no_muted_glyph_or_muted_link_is_sent(name):
    for renderer in renderers(leaned(name)):
        assert renderer.muted_glyph == "auto"
        assert "change:muted" not in renderer.js_property_callbacks


def test_no_log_axis_is_sent_with_minor_ticks():
    axes = [axis for name in sorted(REGISTRY) for axis in leaned(name).select({"type": LogAxis})]
    assert axes, "no registered figure has a log axis"
    assert [axis.minor_tick_line_color for axis in axes] == [None] * len(axes)


def test_a_hidden_toolbar_keeps_only_its_inspectors():
    plots = [p for p in leaned("activations").select({"type": Plot}) if p.toolbar_location is None]
    assert len(plots) == 3
    assert all(isinstance(t, InspectTool) for p in plots for t in p.toolbar.tools)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_no_grid_that_draws_nothing_and_no_holoviews_tag_is_sent(name):
    model = leaned(name)
    for grid in model.select({"type": Grid}):
        assert grid.grid_line_color is not None or grid.band_fill_color is not None
    assert not [m for m in model.references() if m.tags]


def test_a_fragment_carries_its_document_and_no_code_to_draw_it(fragment):
    script, _ = fragment
    assert "Bokeh.embed" not in script and "Bokeh.embed.embed_item(" in page_js()
    assert item(script)["doc"]["roots"]


def test_controls_that_redraw_what_the_figure_does_not_draw_are_a_one_line_error():
    from bokeh.models import ColumnDataSource
    from bokeh.plotting import figure

    from vanishing_post.engine.render import with_controls

    spec = REGISTRY[CONTROLLED[0]]
    elsewhere = ColumnDataSource({"x": [0.0]})  # in no plot of the figure
    model = with_controls(spec.name, spec.params, spec.values(None), figure(), sources=[elsewhere])
    with pytest.raises(FigureError, match=f"figure '{spec.name}': its controls redraw a Column"):
        components(model, "k")


# BokehJS's other bundles: a figure's data block names those it needs, and nothing else does


def _table() -> Any:
    from bokeh.models import ColumnDataSource, DataTable, TableColumn

    source = ColumnDataSource({"a": [1, 2], "b": [0.5, 0.25]})
    return DataTable(source=source, columns=[TableColumn(field=f) for f in "ab"])


def _labelled(label: str) -> Any:
    from bokeh.plotting import figure

    plot = figure()
    plot.line([0, 1], [1, 0])
    plot.yaxis.axis_label = label
    return plot


@pytest.mark.parametrize(
    "make, needed",
    [
        (lambda: _labelled("sigma"), []),
        (lambda: _labelled(r"$$\sigma(x)$$"), ["bokeh-mathjax"]),
        (_table, ["bokeh-widgets", "bokeh-tables"]),
    ],
    ids=["plain", "latex", "table"],
)
def test_a_data_block_names_the_bokehjs_bundles_its_figure_needs_beyond_the_page_s(make, needed):
    from vanishing_post.engine.scripts import bokehjs_name

    script, _ = components(make(), "k")
    named = re.search(r'<script [^>]*class="vg-item"[^>]*?(?: data-bokehjs="([^"]*)")?>', script)
    assert (named.group(1) or "").split() == [bokehjs_name(b) for b in needed]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_the_site_s_figures_need_no_more_bokehjs_their_controls_are_the_page_s_inputs(name):
    script, _ = components(build(name), "k")
    assert "data-bokehjs" not in script


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_page_of_its_own_holds_bokehjs_cut_to_what_its_figure_uses(name):
    """As the site's own (engine.bokehjs): a smaller file, and every model of the figure's
    document kept (tests/test_cli draws such a page offline in Chromium)."""
    from vanishing_post.engine import bokehjs

    html = page_html(name, {"code": "no"})
    held = r'<script data-bokehjs-held="bokeh-[\d.]+\.min\.js">(.*?)</script>'
    main = re.search(held, html, re.S)
    bundle = bokehjs.read_bundle(main.group(1))
    assert bundle is not None and "function _(){}" in bundle.modules
    models = bokehjs.models_in(html)
    kept = {
        found
        for number, module in enumerate(bundle.modules)
        if module != "function _(){}"
        for found in re.findall(r'__name__="(\w+)"', module)
    }
    assert models <= kept, models - kept  # none for a table: the page draws no plot


@pytest.mark.parametrize("make, held", [(_table, 3), (lambda: _labelled("$$x$$"), 2)])
def test_a_page_of_its_own_holds_every_bundle_its_figure_needs_each_once(make, held):
    from vanishing_post.engine.params import FigureSpec
    from vanishing_post.engine.registry import register

    title = "A figure needing more of BokehJS"
    register(FigureSpec("t-bundles", title, (), lambda v: make(), draw=lambda v: None))
    try:
        html = page_html("t-bundles", {"code": "no"})  # no content function to show
    finally:
        del REGISTRY["t-bundles"]
    names = re.findall(r'<script data-bokehjs-held="([^"]+)">', html)
    assert len(names) == held == len(set(names))
    assert html.count("Anaconda, Inc., and Bokeh Contributors") >= held


@pytest.mark.parametrize(
    "bundle, hinted", [*((b, True) for b in BOKEHJS), *((b, False) for b in BOKEHJS_MORE)]
)
def test_the_bundles_every_page_runs_whole_are_served_after_v8_s_compile_hint(bundle, hinted):
    installed = b"'use strict';\n(function(){})();\n"
    served = bokehjs_served(bundle, installed)
    first, rest = served.split(b"\n", 1)
    if hinted:
        assert (first, rest) == (b"//# allFunctionsCalledOnLoad", installed)
    else:
        assert served == installed

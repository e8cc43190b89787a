"""BokehJS cut to what a site's figures use (vanishing_post/engine/bokehjs.py), on the installed
bundles: the browser tests draw every figure of the site with the cut one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import bokeh
import pytest

from vanishing_post.engine import bokehjs
from vanishing_post.engine.scripts import page_js

STATIC = Path(bokeh.__file__).parent / "server" / "static" / "js"
MAIN = (STATIC / "bokeh.min.js").read_text(encoding="utf-8")
PLUGINS = [
    (STATIC / f"{name}.min.js").read_text(encoding="utf-8")
    for name in ("bokeh-widgets", "bokeh-tables", "bokeh-mathjax")
]


@pytest.fixture(scope="module")
def bundle() -> bokehjs.Bundle:
    found = bokehjs.read_bundle(MAIN)
    assert found is not None, "the installed bokeh.min.js is not in the form bokehjs.py reads"
    return found


def test_the_installed_bundle_comes_apart_into_its_numbered_modules(bundle):
    assert len(bundle.modules) == max(bundle.aliases.values()) + 1
    assert bundle.text(range(len(bundle.modules))) == MAIN


def test_the_modules_the_registry_reaches_only_re_export():
    """What the cut leaves of a re-export module is right only if it does nothing else: read
    in the bundle's unminified twin (same numbers), statement by statement."""
    text = (STATIC / "bokeh.js").read_text(encoding="utf-8")
    modules = re.findall(r"\n/\* ([^*]+)\.js \*/ function _\([^)]*\) \{\n(.*?)\n\},", text, re.S)
    allowed = re.compile(
        r"__esModule\(\);"
        r"|(?:const|var) \w+ = (tslib_1\.__importStar\()?require\(\d+\) /\* [^*]+ \*/\)?;"
        r"|tslib_1\.__exportStar\(require\(\d+\) /\* [^*]+ \*/, exports\);"
        r'|__esExport\("\w+", \w+\.\w+\);'
        r"|\(0, base_1\.register_models\)\(\w+\);"
    )
    checked = [name for name, _ in modules if bokehjs._RE_EXPORTS.fullmatch(name)]
    assert len(checked) > 30
    for name, body in modules:
        if bokehjs._RE_EXPORTS.fullmatch(name):
            for line in body.strip().splitlines():
                assert allowed.fullmatch(line.strip()), (name, line)


@pytest.mark.parametrize(
    "models, kept, left_out",
    [
        (
            {"Line"},
            ["models/glyphs/line", "models/index", "models/glyphs/index"],
            ["models/glyphs/annulus", "models/glyphs/image_url", "models/tiles/tile_renderer"],
        ),
        (
            {"Figure", "Scatter"},
            ["models/plots/figure", "models/glyphs/scatter"],
            ["models/glyphs/image", "models/tools/edit/poly_draw_tool"],
        ),
        # a colour bar takes its tickers from the index: every ticker stays
        (
            {"ColorBar"},
            ["models/tickers/mercator_ticker", "models/tickers/datetime_ticker"],
            ["models/glyphs/wedge"],
        ),
        (set(), ["main", "embed/index", "document/document"], ["models/glyphs/line"]),
    ],
)
def test_a_figures_models_are_kept_with_what_they_require_and_no_other(
    bundle, models, kept, left_out
):
    numbers = bokehjs.kept(bundle, models, set(), set())
    for name in kept:
        assert bundle.aliases[name] in numbers, name
    for name in left_out:
        assert bundle.aliases[name] not in numbers, name
    by_number = {number: name for name, number in bundle.aliases.items()}
    for number in numbers:  # closed: what a module kept for its exports requires is kept
        if not bokehjs._RE_EXPORTS.fullmatch(by_number.get(number, "")):
            inside = {
                n for n in bokehjs.requires(bundle.modules[number]) if n < len(bundle.modules)
            }
            assert inside <= numbers, by_number.get(number)


def test_what_the_page_scripts_and_the_other_bundles_take_from_bokehjs_is_kept(bundle):
    named = bokehjs.page_requires(page_js())
    assert named and named <= set(bundle.aliases), named
    needed = {n for text in PLUGINS for n in bokehjs.plugin_requires(text, len(bundle.modules))}
    assert needed
    numbers = bokehjs.kept(bundle, set(), named, needed)
    assert {bundle.aliases[name] for name in named} | needed <= numbers


def test_the_cut_bundle_is_smaller_and_a_bundle_of_another_form_is_served_whole():
    cut = bokehjs.cut(MAIN, {"Figure", "Line"}, set(), PLUGINS)
    assert len(cut) < 0.8 * len(MAIN)
    other = "(function(){ /* some other bundler */ })();\n"
    no_aliases = MAIN.replace(MAIN[MAIN.rindex("], 0, {") :], "], 0, {}, {});});\n")
    for text in (other, no_aliases):
        assert bokehjs.read_bundle(text) is None
        assert bokehjs.cut(text, {"Line"}, set(), []) == text


def test_a_pages_models_are_read_from_its_figures_data_blocks():
    doc = {
        "roots": [
            {
                "type": "object",
                "name": "Figure",
                "attributes": {
                    "renderers": [
                        {
                            "type": "object",
                            "name": "GlyphRenderer",
                            "attributes": {
                                "glyph": {"type": "object", "name": "Line"},
                                "name": "not a model",
                            },
                        }
                    ]
                },
            }
        ]
    }
    page = (
        '<p>"name":"Prose"</p><script type="application/json" class="vg-item" data-figure="a">'
        + json.dumps({"doc": doc})
        + "</script>"
    )
    assert bokehjs.models_in(page) == {"Figure", "GlyphRenderer", "Line"}

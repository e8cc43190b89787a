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


def _modules(requires: list[list[int]]) -> list[str]:
    """Modules in the bundle's form, each requiring the numbers given, in that order."""
    return [
        "function _(r,m,e){" + "".join(f"r({n});" for n in numbers) + "}" for numbers in requires
    ]


@pytest.mark.parametrize(
    "requires, order",
    [
        ([[1], [2], []], [2, 1, 0]),  # a chain: the last required runs first
        ([[2, 1], [], []], [2, 1, 0]),  # in the order the code requires them
        ([[1, 2], [3], [3], []], [3, 1, 2, 0]),  # a module two require runs once, first
        ([[1], [2], [1]], [1, 0]),  # a cycle: its first module runs the other in its place
        ([[1], [], [1]], [1, 0]),  # a module the entry never reaches is not run
    ],
    ids=["chain", "code order", "diamond", "cycle", "unreached"],
)
def test_modules_run_one_by_one_in_the_order_the_loader_finishes_them(requires, order):
    assert bokehjs.run_order(_modules(requires), 0) == order


def test_every_module_the_loader_reaches_runs_after_all_it_requires(bundle):
    order = bokehjs.run_order(list(bundle.modules), bundle.entry)
    assert order[-1] == bundle.entry and len(order) == len(set(order))
    place = {number: i for i, number in enumerate(order)}
    for number in order:
        for required in bokehjs.requires(bundle.modules[number]):
            assert place.get(required, -1) < place[number], (number, required)


def test_the_served_bundle_hands_its_run_to_the_page_or_runs_at_once():
    cut = bokehjs.cut(MAIN, {"Figure", "Line"}, set(), PLUGINS)
    assert cut.count(f"root.{bokehjs.RUN_HOOK}(loading.require, finish, [") == 1
    assert bokehjs.read_bundle(cut) is not None  # still a bundle: the one-figure page cuts it
    other_loader = MAIN.replace(
        "  const main = require(entry);\n", "  var main = require(entry);\n"
    )
    assert bokehjs.RUN_HOOK not in bokehjs.cut(other_loader, {"Line"}, set(), PLUGINS)


# The cut bundle run as a page would: at once (no hook), or handed to a hook that requires its
# modules one task at a time. Resolves to the models it registered, in the order it did.
RUN = """async ([text, sliced]) => {
  if (sliced) {
    window.vgRunBokehJS = (require, finish, order) => {
      window.ran = (async () => {
        for (const module of order) {
          await new Promise((next) => setTimeout(next, 0));
          require(module);
        }
        finish();
      })();
    };
  }
  const script = document.createElement("script");
  script.textContent = text;
  document.head.append(script);
  await window.ran;
  return Bokeh.require("base").default_resolver.names;
}"""


@pytest.mark.slow
def test_bokehjs_run_in_slices_is_bokehjs_run_at_once(browser):
    cut = bokehjs.cut(MAIN, {"Figure", "Line", "Legend", "HoverTool"}, set(), PLUGINS)
    registered = {}
    for sliced in (False, True):
        page = browser.new_page()
        try:
            registered[sliced] = page.evaluate(RUN, [cut, sliced])
        finally:
            page.close()
    assert "Figure" in registered[False] and "Legend" in registered[False]
    assert registered[True] == registered[False]

"""The script every page with figures loads once (``vg-controls.js``): what the figures'
controls run, kept out of the fragments.

The engine's own parts (``controls.js``: the redraws' entry point and helpers; the controls as
the browser's inputs, settings in the address, the call under each figure, printing) come
first, then the scripts content registers (``register``: a figure's hand-written redraws and the
maths they run), in the order registered; ``embed.js`` draws the figures from their data
blocks. Reads ``.js`` files only: the site's plugin and the twins' studio take it without
importing any data or plotting library.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).parent
PAGE_JS = "vg-controls.js"  # the shared script's name on the site, beside BokehJS
FIRST_JS = "vg-first.js"  # what runs before the page is drawn (first.js), beside it
# What a page with figures loads of BokehJS, in this order: controls are the browser's own
# inputs and tables the page's own HTML, so it draws no Bokeh widget (bokeh-widgets.js).
BOKEHJS = ("bokeh",)
# BokehJS's other bundles, in the order Bokeh loads them: fetched only before a figure that
# needs one is drawn (``embed.bokehjs_needed``: a Bokeh table, LaTeX in a label). No plot is
# drawn with WebGL (``render``), so bokeh-gl is never needed.
BOKEHJS_MORE = ("bokeh-widgets", "bokeh-tables", "bokeh-mathjax")
# V8's explicit compile hint (Chromium 136 on): every function of the file is compiled while
# the file streams in, off the page's main thread, instead of on the main thread when first
# called. BokehJS calls most of its functions as it runs, so the task that runs it is about a
# quarter shorter on a phone's CPU. Any other engine reads a comment.
COMPILE_HINT = b"//# allFunctionsCalledOnLoad\n"
ENGINE = ("controls.js", "inputs.js", "urlstate.js", "code.js", "print.js", "embed.js")
_REGISTERED: list[Path] = []


def register(*paths: Path) -> None:
    """Add content's scripts to the page script (each once, in this order)."""
    for path in paths:
        if Path(path) not in _REGISTERED:
            _REGISTERED.append(Path(path))


def sources() -> list[Path]:
    """The files the page script is made of, in order."""
    return [HERE / name for name in ENGINE] + list(_REGISTERED)


def page_js() -> str:
    """``window.vgControls``: the figures' callbacks only call into it
    (``vgControls.update(...)``), so its few KB are not repeated in every fragment. The site
    serves it as ``assets/js/vg-controls.js`` (plugins/vg_bokehjs); ``embed.page_html``
    inlines it."""
    body = "\n".join(path.read_text() for path in sources())
    return (
        "// vanishing_post: what the figures' controls run.\n"
        "window.vgControls = (() => {\n"
        + body
        + "return {redraw, update, settingsInAddress, showInCode, connect, controlsOf,"
        + " forgetRemoved, embed, ...shared};"
        + "\n})();\n"
    )


def bokehjs_name(bundle: str) -> str:
    """A BokehJS bundle's file name on the site: named by the installed bokeh's version, so a
    browser never mixes a cached BokehJS with fragments made by another bokeh."""
    return f"{bundle}-{version('bokeh')}.min.js"


def bokehjs_served(bundle: str, installed: bytes) -> bytes:
    """A BokehJS bundle as the site serves it: the installed file, with ``COMPILE_HINT`` first
    for the bundles every page with figures loads."""
    return (COMPILE_HINT if bundle in BOKEHJS else b"") + installed


def first_js() -> str:
    """What a page with figures runs before it is drawn (``first.js``): marks the page as one
    whose scripts run, and unmarks it if the page script never arrives."""
    return (HERE / "first.js").read_text()

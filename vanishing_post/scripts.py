"""The script every page with figures loads once (``vg-controls.js``): what the figures'
controls run, kept out of the fragments.

Reads the package's ``.js`` files only: the site's plugin and the twins' studio take it without
importing any data or plotting library.
"""

from __future__ import annotations

import functools
from pathlib import Path

HERE = Path(__file__).parent
PAGE_JS = "vg-controls.js"  # the shared script's name on the site, beside BokehJS
# The maths twins, then each section's redraws (network_figures.js adds to figures.js's table),
# then what every figure's page needs: settings in the address, accessible handles, printing.
SCRIPTS = (
    "maths.js",
    "figures.js",
    "network_figures.js",
    "urlstate.js",
    "a11y.js",
    "print.js",
)


@functools.cache
def page_js() -> str:
    """``window.vgControls``: the figures' callbacks only call into it
    (``vgControls.update(...)``), so its few KB are not repeated in every fragment. The site
    serves it as ``assets/js/vg-controls.js`` (plugins/vg_bokehjs); ``embed.page_html``
    inlines it."""
    body = "\n".join((HERE / name).read_text() for name in SCRIPTS)
    return (
        "// vanishing_post: what the figures' controls run (maths.js, figures.js, urlstate.js).\n"
        "window.vgControls = (() => {\n"
        + body
        + "return {maths, redraw, update, settingsInAddress, nameHandles};\n})();\n"
    )

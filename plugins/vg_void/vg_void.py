"""Every page as HTML writes it: a void element has no end tag.

Nikola writes each page through lxml (to make its links relative), and the HTML writer of the
libxml2 it uses does not count ``<source>`` (the phone twin of a figure's ``<picture>``) among
the void elements: it writes ``<source ...><img ...></source>``, which the W3C checker rejects
and which a feed reader or reader view may repair its own way. What the engine writes is right
(``vanishing_post/engine/templates/figure.html``); this Nikola filter (``FILTERS``), added for
every ``.html`` file, drops the end tags lxml added, leaving the ``<img>`` beside its
``<source>`` as browsers read it.
"""

from __future__ import annotations

import os
import re
import tempfile

from nikola.plugin_categories import ConfigPlugin

# HTML's void elements lxml's writer closes; nothing else is touched
END_TAGS = re.compile(rb"</(?:source|track|wbr)>")


def drop_void_end_tags(path: str) -> None:
    """Rewrite the page at ``path`` without end tags of void elements (whole, or not at all)."""
    with open(path, "rb") as page:
        html = page.read()
    fixed = END_TAGS.sub(b"", html)
    if fixed == html:
        return
    handle, partial = tempfile.mkstemp(dir=os.path.dirname(path) or ".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(fixed)
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


class VoidElements(ConfigPlugin):
    """Adds ``drop_void_end_tags`` to the site's filters for ``.html`` files."""

    name = "vg_void"

    def set_site(self, site):
        super().set_site(site)
        filters = site.config.setdefault("FILTERS", {})
        html = filters.setdefault(".html", [])
        if drop_void_end_tags not in html:
            html.append(drop_void_end_tags)
        return None

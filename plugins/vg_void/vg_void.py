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

import re
import sys
from pathlib import Path

from nikola.plugin_categories import ConfigPlugin

ROOT = Path(__file__).resolve().parents[2]

# HTML's void elements lxml's writer closes; nothing else is touched
END_TAGS = re.compile(rb"</(?:source|track|wbr)>")


def drop_void_end_tags(path: str) -> None:
    """Rewrite the page at ``path`` without end tags of void elements (whole, or not at all)."""
    with open(path, "rb") as page:
        html = page.read()
    fixed = END_TAGS.sub(b"", html)
    if fixed != html:
        from vanishing_post.engine.files import write_whole

        write_whole(path, fixed)


class VoidElements(ConfigPlugin):
    """Adds ``drop_void_end_tags`` to the site's filters for ``.html`` files."""

    name = "vg_void"

    def set_site(self, site):
        super().set_site(site)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        filters = site.config.setdefault("FILTERS", {})
        html = filters.setdefault(".html", [])
        if drop_void_end_tags not in html:
            html.append(drop_void_end_tags)
        return None

"""reST: a shortcode standing as a paragraph of its own is a block, not the text of a ``<p>``.

Nikola swaps each shortcode for a placeholder word before docutils runs and puts the shortcode's
HTML back afterwards, so docutils sees a one-word paragraph and writes ``<p>placeholder</p>``.
For a ``figure`` that gives ``<p><figure>...</figure><script>...</script></p>``, which browsers
split into a figure and a stray empty ``<p></p>``. This transform turns such a paragraph into the
node ``.. raw:: html`` makes, so authors keep writing the shortcode on a line of its own.
A shortcode inside running text is left in its paragraph.
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.transforms import Transform
from nikola.plugin_categories import RestExtension

# what nikola.shortcodes puts in the text in place of each shortcode (_new_sc_id)
PLACEHOLDER = re.compile(r"SHORTCODE[0-9a-f]{32}REPLACEMENT")


class StandaloneShortcodes(Transform):
    """Each paragraph that is only a shortcode's placeholder becomes raw HTML."""

    default_priority = 790  # any: no other transform touches the placeholders

    def apply(self) -> None:
        for paragraph in list(self.document.findall(nodes.paragraph)):
            text = paragraph.astext().strip()
            alone = len(paragraph.children) == 1 and isinstance(paragraph[0], nodes.Text)
            if alone and PLACEHOLDER.fullmatch(text):
                paragraph.replace_self(nodes.raw("", text, format="html"))


class BlockShortcodesRest(RestExtension):
    """Adds the transform to every reST post Nikola compiles."""

    name = "vg_blocks_rest"

    def set_site(self, site):
        if StandaloneShortcodes not in site.rst_transforms:
            site.rst_transforms.append(StandaloneShortcodes)
        return super().set_site(site)

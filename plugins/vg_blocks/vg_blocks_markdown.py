"""Markdown: a shortcode standing as a paragraph of its own is a block, not the text of a ``<p>``.

Nikola swaps each shortcode for a placeholder word before Python-Markdown runs, so a shortcode on
a line of its own comes out as ``<p>placeholder</p>`` and a ``figure`` as ``<p><figure>...``
(invalid: browsers split it and leave an empty ``<p></p>``). Python-Markdown unwraps its own raw
HTML blocks the same way (``RawHtmlPostprocessor``); this does it for shortcodes. A shortcode
inside running text is left in its paragraph.
"""

from __future__ import annotations

import re

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from nikola.plugin_categories import MarkdownExtension

# a paragraph holding only what nikola.shortcodes puts in place of a shortcode (_new_sc_id)
ALONE = re.compile(r"<p>(SHORTCODE[0-9a-f]{32}REPLACEMENT)</p>")


class StandaloneShortcodes(Postprocessor):
    """Drops the ``<p>`` around each paragraph that is only a shortcode's placeholder."""

    def run(self, text: str) -> str:
        return ALONE.sub(r"\1", text)


class BlockShortcodesMarkdown(MarkdownExtension, Extension):
    """Adds the postprocessor to Nikola's Markdown compiler."""

    name = "vg_blocks_markdown"

    def extendMarkdown(self, md) -> None:
        md.postprocessors.register(StandaloneShortcodes(md), "vg_standalone_shortcodes", 5)
        md.registerExtension(self)

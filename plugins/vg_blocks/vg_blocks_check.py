"""A figure written inside running text stops the build instead of landing inside a ``<p>``.

The compiler extensions beside this place a shortcode that is a paragraph of its own as a block;
one written mid-sentence stays in its paragraph, and a ``<figure>`` there is invalid HTML that
browsers split. Each compiled post is read once, right after Nikola compiles it.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from blinker import signal
from nikola.plugin_categories import SignalHandler


class _FiguresInParagraphs(HTMLParser):
    """The names of the figures that start while a ``<p>`` is open."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.paragraphs = 0
        self.found: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self.paragraphs += 1
        elif tag == "figure" and self.paragraphs:
            self.found.append(dict(attrs).get("data-figure") or "?")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self.paragraphs:
            self.paragraphs -= 1


def check_compiled(event: dict) -> None:
    """After a post compiles: no figure in a paragraph, or a one-line error and no fragment."""
    fragment = Path(event["dest"])
    found = _FiguresInParagraphs(fragment.read_text(encoding="utf-8")).found
    if found:
        fragment.unlink()
        raise SystemExit(
            f"ERROR: shortcode 'figure' in {event['source']}: figure {found[0]!r} is inside"
            " running text, allowed: on a line of its own with a blank line before and after"
        )


class FiguresOutsideParagraphs(SignalHandler):
    """Connects the check to Nikola's ``compiled`` signal."""

    name = "vg_blocks_check"

    def set_site(self, site):
        signal("compiled").connect(check_compiled)
        return super().set_site(site)

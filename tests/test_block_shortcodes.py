"""A figure is a block of its own: never inside a <p>, in either markup, on the page or in the feed.

Nikola compiles the markup with a placeholder word where each shortcode stands, so reST and
Markdown both used to write ``<p><figure>...</figure><script>...</script></p>``: invalid nesting
that browsers split, leaving an empty ``<p></p>``. plugins/vg_blocks places a shortcode that is a
paragraph of its own as a block.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import docutils.core
import markdown
import pytest
from docutils import nodes

from plugins.vg_blocks.vg_blocks_markdown import BlockShortcodesMarkdown
from plugins.vg_blocks.vg_blocks_rest import StandaloneShortcodes
from tests.sites import Build

POSTS = {"rest": "rnns-and-vanishing-gradients", "markdown": "a-closer-look-at-the-tangent"}
PLACEHOLDER = "SHORTCODE" + "0123456789abcdef" * 2 + "REPLACEMENT"
VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
# what may not start inside a <p>: the elements that close it in a browser (HTML's parsing
# rules), and the figures' scripts, which belong beside their figure
NOT_IN_P = frozenset(
    """address article aside blockquote details dialog div dl fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul
    script""".split()
)


class _Nesting(HTMLParser):
    """Every element that starts inside an open <p>, and every <p> with nothing in it."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.open: list[str] = []
        self.misplaced: list[str] = []
        self._empty: list[bool] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if "p" in self.open and tag in NOT_IN_P:
            where = dict(attrs).get("id") or dict(attrs).get("data-figure") or ""
            self.misplaced.append(f"<{tag} {where}> inside " + " > ".join(self.open))
        if self._empty:
            self._empty[-1] = False
        if tag not in VOID:
            self.open.append(tag)
            self._empty.append(True)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.open:
            return
        while self.open:
            closed, empty = self.open.pop(), self._empty.pop()
            if closed == "p" and empty:
                self.misplaced.append("an empty <p></p> in " + " > ".join(self.open))
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        if data.strip() and self._empty:
            self._empty[-1] = False


def misplaced(markup: str) -> list[str]:
    return _Nesting(markup).misplaced


def feed_item(site: Build, slug: str) -> str:
    """A post's HTML as the RSS feed carries it, unsanitised (feedparser drops scripts)."""
    channel = ElementTree.parse(site.output / "rss.xml").getroot().find("channel")
    (item,) = [i for i in channel.iter("item") if i.findtext("link").rstrip("/").endswith(slug)]
    return item.findtext("description")


@pytest.mark.parametrize("markup", sorted(POSTS))
def test_post_page_has_no_figure_or_script_inside_a_paragraph(site: Build, markup: str) -> None:
    page = (site.output / "posts" / POSTS[markup] / "index.html").read_text()
    assert page.count("<figure") >= 3, site.log
    found = misplaced(page)
    assert not found, "\n".join(found) + "\n" + site.log


@pytest.mark.parametrize("markup", sorted(POSTS))
def test_feed_carries_figures_outside_paragraphs(site: Build, markup: str) -> None:
    html = feed_item(site, POSTS[markup])
    assert html.count("<figure") >= 3, site.log
    found = misplaced(html)
    assert not found, "\n".join(found) + "\n" + site.log


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ('<p><figure id="f-1"></figure><script></script></p>', 2),
        ("<p>text</p><figure></figure><script></script>", 0),
        ("<p></p><figure></figure><p> </p>", 2),
        ("<p>before <div>x</div> after</p>", 1),
        ("<p>an <img src=a.png> and <math><mi>x</mi></math></p>", 0),
    ],
)
def test_nesting_check_finds_blocks_in_paragraphs_and_empty_paragraphs(
    html: str, found: int
) -> None:
    assert len(misplaced(html)) == found, misplaced(html)


@pytest.mark.parametrize(
    ("source", "raw", "paragraphs"),
    [
        (f"Before.\n\n{PLACEHOLDER}\n\nAfter.\n", 1, 2),
        (f"Prose with {PLACEHOLDER} in it.\n", 0, 1),
        (f"- {PLACEHOLDER}\n\n  Two paragraphs in an item.\n", 1, 1),
    ],
)
def test_rest_places_a_shortcode_alone_in_its_paragraph_as_raw_html(
    source: str, raw: int, paragraphs: int
) -> None:
    doctree = docutils.core.publish_doctree(source)
    StandaloneShortcodes(doctree).apply()
    assert len(list(doctree.findall(nodes.raw))) == raw
    assert len(list(doctree.findall(nodes.paragraph))) == paragraphs
    assert PLACEHOLDER in doctree.astext()


@pytest.mark.parametrize(
    ("source", "html"),
    [
        (f"Before.\n\n{PLACEHOLDER}\n\nAfter.", f"<p>Before.</p>\n{PLACEHOLDER}\n<p>After.</p>"),
        (f"Prose with {PLACEHOLDER} in it.", f"<p>Prose with {PLACEHOLDER} in it.</p>"),
    ],
)
def test_markdown_places_a_shortcode_alone_in_its_paragraph_as_a_block(
    source: str, html: str
) -> None:
    assert markdown.markdown(source, extensions=[BlockShortcodesMarkdown()]) == html

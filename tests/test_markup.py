"""The figure's HTML as feeds carry it (``markup.for_feeds``)."""

from __future__ import annotations

import pytest

from vanishing_post.engine.markup import for_feeds

BASE = "https://example.org/posts/one/"
FIGURE = (
    '<p>Before.</p><figure class="vg-figure" id="one-1">'
    '<div class="vg-controls"><input type="range" disabled></div>'
    '<div class="vg-live"><div class="vg-static"><picture>'
    '<source media="(max-width: 560px)" srcset="{srcset}">'
    '<img class="vg-twin" src="https://example.org/figures/one-1.png" alt="A line."></picture>'
    '</div><div class="vg-bokeh"><div id="one-1-live"></div></div></div>'
    "<figcaption>Figure 1. A line</figcaption></figure>"
    '<details class="vg-code"><summary>Code</summary><pre>line(1)</pre></details>'
    '<script type="application/json" class="vg-item">{{"doc": 1}}</script><p>After.</p>'
)


@pytest.mark.parametrize(
    "kept",
    [
        "<p>Before.</p>",
        "figures/one-1.png",
        'alt="A line."',
        "Figure 1. A line",
        "<pre>line(1)</pre>",
        "<p>After.</p>",
    ],
)
def test_a_feed_keeps_the_twin_caption_code_and_text(kept: str) -> None:
    assert kept in for_feeds(FIGURE.format(srcset="/figures/one-1-narrow.png"), BASE)


@pytest.mark.parametrize("live", ["vg-controls", "<input", "vg-bokeh", "one-1-live", "vg-item"])
def test_a_feed_leaves_out_what_only_the_figure_s_scripts_use(live: str) -> None:
    assert live not in for_feeds(FIGURE.format(srcset="/figures/one-1-narrow.png"), BASE)


@pytest.mark.parametrize(
    "srcset,absolute",
    [
        ("/figures/one-1-narrow.png", "https://example.org/figures/one-1-narrow.png"),
        ("narrow.png 1x, wide.png 2x", f"{BASE}narrow.png 1x, {BASE}wide.png 2x"),
        ("https://cdn.example.net/a.png", "https://cdn.example.net/a.png"),
    ],
)
def test_a_feed_gives_the_phone_twin_an_absolute_address(srcset: str, absolute: str) -> None:
    assert f'srcset="{absolute}"' in for_feeds(FIGURE.format(srcset=srcset), BASE)


def test_a_post_without_figures_reads_the_same() -> None:
    html = '<p>Text with <a href="https://example.org/">a link</a>.</p>\n<p>More.</p>'
    assert for_feeds(html, BASE) == html

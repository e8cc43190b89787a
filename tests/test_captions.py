"""``title=``: an author's caption for any figure, checked like every parameter and escaped."""

from __future__ import annotations

import pytest

from vanishing_post.engine.embed import figure_html
from vanishing_post.engine.params import TITLE, FigureError
from vanishing_post.engine.registry import FIGURES


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_takes_a_title_and_keeps_its_own_caption_without_one(name):
    spec = FIGURES[name]
    assert spec.param("title") is TITLE
    assert spec.caption({}) == spec.title
    assert spec.caption({"title": "  My caption "}) == "My caption"


def test_a_title_is_not_passed_to_the_drawing():
    assert "title" not in FIGURES["decay"].values({"title": "Mine"})


def test_a_title_is_escaped_in_the_figure_html():
    html = figure_html("decay", {"title": '<script>alert("x")</script> & co'}, key="t-1")
    caption = html.split("<figcaption>", 1)[1].split("</figcaption>", 1)[0]
    assert caption == "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co"


@pytest.mark.parametrize("raw", ["", "   ", "x" * 201, "two\nlines", "tab\there", 3, None])
def test_a_title_must_be_one_line_of_text_of_reasonable_length(raw):
    with pytest.raises(FigureError) as caught:
        FIGURES["numbers"].values({"title": raw})
    message = str(caught.value)
    assert "\n" not in message
    assert "figure 'numbers', parameter 'title'" in message
    assert "allowed: one line of text, 1 to 200 characters" in message


def test_unknown_parameter_lists_title_among_the_known():
    with pytest.raises(FigureError, match="known: steps, x, scale, title, code$"):
        FIGURES["decay"].values({"colour": "red"})

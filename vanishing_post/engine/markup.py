"""The package's HTML templates (``templates/``), loaded once; every value is escaped.

A module of its own, importing Jinja only: the twins' studio runs in the build's own process,
which imports no plotting or data library.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jinja2
import markupsafe

TEMPLATES = Path(__file__).parent / "templates"
# The parts of a figure (figure.html) that only its scripts use: its controls, the element
# BokehJS draws in and the figure's document. A feed reader runs no script and shows them raw
# (inputs that do nothing; the documents were half of a feed's bytes).
LIVE_CLASSES = ("vg-controls", "vg-bokeh", "vg-item")


@functools.cache
def environment() -> jinja2.Environment:
    """The templates in ``templates/``, autoescaped."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=False
    )


def render_figure(
    parts: Mapping[str, Any], layout: Mapping[str, Mapping[str, float]] | None = None
) -> str:
    """A figure's HTML from its parts (``embed.figure_parts``). ``layout`` is what its twins
    measured of the live figure at each width ("wide", "narrow": the height of the controls
    above the plots, and the plots' box, in CSS pixels): the twin then holds exactly the place
    the live figure will take. None (a table, or no twin yet): the twin takes its own size."""
    return environment().get_template("figure.html").render(trusted(parts), layout=layout)


def trusted(parts: Mapping[str, Any]) -> dict[str, Any]:
    """``parts`` with the HTML that Bokeh, the tables and Pygments (the code's body) wrote
    marked safe (the rest, the caption, alt text and the code's call, is escaped when
    written)."""
    context = dict(parts)
    for name in ("div", "script", "table"):
        if context.get(name):
            context[name] = markupsafe.Markup(context[name])
    if context.get("code"):
        context["code"] = {**context["code"], "body": markupsafe.Markup(context["code"]["body"])}
    return context


def for_feeds(html: str, base: str) -> str:
    """A post's HTML as a feed carries it: each figure its twin (or table), caption and code,
    without the parts only its scripts use (``LIVE_CLASSES``), and the phone twin's address
    made absolute against ``base`` (the post's address), as Nikola makes each src and href."""
    import lxml.html

    root = lxml.html.fragment_fromstring(html, create_parent="div")
    has_class = " | ".join(
        f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
        for name in LIVE_CLASSES
    )
    for element in root.xpath(has_class):
        element.drop_tree()
    for source in root.iter("source"):
        if source.get("srcset"):
            candidates = [c.split() for c in source.get("srcset").split(",") if c.strip()]
            source.set(
                "srcset", ", ".join(" ".join([urljoin(base, c[0]), *c[1:]]) for c in candidates)
            )
    return (root.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root
    )

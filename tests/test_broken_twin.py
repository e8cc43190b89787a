"""A figure whose static twin cannot be drawn, in a real `nikola build`: the page renders while
the twins are drawn beside it, then the build fails naming the twin, and writes no half of it.

The copy of the site gets one extra figure whose live plot works and holds a glyph the twins do
not draw, added to the copy's registry, and one post that places it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sites import Build, build_with_figure

BROKEN_TWIN = """

def _bars(values):
    from bokeh.plotting import figure

    plot = figure(width=300, height=200)
    plot.vbar(x=[1, 2], top=[3, 4], width=0.5)  # live, but not a glyph a twin draws
    return plot


FIGURES["broken-twin"] = FigureSpec(
    "broken-twin", "A figure whose twin fails", (), _bars, draw=lambda values: None
)
"""
POST = """<!--
.. title: A post with a broken twin
.. slug: broken-twin
.. date: 2026-11-21 09:00:00 UTC
.. template: figures.tmpl
-->

Some prose.

{{% figure broken-twin %}}

{{% figure decay %}}
"""


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build_with_figure(
        tmp_path_factory.mktemp("broken-twin"), BROKEN_TWIN, "broken-twin.md", POST
    )


def test_a_twin_that_cannot_be_drawn_fails_the_build(broken_build: Build) -> None:
    assert broken_build.returncode != 0, broken_build.log


def test_the_failure_names_the_figure_and_its_twin(broken_build: Build) -> None:
    assert (
        "static twins not drawn: figure 'broken-twin' (broken-twin-1.png): "
        "TypeError: a static twin draws lines and markers, not VBar"
    ) in broken_build.log


def test_no_half_of_the_broken_twin_is_written_and_the_others_are(broken_build: Build) -> None:
    figures = Path(broken_build.output, "figures")
    assert sorted(p.name for p in figures.iterdir()) == [
        "broken-twin-2-narrow.png",
        "broken-twin-2.png",
    ]

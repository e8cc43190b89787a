"""A figure BokehJS cannot draw, in a real `nikola build`: its twin is photographed from the
figure drawn in a browser, so the build fails naming the figure and its twins, and writes no
half of them (the live figure would be broken for every reader too).

The copy of the site gets one extra figure whose Bokeh model is valid but whose tick formatter
throws in the browser, added to the copy's registry, and one post that places it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import running_in
from tests.sites import Build, build_with_figure

pytestmark = pytest.mark.slow  # a real build, a browser or the drawing processes

BROKEN_TWIN = """

def _breaks(values):
    from bokeh.models import CustomJSTickFormatter
    from bokeh.plotting import figure

    plot = figure(width=300, height=200)
    plot.line(x=[1, 2], y=[3, 4])
    plot.xaxis.formatter = CustomJSTickFormatter(code="throw new Error('no ticks here')")
    return plot


register(
    FigureSpec("broken-twin", "A figure BokehJS cannot draw", (), _breaks, draw=lambda v: None)
)
"""
POST = """<!--
.. title: A post with a broken twin
.. slug: broken-twin
.. date: 2026-11-21 09:00:00 UTC
.. template: figures.tmpl
-->

Some prose.

{{% figure broken-twin code=no %}}

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
        "static twins not drawn: figure 'broken-twin' (broken-twin-1-narrow.png, "
        "broken-twin-1.png): BokehJS could not draw it: "
    ) in broken_build.log
    assert "no ticks here" in broken_build.log


def test_no_half_of_the_broken_twin_is_written_and_the_others_are(broken_build: Build) -> None:
    figures = Path(broken_build.output, "figures")
    assert sorted(p.name for p in figures.iterdir()) == [
        "broken-twin-2-narrow.png",
        "broken-twin-2.png",
    ]


def test_no_process_of_the_failed_build_is_left_running(broken_build: Build) -> None:
    assert running_in(broken_build.root, settle_s=5) == []

"""Hand-written controls that do not redraw what Python drew, in a real `nikola build`: the
studio moves each control away and back, and the figure must show Python's data again. A figure
whose redraw is missing from the page script, and one whose redraw writes a column the figure
does not have (its line would go flat), each fail the build, named in one line.

The copy of the site gets one content module with the two figures (and a page script with the
second's redraw) and one post that places them.
"""

from __future__ import annotations

import pytest

from tests.processes import running_in
from tests.sites import Build, build_with_figure

pytestmark = pytest.mark.slow  # a real build

FIGURES = """
from pathlib import Path

import numpy as np
import param

from vanishing_post.engine import registry, scripts
from vanishing_post.engine.params import declared
from vanishing_post.engine.render import with_controls

scripts.register(Path(__file__).with_suffix(".js"))


def _line(name):
    def build(values):
        from bokeh.models import ColumnDataSource
        from bokeh.plotting import figure

        plot = figure(width=300, height=200)
        x = np.linspace(0.0, 1.0, 5)
        source = ColumnDataSource({"x": x, "y": x * values["k"]})
        plot.line("x", "y", source=source)
        spec = registry.FIGURES[name]
        return with_controls(name, spec.params, values, plot, sources=[source])

    return build


for _name in ("no-redraw", "wrong-column"):
    k = {"k": param.Number(1.0, bounds=(0.0, 2.0), step=0.5, label="k")}
    register(FigureSpec(_name, _name, declared(_name, k), _line(_name), draw=lambda v: None))
"""
SCRIPT = """
redraw["wrong-column"] = (controls, targets) => {
  const x = [0, 0.25, 0.5, 0.75, 1];
  setColumns(targets.sources, {x, yy: x.map((v) => v * controls.k.value)});
};
"""
POST = """<!--
.. title: A post with broken controls
.. slug: broken-controls
.. date: 2026-11-21 09:00:00 UTC
.. template: figures.tmpl
-->

Some prose.

{{% figure no-redraw code=no %}}

{{% figure wrong-column code=no %}}

{{% figure decay %}}
"""


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build_with_figure(
        tmp_path_factory.mktemp("broken-controls"), FIGURES, "broken-controls.md", POST, SCRIPT
    )


def test_controls_that_do_not_redraw_what_python_drew_fail_the_build(broken_build) -> None:
    assert broken_build.returncode != 0, broken_build.log


def test_the_failure_is_one_line_naming_each_figure_and_what_is_wrong(broken_build) -> None:
    [line] = [x for x in broken_build.log.splitlines() if "static twins not drawn" in x]
    assert "figure 'no-redraw' (" in line and "no redraw in the page script" in line
    assert "figure 'wrong-column' (" in line and "moved 'k' and back" in line
    assert "column 'y'" in line
    assert "figure 'decay'" not in line and "Traceback" not in broken_build.log


def test_no_process_of_the_failed_build_is_left_running(broken_build) -> None:
    assert running_in(broken_build.root, settle_s=5) == []

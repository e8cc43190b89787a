"""Every kind of plot hvplot and HoloViews make gets a static twin that is its own picture.

One real build of a copy of the site whose registry gains one figure per element type (line,
step, scatter, area, bars, histogram, heat map, image, spans, error bars, box plot, labels,
spread, polygons, density, violins, panels under a title, and three that need more of BokehJS
than the site's figures: a table, LaTeX in its axis labels, a plot beside a table) and whose
only post places them all. Each twin in
``output/figures`` is then compared with a screenshot of the live figure on the built page, in
Chromium, at the width the twin was drawn for: they must share their ink.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.conftest import serve
from tests.reader import INK, ink_shared
from tests.sites import Build, build_with_figure

pytestmark = pytest.mark.slow  # a real build, a browser or the drawing processes

KINDS = (
    "line",
    "step",
    "scatter",
    "area",
    "bar",
    "barh",
    "hist",
    "heatmap",
    "image",
    "spans",
    "errorbars",
    "box",
    "labels",
    "spread",
    "polygons",
    "kde",
    "violin",
    "titled",
    "table",  # after it, BokehJS has looked for MathJax once already
    "latex",
    "mixed",
    "table-frames",  # a table per key: the page shows each key's rows
)
REGISTRY = f"""
from vanishing_post.engine.figure import figure

def _element(kind):
    import numpy as np
    import pandas as pd

    from vanishing_post.engine.render import holoviews

    hv = holoviews()
    x = np.linspace(0.0, 6.0, 25)
    data = pd.DataFrame(
        {{"x": x, "y": np.sin(x), "e": 0.1 + 0.05 * np.cos(x), "c": list("abcde") * 5}}
    )
    few = data.head(5)
    grid = pd.DataFrame([(a, b, i * j) for i, a in enumerate("abcd") for j, b in enumerate("wxyz")],
                        columns=["a", "b", "v"])
    made = {{
        "line": lambda: data.hvplot.line("x", "y"),
        "step": lambda: data.hvplot.step("x", "y"),
        "scatter": lambda: data.hvplot.scatter("x", "y"),
        "area": lambda: data.hvplot.area("x", "y"),
        "bar": lambda: few.hvplot.bar("c", "y"),
        "barh": lambda: few.hvplot.barh("c", "y"),
        "hist": lambda: data.hvplot.hist("y", bins=8),
        "heatmap": lambda: grid.hvplot.heatmap(x="a", y="b", C="v"),
        "image": lambda: hv.Image(np.outer(np.sin(x), np.cos(x))),
        "spans": lambda: data.hvplot.line("x", "y") * hv.HLine(0.0) * hv.VLine(3.0),
        "errorbars": lambda: data.hvplot.scatter("x", "y") * hv.ErrorBars(data, "x", ["y", "e"]),
        "box": lambda: data.hvplot.box("y", by="c"),
        "labels": lambda: few.hvplot.labels("x", "y", "c"),
        "spread": lambda: hv.Spread(data, "x", ["y", "e"]),
        "polygons": lambda: hv.Polygons(
            [{{"x": [0, 1, 2], "y": [0, 1, 0]}}, {{"x": [3, 4, 5], "y": [0, 1, 0]}}]
        ),
        "kde": lambda: data.hvplot.kde("y"),
        "violin": lambda: data.hvplot.violin("y", by="c"),
        "titled": lambda: (data.hvplot.line("x", "y") + data.hvplot.scatter("x", "e")).opts(
            title="Two panels under a title"
        ),
        "table": lambda: few.hvplot.table(columns=["c", "x", "y"]),
        "mixed": lambda: few.hvplot.line("x", "y") + few.hvplot.table(columns=["c", "y"]),
        "table-frames": lambda: data.head(10).hvplot.table(columns=["x", "y"], groupby="c"),
        "latex": lambda: data.hvplot.line("x", "y", xlabel="$$x$$", ylabel=r"$$\\sin(x)$$"),
    }}
    return made[kind]()


def _drawn(kind):
    return lambda: _element(kind)


# as an author registers a figure: the engine renders, fits and photographs what it returns
for _kind in {KINDS!r}:
    figure("kind-" + _kind, title="A kind of plot")(_drawn(_kind))
"""
POST = (
    """<!--
.. title: Every kind of plot
.. slug: kinds
.. date: 2026-11-21 09:00:00 UTC
.. template: figures.tmpl
-->

Every kind of plot, each with its twin. An author showing how to place one writes
{{% raw %}}{{% figure kind-line %}}{{% /raw %}}: not a figure, and no figure's twin moves.

"""
    # code=no: each is drawn by a lambda of the test's, no code a page could show
    + "\n\n".join(f"{{{{% figure kind-{kind} code=no %}}}}" for kind in KINDS)
    + "\n"
)
WINDOWS = {"wide": 1100, "narrow": 375}  # the twins' column widths, as a reader's window
MATCH = 0.95  # of the ink, at least this much the same


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Build:
    done = build_with_figure(tmp_path_factory.mktemp("kinds"), REGISTRY, "kinds.md", POST)
    assert done.returncode == 0, done.log
    return done


@pytest.fixture(scope="module")
def served(built: Build) -> Iterator[str]:
    with serve(built.output) as url:
        yield url + "posts/kinds/"


# What BokehJS drew of the figure, its layouts taken apart (plots, tables, titles)
PLOT_BOX = """key => {
  const figure = document.getElementById(key);
  const parts = (v) => "children" in v.model.properties ? [...v.child_views].flatMap(parts) : [v];
  const views = Bokeh.index.roots.filter((v) => figure.contains(v.el)).flatMap(parts);
  const boxes = views.map((v) => v.el.getBoundingClientRect()).filter((b) => b.width > 0);
  const x = Math.min(...boxes.map((b) => b.left)), y = Math.min(...boxes.map((b) => b.top));
  return {x, y, width: Math.max(...boxes.map((b) => b.right)) - x,
          height: Math.max(...boxes.map((b) => b.bottom)) - y};
}"""


@pytest.fixture(scope="module", params=list(WINDOWS))
def live(request, browser: Any, served: str) -> Iterator[tuple[str, dict[str, Image.Image]]]:
    """Each figure as the reader's window shows it once BokehJS has drawn it, by key."""
    width = request.param
    context = browser.new_context(
        viewport={"width": WINDOWS[width], "height": 2400}, device_scale_factor=2
    )
    page = context.new_page()
    page.goto(served, wait_until="networkidle")
    for number in range(1, len(KINDS) + 1):  # the page draws a figure once it is in the window
        key = f"kinds-{number}"
        page.evaluate("key => document.getElementById(key).scrollIntoView()", key)
        page.wait_for_function("key => document.getElementById(key).matches('.vg-drawn')", arg=key)
    page.wait_for_function(
        "n => window.Bokeh && Bokeh.documents.length === n"
        " && Bokeh.documents.every(d => d.is_idle)",
        arg=len(KINDS),
    )
    shots = {}
    for number in range(1, len(KINDS) + 1):
        key = f"kinds-{number}"
        page.evaluate("key => document.getElementById(key).scrollIntoView()", key)
        shots[key] = Image.open(
            io.BytesIO(page.screenshot(clip=page.evaluate(PLOT_BOX, key), scale="device"))
        )
    context.close()
    yield width, shots


@pytest.mark.parametrize("number", range(1, len(KINDS) + 1), ids=KINDS)
def test_every_kind_of_plot_has_its_twin_drawn(built: Build, number: int) -> None:
    for suffix in ("", "-narrow"):
        twin = Image.open(Path(built.output, "figures", f"kinds-{number}{suffix}.png"))
        colours = twin.convert("RGB").getcolors(1 << 20)
        ink = sum(n for n, c in colours if max(255 - v for v in c) > INK)
        assert len(colours) > 4 and ink > 0.005 * twin.width * twin.height, (suffix, colours[:5])


@pytest.mark.parametrize("number", range(1, len(KINDS) + 1), ids=KINDS)
def test_every_twin_shares_its_ink_with_the_live_figure_at_its_width(
    built: Build, live: tuple[str, dict[str, Image.Image]], number: int
) -> None:
    width, shots = live
    suffix = "" if width == "wide" else "-narrow"
    twin = Image.open(Path(built.output, "figures", f"kinds-{number}{suffix}.png"))
    shot = shots[f"kinds-{number}"]
    # the twin is its box grown to whole device pixels, the live screenshot's clip rounded:
    # each may take a pixel more or less on each side
    assert abs(twin.width - shot.width) <= 4 and abs(twin.height - shot.height) <= 4
    assert ink_shared(twin, shot) >= MATCH


TYPESET = """key => {
  const {MathTextView} = Bokeh.require("models/text/math_text");
  const figure = document.getElementById(key);
  return [...Bokeh.index.query((v) => v instanceof MathTextView && figure.contains(v.root.el))]
    .map((v) => v.has_finished() && v.svg_image !== null);
}"""
# Installed before the page's scripts: when each figure first came into the window.
SEEN = """(() => {
  const seen = window.__seen = {};
  addEventListener("DOMContentLoaded", () => {
    const watch = new IntersectionObserver((entries) => entries.forEach((e) => {
      if (e.isIntersecting && !(e.target.id in seen)) seen[e.target.id] = e.time;
    }));
    document.querySelectorAll("figure.vg-figure").forEach((f) => watch.observe(f));
  });
})();"""
FETCHED = """() => performance.getEntriesByType("resource")
  .map((e) => [e.name.split("/").pop(), e.startTime])
  .filter(([name]) => name.startsWith("bokeh"))"""


def test_bokehjs_s_other_bundles_come_with_the_figures_that_name_them_and_latex_is_typeset(
    browser: Any, served: str
) -> None:
    """Each BokehJS file beyond the page's that a figure's data block names is fetched once, and
    not before a figure naming it came into the window; no other is fetched. The LaTeX figure
    counts as drawn with its labels typeset (not their source)."""
    context = browser.new_context(viewport={"width": WINDOWS["wide"], "height": 900})
    context.add_init_script(script=SEEN)
    page = context.new_page()
    page.goto(served, wait_until="load")
    base = page.evaluate("() => document.querySelector('script[data-bokehjs]').dataset.bokehjs")
    named: dict[str, list[str]] = {}  # file: the figures naming it
    for number, kind in enumerate(KINDS, start=1):
        key = f"kinds-{number}"
        page.evaluate("key => document.getElementById(key).scrollIntoView()", key)
        page.wait_for_function("key => document.getElementById(key).matches('.vg-drawn')", arg=key)
        block = f"script.vg-item[data-figure='{key}']"
        for name in (page.get_attribute(block, "data-bokehjs") or "").split():
            named.setdefault(name, []).append(key)
        if kind == "latex":
            labels = page.evaluate(TYPESET, key)
            assert labels and all(labels), labels
    seen, fetched = page.evaluate("() => window.__seen"), page.evaluate(FETCHED)
    context.close()
    more = [(name, start) for name, start in fetched if name not in base.split()]
    assert sorted(name for name, _ in more) == sorted(named), (more, named)
    for name, start in more:
        assert start >= min(seen[key] for key in named[name]), (name, start, seen)


def test_a_table_with_frames_shows_the_rows_of_the_key_its_control_chooses(
    browser: Any, served: str
) -> None:
    """Each key's rows, as Python computed them, once its button is chosen (the same number of
    rows in every frame: BokehJS alone would keep showing the first, bokeh#13859)."""
    import numpy as np
    import pandas as pd

    x = np.linspace(0.0, 6.0, 25)
    data = pd.DataFrame({"x": x, "y": np.sin(x), "c": list("abcde") * 5}).head(10)
    key = f"kinds-{KINDS.index('table-frames') + 1}"
    context = browser.new_context(viewport={"width": WINDOWS["wide"], "height": 900})
    page = context.new_page()
    page.goto(served, wait_until="load")
    page.evaluate("key => document.getElementById(key).scrollIntoView()", key)
    page.wait_for_function("key => document.getElementById(key).matches('.vg-drawn')", arg=key)
    for letter in "edcba":  # away from the first frame, and back
        page.check(f"#{key} input[value={letter}]")
        rows = data[data["c"] == letter]
        shown = [float(text) for text in page.locator(f"#{key} .slick-cell.l1").all_inner_texts()]
        assert shown == pytest.approx(list(rows["x"]), rel=1e-9), letter
    context.close()

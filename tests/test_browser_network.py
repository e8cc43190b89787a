"""The section "So how do you fix this?" in Chromium: its numbers, its slider and its legends.

Every figure of the page is drawn (tests/test_browser.py); here a reader reads the computed
numbers, moves the depth slider, and hides a curve from the legend.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.reader import DOCUMENT
from tests.test_browser import FIGURE_ID
from vanishing_post.content import network
from vanishing_post.content.network_figures import PLAIN_LABEL
from vanishing_post.engine.numbers import quantity_text

LAYER_FIGURES = {8: False, 9: True}  # figure number -> residual
LABELS = {a.label: a.name for a in network.ACTIVATIONS.values()}

# The plotted series of one figure, by legend label: what the reader's plot shows now.
PLOTTED = f"""id => {{
  const doc = ({DOCUMENT})(id);
  const series = {{}};
  for (const model of doc.all_models) {{
    if (!("click_policy" in model && "items" in model)) continue;
    for (const item of model.items) {{
      const renderer = item.renderers[0];
      series[item.label.value] = {{
        layer: Array.from(renderer.data_source.data.layer),
        norm: Array.from(renderer.data_source.data.norm),
        visible: renderer.visible,
      }};
    }}
  }}
  return series;
}}"""


def plotted(visit: Any, number: int) -> dict[str, dict[str, Any]]:
    return visit.page.evaluate(PLOTTED, FIGURE_ID.format(number))


def press_on_slider(visit: Any, number: int, key: str, times: int) -> None:
    """Focus the figure's slider and press ``key``, as a keyboard reader does."""
    handle = visit.page.locator(f"figure#{FIGURE_ID.format(number)} input[type=range]").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(times):
        handle.press(key)


def wait_for_depth(visit: Any, number: int, depth: int) -> None:
    visit.page.wait_for_function(
        f"id => Object.values(({PLOTTED})(id)).every(s => s.layer.length === {depth})",
        arg=FIGURE_ID.format(number),
        timeout=10000,
    )


def expected(label: str, depth: int, residual: bool) -> np.ndarray:
    if label in LABELS:
        return network.relative_layer_norms(LABELS[label], depth=depth, residual=residual)
    if label == PLAIN_LABEL:
        return network.relative_layer_norms("sigmoid", depth=depth)
    return network.best_case_bound("sigmoid", depth)


@pytest.mark.parametrize("name", ["sigmoid-first-layer", "relu-first-layer", "depth"])
def test_the_prose_quotes_the_computed_numbers(post, name: str) -> None:
    text = post.page.locator("article").inner_text()
    section = text[text.index("So how do you fix this?") :]
    assert quantity_text(name) in section


@pytest.mark.parametrize(("number", "residual"), sorted(LAYER_FIGURES.items()))
def test_the_page_plots_the_networks_numbers(post, number: int, residual: bool) -> None:
    series = plotted(post, number)
    assert len(series) == (6 if residual else 5)
    for label, shown in series.items():
        np.testing.assert_array_equal(shown["layer"], np.arange(1, network.DEPTH + 1))
        np.testing.assert_array_equal(shown["norm"], expected(label, network.DEPTH, residual))


@pytest.mark.parametrize(("number", "residual"), sorted(LAYER_FIGURES.items()))
def test_moving_the_depth_slider_plots_that_depths_numbers(
    post, number: int, residual: bool
) -> None:
    for key, times, depth in (("ArrowRight", 3, 50), ("ArrowLeft", 4, 10)):
        press_on_slider(post, number, key, times)
        wait_for_depth(post, number, depth)
        for label, shown in plotted(post, number).items():
            np.testing.assert_array_equal(shown["layer"], np.arange(1, depth + 1))
            np.testing.assert_array_equal(shown["norm"], expected(label, depth, residual))
    press_on_slider(post, number, "ArrowRight", 1)
    wait_for_depth(post, number, network.DEPTH)


@pytest.mark.parametrize("number", sorted(LAYER_FIGURES))
def test_clicking_a_name_in_the_legend_hides_and_shows_its_curve(post, number: int) -> None:
    figure_id = FIGURE_ID.format(number)
    entry = post.page.locator(f"figure#{figure_id} .bk-Legend .bk-label").get_by_text(
        "Sigmoid", exact=True
    )
    entry.scroll_into_view_if_needed()
    for visible in ("false", "true"):
        entry.click()
        post.page.wait_for_function(
            f"id => ({PLOTTED})(id)['Sigmoid'].visible === {visible}", arg=figure_id
        )
    assert all(s["visible"] for s in plotted(post, number).values())

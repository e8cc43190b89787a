"""The second post, in Markdown: figures with non-default parameters and captions of its own."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.reader import (
    figure_pixels,
    figure_text,
    open_page,
    series_colours_seen,
    wait_for_figures,
)
from tests.sites import Build
from tests.test_site import Page
from vanishing_post.content import maths

POST = "posts/a-closer-look-at-the-tangent/"
FIGURE_ID = "a-closer-look-at-the-tangent-{}"


def slider_values(page_html: str) -> dict[str, float]:
    """Each slider's name and starting value, from the page's range inputs."""
    return {
        name: float(value)
        for name, value in re.findall(
            r'<input type="range" data-control="([^"]+)"[^>]* value="([^"]+)"', page_html
        )
    }


def test_second_post_shows_its_three_figures_in_order(site: Build) -> None:
    page = Page(site.output / POST / "index.html")
    assert page.figures == ["sigmoid-tangent", "decay", "decay-steps"], site.log


def test_second_post_uses_its_own_captions(site: Build) -> None:
    page = (site.output / POST / "index.html").read_text()
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page)
    assert "The tangent at x = 3, where the sigmoid has nearly levelled off" in captions[0]
    assert "Ten layers at x = 3: the product of their gradients" in captions[1]


def test_second_post_figures_start_at_its_non_default_values(site: Build) -> None:
    sliders = slider_values((site.output / POST / "index.html").read_text())
    expected = {"tangent_x": 3.0, "start": -6.0, "stop": 6.0, "steps": 10.0, "x": 3.0}
    assert expected.items() <= sliders.items(), sliders


@pytest.fixture(scope="module")
def post(browser: Any, site_url: str):
    visit = open_page(browser, site_url, POST, viewport={"width": 1100, "height": 900})
    wait_for_figures(visit)
    yield visit
    visit.page.context.close()


@pytest.mark.parametrize(("number", "colours"), [(1, {"tan", "blue", "red"}), (2, {"blue"})])
def test_second_post_plots_are_drawn(post, number: int, colours: set[str]) -> None:
    assert series_colours_seen(figure_pixels(post, FIGURE_ID.format(number))) >= colours


def test_second_post_table_shows_ten_steps_at_x_three(post) -> None:
    text = figure_text(post, FIGURE_ID.format(3))
    assert repr(float(maths.decay(3.0, 10)[-1])) in text


def test_second_post_logs_no_error_and_loads_nothing_from_elsewhere(post) -> None:
    assert post.console_errors == []
    assert post.offsite_requests == [] and post.failed_requests == []


def test_slider_values_reads_the_range_inputs() -> None:
    html = '<input type="range" data-control="x" min="-10" max="10" step="0.5" value="3" disabled>'
    assert slider_values(html) == {"x": 3.0}

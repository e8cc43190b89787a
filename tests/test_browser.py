"""The post in Debian's Chromium: every figure drawn, no console error, nothing off-site."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.reader import (
    Visit,
    figure_pixels,
    figure_tables,
    figure_text,
    open_page,
    row_headings_after_scrolling,
    series_colours_seen,
    series_under_legends,
    wait_for_figures,
)
from tests.sites import Build, figure_posts

PLOTS = {  # figure number on the page -> colours its lines must show
    1: {"tan", "blue", "red"},
    2: {"tan", "blue", "red"},
    3: {"tan", "blue", "red"},
    4: {"blue"},
    7: {"tan", "blue", "red"},  # activations: sigmoid, ReLU, tanh
    8: {"tan", "blue", "red"},  # layer gradients
    9: {"tan", "blue", "red"},  # with skip connections
}
TABLES = {5: ["Gradient", "0.250", "0.007"], 6: ["0.000244140625"]}
FIGURE_ID = "rnns-and-vanishing-gradients-{}"


def each_post(
    browser: Any, site: Build, site_url: str, width: int, **context: Any
) -> Iterator[tuple[str, Visit]]:
    """(address, visit) of each post with figures, opened in a window ``width`` px wide; each
    closed before the next opens."""
    for address in figure_posts(site):
        visit = open_page(
            browser, site_url, address, viewport={"width": width, "height": 740}, **context
        )
        try:
            yield address, visit
        finally:
            visit.page.context.close()


@pytest.mark.parametrize("number,colours", sorted(PLOTS.items()))
def test_every_plot_is_drawn_with_its_series(post, number: int, colours: set[str]) -> None:
    image = figure_pixels(post, FIGURE_ID.format(number))
    assert series_colours_seen(image) >= colours


@pytest.mark.parametrize("number,cells", sorted(TABLES.items()))
def test_every_table_is_shown_with_its_numbers(post, number: int, cells: list[str]) -> None:
    text = figure_text(post, FIGURE_ID.format(number))
    for cell in cells:
        assert cell in text


def test_the_post_logs_no_console_error(post) -> None:
    assert post.console_errors == []


def test_the_post_requests_nothing_from_another_origin(post) -> None:
    assert post.offsite_requests == []
    assert post.failed_requests == []


def test_no_plot_is_wider_than_the_text_column(post) -> None:
    overflow = post.page.evaluate(
        """() => [...document.querySelectorAll('figure.vg-figure')].map(f => {
             const column = f.parentElement.getBoundingClientRect();
             const box = f.querySelector('.vg-live > div').getBoundingClientRect();
             return box.right - column.right; })"""
    )
    assert max(overflow) <= 1


@pytest.mark.parametrize("width", [320, 375])
def test_every_post_fits_a_phone_without_sideways_scrolling(
    browser: Any, site: Build, site_url: str, width: int
) -> None:
    for address, visit in each_post(browser, site, site_url, width, is_mobile=True):
        figures = (site.output / address / "index.html").read_text().count('class="vg-item"')
        wait_for_figures(visit, figures)
        seen = visit.page.evaluate("() => document.documentElement.scrollWidth")
        assert seen <= width, address


@pytest.mark.parametrize("width", [320, 375, 1000])
def test_no_legend_covers_a_series(browser: Any, site: Build, site_url: str, width: int) -> None:
    """On a phone a plot is half as wide as on a desktop but its legend is not: a legend placed
    where the wide plot had room can hide a line there."""
    for address, visit in each_post(browser, site, site_url, width):
        wait_for_figures(visit)
        covered = series_under_legends(visit)
        assert covered == [], f"{address} at {width} px: legends over {covered}"


@pytest.mark.parametrize("width", [320, 375, 1000])
def test_no_number_in_a_table_breaks_across_lines(
    browser: Any, site: Build, site_url: str, width: int
) -> None:
    """1.881787523011767e-07 broken after its minus sign reads as two numbers."""
    for _, visit in each_post(browser, site, site_url, width):
        for table in figure_tables(visit):
            assert table["broken"] == [], f"{table['figure']} at {width} px"


def test_every_table_fits_a_desktop_column(browser: Any, site: Build, site_url: str) -> None:
    """On a phone a table too wide scrolls inside its box; on a desktop it need not."""
    for _, visit in each_post(browser, site, site_url, 1000):
        for table in figure_tables(visit):
            assert table["width"] <= table["room"], table["figure"]


def test_a_table_scrolled_sideways_keeps_each_rows_heading_in_view(
    browser: Any, site: Build, site_url: str
) -> None:
    scrolled = []
    for _, visit in each_post(browser, site, site_url, 320):
        scrolled += row_headings_after_scrolling(visit)
    if not scrolled:
        pytest.skip("no figure's table is wider than a 320 px phone's column")
    assert [t["figure"] for t in scrolled if t["hidden"] > 0.5] == []

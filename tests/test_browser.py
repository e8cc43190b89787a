"""The post in Debian's Chromium: every figure drawn, no console error, nothing off-site."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reader import (
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
    for address in figure_posts(site):
        figures = (site.output / address / "index.html").read_text().count('class="vg-item"')
        visit = open_page(
            browser, site_url, address, viewport={"width": width, "height": 740}, is_mobile=True
        )
        try:
            wait_for_figures(visit, figures)
            seen = visit.page.evaluate("() => document.documentElement.scrollWidth")
            assert seen <= width, address
        finally:
            visit.page.context.close()


@pytest.mark.parametrize("width", [320, 375, 1000])
def test_no_legend_covers_a_series(browser: Any, site: Build, site_url: str, width: int) -> None:
    """On a phone a plot is half as wide as on a desktop but its legend is not: a legend placed
    where the wide plot had room can hide a line there."""
    for address in figure_posts(site):
        visit = open_page(browser, site_url, address, viewport={"width": width, "height": 740})
        try:
            wait_for_figures(visit)
            covered = series_under_legends(visit)
            assert covered == [], f"{address} at {width} px: legends over {covered}"
        finally:
            visit.page.context.close()


@pytest.mark.parametrize("width", [320, 375, 1000])
def test_no_number_in_a_table_breaks_across_lines(
    browser: Any, site: Build, site_url: str, width: int
) -> None:
    """1.881787523011767e-07 broken after its minus sign reads as two numbers."""
    for address in figure_posts(site):
        visit = open_page(browser, site_url, address, viewport={"width": width, "height": 740})
        try:
            for table in figure_tables(visit):
                assert table["broken"] == [], f"{table['figure']} at {width} px"
        finally:
            visit.page.context.close()


def test_every_table_fits_a_desktop_column(browser: Any, site: Build, site_url: str) -> None:
    """On a phone a table too wide scrolls inside its box; on a desktop it need not."""
    for address in figure_posts(site):
        visit = open_page(browser, site_url, address, viewport={"width": 1000, "height": 740})
        try:
            for table in figure_tables(visit):
                assert table["width"] <= table["room"], table["figure"]
        finally:
            visit.page.context.close()


def test_a_table_scrolled_sideways_keeps_each_rows_heading_in_view(
    browser: Any, site: Build, site_url: str
) -> None:
    scrolled = []
    for address in figure_posts(site):
        visit = open_page(browser, site_url, address, viewport={"width": 320, "height": 740})
        try:
            scrolled += row_headings_after_scrolling(visit)
        finally:
            visit.page.context.close()
    if not scrolled:
        pytest.skip("no figure's table is wider than a 320 px phone's column")
    assert [t["figure"] for t in scrolled if t["hidden"] > 0.5] == []

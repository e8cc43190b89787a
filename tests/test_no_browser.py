"""A real `nikola build` on a machine with no Chromium: the build stops at the first page with
a figure, in one line saying how to install one, and publishes no page without its twins."""

from __future__ import annotations

import pytest

from tests.sites import Build, build, copy_site, environment

pytestmark = pytest.mark.slow  # a real build, a browser or the drawing processes


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = copy_site(tmp_path_factory.mktemp("no-browser"))
    nowhere = str(tmp_path_factory.mktemp("nothing-installed"))
    return build(
        root, environment(VG_CHROMIUM=None, PATH=nowhere, PLAYWRIGHT_BROWSERS_PATH=nowhere)
    )


def test_the_build_fails(built) -> None:
    assert built.returncode != 0, built.log


def test_one_line_says_how_to_install_a_browser(built) -> None:
    lines = [line for line in built.log.splitlines() if "no Chromium" in line]
    assert len(lines) == 1, built.log
    assert "apt-get install chromium" in lines[0] and "playwright install chromium" in lines[0]
    assert "Traceback" not in built.log


def test_no_page_with_a_figure_is_published(built) -> None:
    pages = [p for p in (built.output).rglob("*.html") if 'class="vg-figure"' in p.read_text()]
    assert pages == []

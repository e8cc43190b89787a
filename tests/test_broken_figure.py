"""A figure that raises inside a real `nikola build`: the build fails and says which one.

The copy of the site gets one extra figure whose builder raises, added by a file in the copy
(its registry), and one post that places it: nothing of Nikola is replaced.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import running_in
from tests.sites import Build, build_with_figure

pytestmark = pytest.mark.slow  # a real build, a browser or the drawing processes

BROKEN_FIGURE = """

def _divide_by_zero(values):
    raise ZeroDivisionError("the broken figure divides by zero")


register(FigureSpec("broken", "A figure that raises", (), _divide_by_zero))
"""
POST = """<!--
.. title: A post with a broken figure
.. slug: broken-figure
.. date: 2026-11-21 09:00:00 UTC
.. template: figures.tmpl
-->

Some prose.

{{% figure broken %}}
"""


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build_with_figure(
        tmp_path_factory.mktemp("broken"), BROKEN_FIGURE, "broken-figure.md", POST
    )


def test_a_figure_that_raises_fails_the_build(broken_build: Build) -> None:
    assert broken_build.returncode != 0, broken_build.log


def test_the_failure_names_the_post_the_shortcode_and_the_figure(broken_build: Build) -> None:
    assert (
        "shortcode 'figure' in posts/broken-figure.md: figure 'broken' failed: "
        "ZeroDivisionError: the broken figure divides by zero"
    ) in broken_build.log


def test_no_page_is_written_for_the_post(broken_build: Build) -> None:
    assert not Path(broken_build.output, "posts", "broken-figure").exists()


def test_no_process_of_the_failed_build_is_left_running(broken_build: Build) -> None:
    assert running_in(broken_build.root, settle_s=5) == []

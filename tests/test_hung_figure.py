"""A figure whose code never returns, inside a real `nikola build`: the build stops after
VG_DRAW_WAIT_S with one line naming the post and the figure, and leaves no process behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import running_in
from tests.sites import Build, build_with_figure

pytestmark = pytest.mark.slow  # a real build and the drawing processes

WAIT_S = 5
HUNG_FIGURE = """
import time


def _never_returns(values):
    time.sleep(10**6)


register(FigureSpec("hung", "A figure that never returns", (), _never_returns))
"""
POST = """<!--
.. title: A post with a figure that hangs
.. slug: hung-figure
.. date: 2026-11-21 09:00:00 UTC
.. template: figures.tmpl
-->

Some prose.

{{% figure hung %}}
"""


@pytest.fixture(scope="module")
def hung_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("hung")
    return build_with_figure(
        root, HUNG_FIGURE, "hung-figure.md", POST, settings={"VG_DRAW_WAIT_S": str(WAIT_S)}
    )


def test_the_build_stops_with_one_line_naming_the_post_and_the_figure(hung_build: Build) -> None:
    assert hung_build.returncode != 0, hung_build.log
    errors = [line for line in hung_build.log.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and "Traceback" not in hung_build.log, hung_build.log
    assert "shortcode 'figure' in posts/hung-figure.md" in errors[0]
    assert f"figure 'hung' (hung-figure-1): not made within {WAIT_S} s" in errors[0]


def test_no_page_and_no_process_is_left(hung_build: Build) -> None:
    assert not Path(hung_build.output, "posts", "hung-figure").exists()
    assert running_in(hung_build.root, settle_s=5) == []

"""A cold `nikola build` (a fresh clone): the figures are made by a pool of processes and
photographed by a browser beside the build, both started as the plugins load; the build's own
process imports no plotting library, and nothing it started outlives it.

One real build, run the way `nikola build --strict` runs (its command line included), that
reports at the end which plotting libraries its own process holds.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import running_in
from tests.sites import copy_site

pytestmark = pytest.mark.slow  # a real build, a browser or the drawing processes

PLOTTING = ("holoviews", "hvplot", "panel", "bokeh", "matplotlib")
BUILD_AND_REPORT = f"""
import json, sys
sys.argv = ["nikola", "build", "--strict"]
from nikola.__main__ import main
status = main(sys.argv[1:])
print("IMPORTED " + json.dumps(sorted(m for m in {PLOTTING!r} if m in sys.modules)))
sys.exit(status)
"""


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    root = copy_site(tmp_path_factory.mktemp("cold"))
    done = subprocess.run(
        [sys.executable, "-c", BUILD_AND_REPORT],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return root, done


def test_the_cold_build_succeeds(cold):
    _, done = cold
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_build_process_imports_no_plotting_library(cold):
    _, done = cold
    [line] = [x for x in done.stdout.splitlines() if x.startswith("IMPORTED ")]
    assert json.loads(line.removeprefix("IMPORTED ")) == [], done.stdout + done.stderr


def test_no_process_of_the_build_is_left_running(cold):
    root, _ = cold
    assert running_in(root, settle_s=5) == []


def test_every_figure_has_its_fragment_and_its_twins(cold):
    root, _ = cold
    pages = [page.read_text() for page in sorted((root / "output/posts").glob("*/index.html"))]
    written = [post.read_text() for post in sorted((root / "posts").iterdir())]
    placed = sum(page.count('class="vg-figure"') for page in pages)
    assert placed and placed == sum(len(re.findall(r"\{\{%\s*figure ", text)) for text in written)
    assert all(
        page.count('class="vg-item"') == page.count('class="vg-figure"') for page in pages
    )  # each figure's Bokeh document
    # Every twin a page names is written, and nothing else (tables have none).
    named = {name for page in pages for name in re.findall(r"figures/([\w.-]+\.png)", page)}
    assert {p.name for p in (root / "output/figures").iterdir()} == named

"""A real `nikola build` on a machine with no Chromium: the build stops at the first page with
a figure, in one line saying how to install one, and publishes no page without its twins."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sites import copy_site

pytestmark = pytest.mark.slow  # a real build, a browser or the drawing processes


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    root = copy_site(tmp_path_factory.mktemp("no-browser"))
    nowhere = tmp_path_factory.mktemp("nothing-installed")
    env = {k: v for k, v in os.environ.items() if k != "VG_CHROMIUM"}
    env.update(PATH=str(nowhere), PLAYWRIGHT_BROWSERS_PATH=str(nowhere))
    done = subprocess.run(
        [sys.executable, "-m", "nikola", "build", "--strict"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return root, done


def test_the_build_fails(built) -> None:
    _, done = built
    assert done.returncode != 0, done.stdout + done.stderr


def test_one_line_says_how_to_install_a_browser(built) -> None:
    _, done = built
    lines = [line for line in (done.stdout + done.stderr).splitlines() if "no Chromium" in line]
    assert len(lines) == 1, done.stdout + done.stderr
    assert "apt-get install chromium" in lines[0] and "playwright install chromium" in lines[0]
    assert "Traceback" not in done.stdout + done.stderr


def test_no_page_with_a_figure_is_published(built) -> None:
    root, _ = built
    pages = [p for p in (root / "output").rglob("*.html") if 'class="vg-figure"' in p.read_text()]
    assert pages == []

"""Incremental builds: a rebuild redoes only what an edit touched, and draws figures only when
what they are made from changed (the figure cache, vanishing_post/cache.py).

One copy of the site goes through a clean build and then a sequence of edits, each followed by
a real `nikola build --strict` under `python -X importtime`, which lists every module imported.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import POST
from tests.sites import build, copy_site

POST_SOURCE = "posts/rnns-and-vanishing-gradients.rst"
PLOTTING = {"hvplot", "holoviews", "panel"}
NEW_PROSE = "A sentence added after the figures were drawn."
IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \| +([\w.]+)$", re.MULTILINE)


@dataclass
class Rebuild:
    """What one rebuild did: the tasks doit ran, the modules imported, figures drawn."""

    ran: list[str]
    imported: set[str]
    drawn: int
    log: str


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def edit_prose(root: Path) -> None:
    append(root / POST_SOURCE, f"\n{NEW_PROSE}\n")


def edit_one_figure(root: Path) -> None:
    post = root / POST_SOURCE
    post.write_text(
        post.read_text().replace("{{% figure decay %}}", "{{% figure decay steps=12 %}}")
    )


def edit_package(root: Path) -> None:
    append(root / "vanishing_post" / "maths.py", "\n# an edit to the package\n")


EDITS = {
    "nothing": lambda root: None,
    "prose": edit_prose,
    "one figure's arguments": edit_one_figure,
    "the package": edit_package,
}


def figures_in_posts(root: Path) -> int:
    return sum(p.read_text().count("{{% figure ") for p in (root / "posts").iterdir())


@pytest.fixture(scope="module")
def rebuilds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Rebuild]]:
    """A clean build, then each edit in EDITS in turn, each followed by a rebuild."""
    root = copy_site(tmp_path_factory.mktemp("incremental"))
    first = build(root)
    if first.returncode != 0:
        pytest.fail(f"nikola build --strict failed ({first.returncode}):\n{first.log}")
    cache = root / "cache" / "vg_figures"
    results = {"clean": Rebuild([], set(), len(list(cache.glob("*.html"))), first.log)}
    for name, edit in EDITS.items():
        before = set(cache.glob("*.html"))
        edit(root)
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "nikola", "build", "--strict"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=600,
        )
        log = done.stdout + done.stderr
        if done.returncode != 0:
            pytest.fail(f"rebuild after editing {name} failed:\n{log}")
        ran = re.findall(r"^\.  (\S+)", log, re.MULTILINE)
        imported = {m.split(".")[0] for m in IMPORTED.findall(log)}
        drawn = len(set(cache.glob("*.html")) - before)
        results[name] = Rebuild(ran, imported, drawn, "\n".join(ran))
    return root, results


def test_a_clean_build_draws_and_caches_every_figure(rebuilds) -> None:
    root, results = rebuilds
    assert results["clean"].drawn == figures_in_posts(root), results["clean"].log


def test_a_rebuild_with_nothing_changed_regenerates_nothing(rebuilds) -> None:
    _, results = rebuilds
    assert results["nothing"].ran == []


@pytest.mark.parametrize("edit", ["nothing", "prose"])
def test_rebuilds_that_draw_nothing_import_no_plotting_library(rebuilds, edit: str) -> None:
    _, results = rebuilds
    assert results[edit].imported & PLOTTING == set(), results[edit].log


def test_a_prose_edit_rebuilds_the_post_without_drawing_figures(rebuilds) -> None:
    root, results = rebuilds
    prose = results["prose"]
    assert f"render_pages:output/{POST}index.html" in prose.ran
    assert prose.drawn == 0
    assert NEW_PROSE in (root / "output" / POST / "index.html").read_text()


@pytest.mark.parametrize(
    "edit,drawn",
    [("nothing", 0), ("prose", 0), ("one figure's arguments", 1), ("the package", "all")],
)
def test_an_edit_draws_exactly_the_figures_it_affects(rebuilds, edit: str, drawn) -> None:
    root, results = rebuilds
    expected = figures_in_posts(root) if drawn == "all" else drawn
    assert results[edit].drawn == expected, results[edit].log


def test_an_edit_to_the_package_draws_with_the_plotting_libraries(rebuilds) -> None:
    _, results = rebuilds
    assert {"hvplot", "holoviews"} <= results["the package"].imported

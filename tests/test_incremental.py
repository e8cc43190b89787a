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


def edit_package(name: str):
    def edit(root: Path) -> None:
        comment = "//" if name.endswith(".js") else "#"
        append(root / "vanishing_post" / name, f"\n{comment} an edit to the package\n")

    return edit


EDITS = {
    "nothing": lambda root: None,
    "prose": edit_prose,
    "one figure's arguments": edit_one_figure,
    "the maths module": edit_package("content/maths.py"),  # every figure module imports it
    "the network module": edit_package("content/network.py"),  # the network section's only
    "the controls' script": edit_package("content/maths.js"),  # page-wide: every twin only
    "the rendering path": edit_package("engine/embed.py"),  # every fragment, so every twin
    "the twins' drawing": edit_package("engine/twins.py"),  # every twin, no fragment
}
DRAWN = {  # which figures each edit draws again: (fragments, twins)
    "nothing": ("none", "none"),
    "prose": ("none", "none"),
    "one figure's arguments": ("decay", "decay"),
    "the maths module": ("all", "all"),
    "the network module": ("network", "network"),
    "the controls' script": ("none", "all"),
    "the rendering path": ("all", "all"),
    "the twins' drawing": ("none", "all"),
}
SHORTCODE = re.compile(r"\{\{% figure ([\w-]+)")


def shortcodes(root: Path) -> list[str]:
    """The figure named by each ``figure`` shortcode in the posts, one per figure on a page."""
    return [n for p in sorted((root / "posts").iterdir()) for n in SHORTCODE.findall(p.read_text())]


def figures_in_posts(root: Path) -> int:
    return len(shortcodes(root))


def affected(root: Path, drawn: str) -> list[str]:
    """The shortcodes whose figures an edit affects: "all", "none", "network" (the figures of
    network_figures.py), or one figure's name (its shortcode in the edited post)."""
    from vanishing_post.content.network_figures import FIGURES as NETWORK

    if drawn in ("all", "none"):
        return shortcodes(root) if drawn == "all" else []
    if drawn == "network":
        return [n for n in shortcodes(root) if n in NETWORK]
    return [drawn]


@pytest.fixture(scope="module")
def rebuilds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Rebuild]]:
    """A clean build, then each edit in EDITS in turn, each followed by a rebuild."""
    root = copy_site(tmp_path_factory.mktemp("incremental"))
    first = build(root)
    if first.returncode != 0:
        pytest.fail(f"nikola build --strict failed ({first.returncode}):\n{first.log}")
    cache = root / "cache" / "vg_figures"
    results = {"clean": Rebuild([], set(), len(list(cache.glob("*.json"))), first.log)}
    for name, edit in EDITS.items():
        before = set(cache.glob("*.json"))
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
        drawn = len(set(cache.glob("*.json")) - before)
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


@pytest.mark.parametrize("edit", list(DRAWN))
def test_an_edit_draws_exactly_the_figures_it_affects(rebuilds, edit: str) -> None:
    root, results = rebuilds
    assert results[edit].drawn == len(affected(root, DRAWN[edit][0])), results[edit].log


@pytest.mark.parametrize("edit", list(DRAWN))
def test_an_edit_redraws_exactly_the_twins_of_the_figures_it_affects(rebuilds, edit) -> None:
    """One task per figure: its twins (wide and phone together; a table has none) and its
    layout, both measured on the figure drawn in the studio."""
    root, results = rebuilds
    twins = [t for t in results[edit].ran if t.startswith("vg_twins:")]
    assert len(twins) == len(affected(root, DRAWN[edit][1])), results[edit].log


def test_the_network_module_redraws_twins_on_the_network_figures_places_only(rebuilds) -> None:
    """The twins redrawn are those of the network figures' shortcodes, by their numbers (all
    of them in the one post)."""
    root, results = rebuilds
    post = (root / POST_SOURCE).read_text()
    numbers = [
        i for i, n in enumerate(SHORTCODE.findall(post), 1) if n in affected(root, "network")
    ]
    slug = POST.split("/")[1]
    expected = {f"vg_twins:cache/vg_layouts/{slug}-{n}.json" for n in numbers}
    twins = {t for t in results["the network module"].ran if t.startswith("vg_twins:")}
    assert twins == expected, results["the network module"].log


def test_an_edit_to_the_package_draws_with_the_plotting_libraries(rebuilds) -> None:
    _, results = rebuilds
    assert {"hvplot", "holoviews"} <= results["the maths module"].imported

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
from tests.sites import build, copy_site, figure_names

pytestmark = pytest.mark.slow  # a real build, a browser or the drawing processes

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


PACKAGE_EDITS = {  # a comment appended to one package file
    "the maths module": "content/maths.py",
    "the network module": "content/network.py",
    "the controls' script": "content/maths.js",  # page-wide: every twin, no fragment
    "the rendering path": "engine/embed.py",  # every fragment, so every twin
    "the twins' drawing": "engine/twins.py",  # every twin, no fragment
}
# A module no figure is made from, added to content and then deleted: the posts that use
# figures depend on every package file (by one hash), so a deleted one must not break a build.
SPARE = "content/spare.py"


def add_spare(root: Path) -> None:
    (root / "vanishing_post" / SPARE).write_text('"""Notes for a figure to come."""\n')


def delete_spare(root: Path) -> None:
    (root / "vanishing_post" / SPARE).unlink()


EDITS = {
    "nothing": lambda root: None,
    "prose": edit_prose,
    "one figure's arguments": edit_one_figure,
    **{edit: edit_package(path) for edit, path in PACKAGE_EDITS.items()},
    "a module added": add_spare,
    "that module deleted": delete_spare,
}


def shortcodes(root: Path) -> list[str]:
    """The figure named by each ``figure`` shortcode in the posts, one per figure on a page."""
    return [n for p in sorted((root / "posts").iterdir()) for n in figure_names(p)]


def figures_in_posts(root: Path) -> int:
    return len(shortcodes(root))


def affected(root: Path, edit: str, twins: bool) -> list[str]:
    """The shortcodes an edit should draw again (their fragments, or with ``twins`` their
    twins): none for prose, the edited shortcode's for its arguments, and for a package file
    the figures the engine says are made from it (engine/sources.py, itself checked against
    what really runs in tests/test_sources.py)."""
    from vanishing_post.engine.sources import Sources

    if edit in ("nothing", "prose", "a module added", "that module deleted"):
        return []
    if edit == "one figure's arguments":
        return ["decay"]
    sources = Sources(root / "vanishing_post")
    edited = (root / "vanishing_post" / PACKAGE_EDITS[edit]).resolve()
    made_from = sources.twin_files if twins else sources.figure_files
    return [name for name in shortcodes(root) if edited in made_from(name)]


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


@pytest.mark.parametrize("edit", ["a module added", "that module deleted"])
def test_a_module_added_or_deleted_rebuilds_the_posts_without_drawing(rebuilds, edit) -> None:
    _, results = rebuilds
    compiled = f"render_posts:cache/posts/{Path(POST_SOURCE).stem}.html"
    assert compiled in results[edit].ran, results[edit].log
    assert results[edit].drawn == 0


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_draws_exactly_the_figures_it_affects(rebuilds, edit: str) -> None:
    root, results = rebuilds
    assert results[edit].drawn == len(affected(root, edit, twins=False)), results[edit].log


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_redraws_exactly_the_twins_of_the_figures_it_affects(rebuilds, edit) -> None:
    """One task per figure: its twins (wide and phone together; a table has none) and its
    layout, both measured on the figure drawn in the studio."""
    root, results = rebuilds
    twins = [t for t in results[edit].ran if t.startswith("vg_twins:")]
    assert len(twins) == len(affected(root, edit, twins=True)), results[edit].log


def test_the_network_module_redraws_twins_in_the_places_of_the_figures_made_from_it(
    rebuilds,
) -> None:
    """The twins redrawn are those of the right shortcodes, by their place on their page."""
    root, results = rebuilds
    made_from = set(affected(root, "the network module", twins=True))
    expected = set()
    for post in sorted((root / "posts").iterdir()):
        slug = _slug(post)
        for number, name in enumerate(figure_names(post), 1):
            if name in made_from:
                expected.add(f"vg_twins:cache/vg_layouts/{slug}-{number}.json")
    twins = {t for t in results["the network module"].ran if t.startswith("vg_twins:")}
    assert twins == expected, results["the network module"].log


def _slug(post: Path) -> str:
    found = re.search(r"^\.\. slug: (\S+)", post.read_text(), re.MULTILINE)
    return found.group(1) if found else post.stem


def test_an_edit_to_the_package_draws_with_the_plotting_libraries(rebuilds) -> None:
    _, results = rebuilds
    assert {"hvplot", "holoviews"} <= results["the maths module"].imported

"""Faults, one row each: what is damaged, what the next build does with it, and that the step
after heals it, the output then identical to a clean build of the same sources.

Real `nikola build --strict`s of one copy of the built site; each row leaves it healed for the
next. (Faults of input have their rows in test_bad_input.py, blocked scripts in
test_readers.py, concurrent builds in test_lock.py, orders of edits in test_edits.py.)
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.sites import Build, build, figure_items

pytestmark = pytest.mark.slow  # real builds

PROSE = "\nA sentence added while the cache was damaged.\n"


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def built(site: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built site, built once more where it now lies (its paths are new)."""
    root = tmp_path_factory.mktemp("faults") / "site"
    shutil.copytree(site.root, root, symlinks=True)
    done = build(root)
    assert done.returncode == 0, done.log
    assert files(root / "output") == files(site.output), "the copy does not build as the site"
    return root


def figure_post(root: Path) -> Path:
    """The source of a post with figures (the first, by name)."""
    return next(p for p in sorted((root / "posts").iterdir()) if "{{% figure" in p.read_text())


def cache_entries(root: Path) -> list[Path]:
    return sorted((root / "cache" / "vg_figures").glob("*.json"))


def twins(root: Path) -> list[Path]:
    return sorted((root / "output" / "figures").glob("*.png"))


def scripts(root: Path) -> list[Path]:
    """The scripts this project puts on the site: BokehJS (copied) and the page scripts
    (written). Nikola's own theme assets are Nikola's copies, not checked."""
    folder = root / "output" / "assets" / "js"
    return sorted([*folder.glob("bokeh-*.js"), *folder.glob("vg-*.js")])


def layouts(root: Path) -> list[Path]:
    return sorted((root / "cache" / "vg_layouts").glob("*.json"))


def damage_each(paths: Callable[[Path], list[Path]], how: Callable[[Path], None]):
    def inflict(root: Path) -> None:
        found = paths(root)
        assert found, "nothing to damage"
        for path in found:
            how(path)

    return inflict


def cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def planted_link(path: Path) -> None:
    """``path`` made a link to a file outside the site, which a build must not write through."""
    elsewhere = Path(tempfile.mkdtemp()) / "elsewhere.bin"
    elsewhere.write_bytes(b"not ours")
    path.unlink()
    path.symlink_to(elsewhere)


def stray_twin(root: Path) -> None:
    shutil.copy(twins(root)[0], root / "output" / "figures" / "no-such-post-1.png")


FAULTS = [
    # (fault, what it does, whether a prose edit must make the pages use what was damaged)
    ("cache entries cut short", damage_each(cache_entries, cut), True),
    ("cache entries emptied", damage_each(cache_entries, lambda p: p.write_bytes(b"")), True),
    ("cache entries not text", damage_each(cache_entries, lambda p: p.write_bytes(b"\xff")), True),
    ("twins cut short", damage_each(twins, cut), False),
    ("twins deleted", damage_each(twins, Path.unlink), False),
    ("a link planted at each twin", damage_each(twins, planted_link), False),
    ("layouts cut short", damage_each(layouts, cut), False),
    ("a twin no figure has", stray_twin, False),
    ("the page scripts and BokehJS cut short", damage_each(scripts, cut), False),
    ("a link planted at each page script", damage_each(scripts, planted_link), False),
]


@pytest.mark.parametrize(
    ("inflict", "edit_prose"), [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS]
)
def test_a_damaged_artefact_is_never_served_and_the_next_build_heals_it(
    built: Path, site: Build, inflict, edit_prose: bool
) -> None:
    inflict(built)
    post = figure_post(built)
    source = post.read_text()
    if edit_prose:  # the page is written again from the damaged cache's figures
        post.write_text(source + PROSE)
        done = build(built)
        assert done.returncode == 0, done.log
        page = built / "output" / "posts" / post.stem / "index.html"
        html = page.read_text()
        assert PROSE.strip() in html
        items = figure_items(html)  # every figure whole: its document parses, none swallowed
        assert len(items) == html.count('class="vg-figure"') > 0
        # a figure that is HTML only (a table) has no document, only its controls' part
        assert all(item["doc"]["roots"] if "doc" in item else item["controls"] for item in items)
        post.write_text(source)
    done = build(built)
    assert done.returncode == 0, done.log
    healed, clean = files(built / "output"), files(site.output)
    differ = sorted(n for n in healed.keys() | clean.keys() if healed.get(n) != clean.get(n))
    assert differ == [], differ
    links = [p for p in (built / "output").rglob("*") if p.is_symlink()]
    assert links == [], links


# Folders of the cache every build writes as it starts (the shortcodes' marks of the package)
STARTING_FOLDERS = ["vg_figures", "vg_numbers"]


@pytest.mark.parametrize("folder", STARTING_FOLDERS)
def test_a_cache_folder_the_build_cannot_write_is_one_line_and_deleting_it_heals(
    built: Path, site: Build, folder: str
) -> None:
    path = built / "cache" / folder
    shutil.rmtree(path)
    path.write_text("a file where the cache's folder was\n")
    done = build(built)
    assert done.returncode != 0, done.log
    errors = [line for line in done.log.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and str(Path("cache") / folder) in errors[0], done.log
    assert "Traceback" not in done.log, done.log
    path.unlink()  # as the line says
    done = build(built)
    assert done.returncode == 0, done.log
    assert files(built / "output") == files(site.output)

"""Byte-identical whatever the order of edits: a random sequence of edits, each followed by an
incremental `nikola build --strict`, ends with the very output a clean build of the final
sources gives. Real builds of copies of the site; the sequence comes from a seed (printed)."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.sites import build, copy_site, environment

pytestmark = pytest.mark.slow  # real builds

SEED = 15
STEPS = 5
FIGURE = re.compile(r"\{\{% figure [^%]*%\}\}")


def posts_with_figures(root: Path) -> list[Path]:
    return sorted(p for p in (root / "posts").iterdir() if FIGURE.search(p.read_text()))


def edit_prose(root: Path, pick: random.Random) -> str:
    post = pick.choice(sorted((root / "posts").iterdir()))
    post.write_text(post.read_text() + f"\nA sentence added by edit {pick.random():.6f}.\n")
    return f"prose of {post.name}"


def edit_a_parameter(root: Path, pick: random.Random) -> str:
    post = pick.choice(posts_with_figures(root))
    text = post.read_text()
    found = pick.choice(list(FIGURE.finditer(text)))
    title = f'title="Edited {pick.randrange(1000)}"'
    shortcode = re.sub(r'\s*title="[^"]*"', "", found.group(0)).replace(
        " %}}", " " + title + " %}}"
    )
    post.write_text(text[: found.start()] + shortcode + text[found.end() :])
    return f"a caption in {post.name}"


def add_a_post(root: Path, pick: random.Random) -> str:
    source = pick.choice(posts_with_figures(root))
    number = pick.randrange(10_000)
    text = re.sub(r"(?m)^(\.\. slug: ).*$", rf"\g<1>added-{number}", source.read_text())
    text = re.sub(r"(?m)^(\.\. title: ).*$", rf"\g<1>Added {number}", text)
    text = re.sub(r"(?m)^(\.\. date: ).*$", r"\g<1>2031-01-01 09:00:00 UTC", text)
    (root / "posts" / f"added-{number}{source.suffix}").write_text(text)
    return f"a post like {source.name}"


def remove_a_figure(root: Path, pick: random.Random) -> str:
    post = pick.choice(posts_with_figures(root))
    text = post.read_text()
    found = pick.choice(list(FIGURE.finditer(text)))
    post.write_text(text[: found.start()] + text[found.end() :])
    return f"a figure of {post.name}"


def edit_the_package(root: Path, pick: random.Random) -> str:
    module = pick.choice(sorted((root / "vanishing_post" / "content").glob("*.py")))
    module.write_text(module.read_text() + "\n# an edit to the package\n")
    return f"content/{module.name}"


EDITS: list[Callable[[Path, random.Random], str]] = [
    edit_prose,
    edit_a_parameter,
    add_a_post,
    remove_a_figure,
    edit_the_package,
]


def build_with(root: Path, epoch: str | None) -> None:
    done = build(root, environment(SOURCE_DATE_EPOCH=epoch))
    assert done.returncode == 0, done.log


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_incremental_builds_after_random_edits_end_as_a_clean_build(tmp_path: Path) -> None:
    pick = random.Random(SEED)
    root = copy_site(tmp_path / "edited")
    epoch = None
    build_with(root, epoch)
    done = []
    for _ in range(STEPS):
        edit = pick.choice(EDITS)
        done.append(edit(root, pick))
        epoch = pick.choice([None, "1900000000", "1950000000"])
        done.append(f"SOURCE_DATE_EPOCH={epoch}")
        build_with(root, epoch)
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("output", "cache", ".doit.db*"))
    build_with(clean, epoch)
    edited, fresh = files(root / "output"), files(clean / "output")
    differ = sorted(n for n in edited.keys() | fresh.keys() if edited.get(n) != fresh.get(n))
    assert differ == [], f"seed {SEED}, edits {done}: differ from a clean build: {differ}"

"""An author's mistakes, from the command line and from a post: one clear line, nothing written.

Every row is a real run: ``python -m vanishing_post`` in a subprocess, or a real
``nikola build --strict`` of a copy of the site holding one bad post.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sites import ROOT, build, copy_site
from vanishing_post.engine.registry import FIGURES

pytestmark = pytest.mark.slow  # a real build, a browser or the drawing processes

BAD_POST_SLUG = "a-post-with-a-mistake"
KNOWN = "known figures: " + ", ".join(sorted(FIGURES))


@dataclass(frozen=True)
class Cli:
    """Arguments to ``python -m vanishing_post``; ``{tmp}`` is the test's empty folder."""

    args: tuple[str, ...]


@dataclass(frozen=True)
class Post:
    """One shortcode in a post of the given markup (``md`` or ``rst``)."""

    shortcode: str
    markup: str = "md"
    template: str | None = "figures.tmpl"


BAD_INPUTS = [
    # the command line
    (Cli(("render", "nope")), ["unknown figure 'nope'", KNOWN]),
    (Cli(("render", "../../etc/passwd", "-o", "{tmp}/x.html")), ["unknown figure", KNOWN]),
    (Cli(("render", "decay", "--set", "colour=red")), ["'decay'", "'colour'", "known: steps"]),
    (Cli(("render", "decay", "--set", "steps=six")), ["'steps'", "an integer from 1 to 60"]),
    (Cli(("render", "decay", "--set", "steps=2.5")), ["'steps'", "an integer from 1 to 60"]),
    (Cli(("render", "decay", "--set", "steps=0")), ["'steps'", "out of range", "1 to 60"]),
    (Cli(("render", "decay", "--set", "x=nan")), ["'x'", "not a finite number", "-20 to 20"]),
    (Cli(("render", "decay", "--set", "x=-inf")), ["'x'", "not a finite number"]),
    (Cli(("render", "decay", "--set", "scale=cubic")), ["'scale'", "one of linear, log"]),
    (
        Cli(("render", "side-by-side", "--set", "start=4", "--set", "stop=-4")),
        ["'side-by-side'", "start (4) must be below stop (-4)"],
    ),
    (
        Cli(("render", "sigmoid-tangent", "--set", "tangent_x=50")),
        ["'sigmoid-tangent'", "tangent_x (50) must lie in the x range [-10, 10]"],
    ),
    (Cli(("render", "decay", "--set", "title=")), ["'title'", "1 to 200 characters"]),
    (Cli(("render", "decay", "--set", "code=maybe")), ["'decay'", "'code'", "one of yes, no"]),
    (Cli(("render", "decay", "--set", "steps")), ["--set 'steps'", "allowed: KEY=VALUE"]),
    (
        Cli(("render", "decay", "--set", "steps=2", "--set", "steps=3")),
        ["'steps' is set twice"],
    ),
    (Cli(("render", "decay", "-o", "{tmp}/decay.txt")), ["'decay'", "allowed: .html, .png"]),
    (Cli(("render", "decay", "-o", "{tmp}/no/such/decay.html")), ["not an existing folder"]),
    (Cli(("render", "decay", "-o", "/proc/vg-decay.html")), ["'decay'", "cannot write there"]),
    (Cli(("render", "decay", "-o", "{tmp}")), ["allowed: .html"]),
    (Cli(("render", "decay-steps", "--set", "steps=61")), ["'decay-steps'", "'steps'", "1 to 60"]),
    (
        Cli(("render", "numbers", "--set", "start=1", "--set", "stop=1")),
        ["'numbers'", "must be below"],
    ),
    (Cli(("render", "numbers", "--set", "tangent_x=1")), ["'tangent_x'", "known: start, stop"]),
    (Cli(("render",)), ["required: name"]),
    (Cli(("draw", "decay")), ["invalid choice: 'draw'"]),
    # a post
    (Post("{{% figure %}}"), ["exactly one figure name, got none"]),
    (Post("{{% figure decay lang=fr %}}"), ["argument 'lang'", "the figure's own parameters"]),
    (Post("{{% figure decay numbers %}}", "rst"), ["got 'decay' 'numbers'"]),
    (Post("{{% figure ../conf.py %}}"), ["unknown figure '../conf.py'", KNOWN]),
    (Post("{{% figure decay colour=red %}}", "rst"), ["'colour'", "known: steps, x, scale"]),
    (Post("{{% figure decay steps=six %}}"), ["'steps'", "an integer from 1 to 60"]),
    (Post("{{% figure sigmoid-tangent half_width=500 %}}"), ["out of range", "0.1 to 100"]),
    (Post("{{% figure compression y_low=inf %}}"), ["'y_low'", "not a finite number"]),
    (Post("{{% figure numbers start=3 stop=-3 %}}"), ["start (3) must be below stop (-3)"]),
    (
        Post("{{% figure decay code=maybe %}}"),
        ["figure 'decay', parameter 'code': got 'maybe'", "allowed: one of yes, no"],
    ),
    (Post("{{% number nope %}}"), ["unknown quantity 'nope'", "known quantities: batch, depth"]),
    (Post("{{% number depth width %}}", "rst"), ["exactly one quantity name", "got 2 name(s)"]),
    (Post("See {{% figure decay %}} here."), ["figure 'decay' is inside running text"]),
    (Post("As {{% figure numbers %}} shows.", "rst"), ["'numbers' is inside running text"]),
    (
        Post("{{% figure decay %}}", "rst", template=None),
        ["figure 'decay': the post's template is 'post.tmpl', allowed: figures.tmpl"],
    ),
]


def run_cli(args: tuple[str, ...], tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [a.replace("{tmp}", str(tmp)) for a in args]
    return subprocess.run(
        [sys.executable, "-m", "vanishing_post", *argv],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def bad_post(shortcode: str, markup: str, template: str | None) -> str:
    meta = {
        "title": "A post with a mistake",
        "slug": BAD_POST_SLUG,
        "date": "2026-11-21 09:00:00 UTC",
    }
    if template:
        meta["template"] = template
    lines = [f".. {key}: {value}" for key, value in meta.items()]
    if markup == "md":
        lines = ["<!--", *lines, "-->"]
    return "\n".join([*lines, "", "Some prose.", "", shortcode, ""])


def files_under(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*")}


def case_id(case: tuple[Cli | Post, list[str]]) -> str:
    surface, _ = case
    if isinstance(surface, Cli):
        return "cli " + " ".join(surface.args).replace("{tmp}", "TMP")
    return f"{surface.markup} {surface.shortcode} {surface.template or 'no template'}"


@pytest.mark.parametrize(("surface", "expected"), BAD_INPUTS, ids=map(case_id, BAD_INPUTS))
def test_a_mistake_is_one_clear_line_and_leaves_nothing_behind(
    surface: Cli | Post, expected: list[str], tmp_path: Path
) -> None:
    if isinstance(surface, Cli):
        done = run_cli(surface.args, tmp_path)
        assert done.returncode == 2, done.stdout + done.stderr
        assert done.stdout == ""
        message = log = done.stderr
        assert message.count("\n") == 1, message
        assert message.startswith("python -m vanishing_post")
        assert files_under(tmp_path) == set(), "a file was left behind"
    else:
        root = copy_site(tmp_path / "site")
        for post in (root / "posts").iterdir():
            post.unlink()  # only the bad post: the build fails on it, nothing else to wait for
        (root / "posts" / f"{BAD_POST_SLUG}.{surface.markup}").write_text(
            bad_post(surface.shortcode, surface.markup, surface.template)
        )
        done = build(root)
        assert done.returncode != 0, done.log
        errors = [line for line in done.log.splitlines() if "ERROR" in line]
        assert len(errors) == 1, done.log
        message, log = errors[0], done.log
        shortcode = re.search(r"\{\{% (\w+)", surface.shortcode).group(1)  # figure or number
        assert f"shortcode '{shortcode}' in posts/{BAD_POST_SLUG}.{surface.markup}" in message
        assert not (root / "output" / "posts" / BAD_POST_SLUG).exists(), "a page was written"
    assert "Traceback" not in log
    for fragment in expected:
        assert fragment in message, message


def test_two_posts_whose_slugs_give_the_same_figure_keys_stop_the_build(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site")
    for post in (root / "posts").iterdir():
        post.unlink()
    for name, slug in (("first.md", "Same Slug"), ("second.md", "same-slug")):
        text = bad_post("{{% figure decay %}}", "md", "figures.tmpl")
        (root / "posts" / name).write_text(text.replace(BAD_POST_SLUG, slug))
    done = build(root)
    assert done.returncode != 0, done.log
    errors = [line for line in done.log.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and "Traceback" not in done.log, done.log
    assert "posts/first.md" in errors[0] and "posts/second.md" in errors[0], errors[0]
    assert "'same-slug-1'" in errors[0] and "allowed: slugs that differ" in errors[0]
    assert not (root / "output" / "figures").exists(), "a twin was written"

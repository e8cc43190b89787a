"""Real Nikola builds for the tests: a copy of the site in a temporary folder, built for real."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SITE_PARTS = (
    "conf.py",
    "docutils.conf",
    "posts",
    "files",
    "templates",
    "themes",
    "plugins",
    "vanishing_post",
)


@dataclass
class Build:
    """One `nikola build --strict` run: where, how it ended, and everything it printed."""

    root: Path
    returncode: int
    log: str

    @property
    def output(self) -> Path:
        return self.root / "output"

    def nikola(self, *args: str) -> subprocess.CompletedProcess[str]:
        return nikola(self.root, *args)


SHORTCODE = re.compile(r"\{\{% figure ([\w-]+)")


def figure_names(post: Path) -> list[str]:
    """The figure named by each ``figure`` shortcode in a post's source, in page order."""
    return SHORTCODE.findall(post.read_text())


def figure_posts(site: Build) -> list[str]:
    """Every post with figures, as its address on the site."""
    return [
        str(page.parent.relative_to(site.output)) + "/"
        for page in sorted((site.output / "posts").glob("*/index.html"))
        if 'class="vg-figure"' in page.read_text()
    ]


def copy_site(destination: Path) -> Path:
    """The site's sources (not its output, caches or virtual environment) in ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in SITE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=ignore)
        else:
            shutil.copy2(source, destination / part)
    return destination


def nikola(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``nikola ARGS`` in ``root``, in this environment or ``env``."""
    return subprocess.run(
        [sys.executable, "-m", "nikola", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def build(root: Path, env: dict[str, str] | None = None) -> Build:
    """``nikola build --strict`` in ``root``, the way an author runs it."""
    done = nikola(root, "build", "--strict", env=env)
    return Build(root, done.returncode, done.stdout + done.stderr)


def environment(**changes: str | None) -> dict[str, str]:
    """This process's environment with ``changes`` (None: the variable unset)."""
    env = dict(os.environ)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


EXTRA = "vanishing_post.content.extra_figures"
EXTRA_HEADER = (
    '"""Figures a test adds, as an author adds a section: a content module named in conf.py."""\n'
    "from vanishing_post.engine.params import FigureSpec\n"
    "from vanishing_post.engine.registry import register\n"
)


def build_with_figure(
    root: Path,
    content_code: str,
    post_name: str,
    post: str,
    script: str = "",
    settings: dict[str, str] | None = None,
) -> Build:
    """A copy of the site in ``root`` with one more content module, ``content_code`` (extra
    figures, and ``script`` beside it as ``extra_figures.js`` if given), named in its conf.py,
    with ``settings`` of conf.py given other values (Python text), and whose only post is
    ``post``, built: nothing of Nikola replaced, no engine file touched."""
    copy_site(root)
    conf = root / "conf.py"
    for name, value in (settings or {}).items():
        text, found = re.subn(rf"(?m)^{name} = .*$", f"{name} = {value}", conf.read_text())
        assert found == 1, f"conf.py sets no {name}"
        conf.write_text(text)
    module = root / Path(*EXTRA.split(".")).with_suffix(".py")
    module.write_text(EXTRA_HEADER + content_code)
    if script:
        module.with_suffix(".js").write_text(script)
    conf = root / "conf.py"
    conf.write_text(
        conf.read_text().replace("VG_CONTENT = [", f'VG_CONTENT = [\n    "{EXTRA}",', 1)
    )
    for old in (root / "posts").iterdir():
        old.unlink()
    (root / "posts" / post_name).write_text(post)
    return build(root)


ITEM = re.compile(r'<script type="application/json" class="vg-item"[^>]*>(.*?)</script>', re.S)


def figure_items(html: str) -> list[dict[str, Any]]:
    """Each live figure's Bokeh document on a page (``json_item``'s data blocks), in order."""
    return [json.loads(block) for block in ITEM.findall(html)]


def conf_value(name: str) -> Any:
    """A literal setting of the site's ``conf.py``, read without running it."""
    for node in ast.parse((ROOT / "conf.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise KeyError(f"conf.py sets no {name}")

"""The end of the twins: wait for the figures handed to the engine's drawing (vg_twins).

A late task, so pages are rendered while twins are drawn. It runs only in a build that
handed twins over; a twin that could not be drawn fails the build, naming the figure. Then the
twins no figure has any more (a figure removed, a post renamed) are deleted, once the pages
that named them are rewritten: the output is what a clean build of the same sources writes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nikola.plugin_categories import LateTask

ROOT = Path(__file__).resolve().parents[2]


def _finish() -> None:
    from vanishing_post.engine.drawing import DRAWER
    from vanishing_post.engine.twins import TwinError

    try:
        DRAWER.finish()
    except (
        RuntimeError,
        TwinError,
    ) as error:  # named twins, or no browser: one line, a failed build
        raise SystemExit(f"ERROR: {error}") from None


def _nothing_to_wait_for() -> bool:
    from vanishing_post.engine.drawing import DRAWER

    return not DRAWER.busy


def _unused(folder: str, kept: frozenset[str]) -> list[str]:
    """The files in the site's twins folder that no figure's task writes."""
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return []
    return [p for n in names if (p := os.path.normpath(os.path.join(folder, n))) not in kept]


def _none_unused(folder: str, kept: frozenset[str]) -> bool:
    return not _unused(folder, kept)


def _remove_unused(folder: str, kept: frozenset[str]) -> None:
    for path in _unused(folder, kept):
        os.unlink(path)


class WaitForTwins(LateTask):
    """``vg_twins_wait:all``: done once every twin handed to the drawing process is written."""

    name = "vg_twins_wait"

    def set_site(self, site):
        super().set_site(site)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        return None

    def gen_tasks(self):
        yield {
            "basename": self.name,
            "name": "all",
            "actions": [_finish],
            # after the twins were handed over and the pages rendered meanwhile; doit asks
            # whether there is anything to wait for only once these have run
            "task_dep": ["vg_twins", "render_posts", "render_pages"],
            "uptodate": [_nothing_to_wait_for],
        }
        from vanishing_post.engine.site_paths import SITE_FOLDER

        twins = self.site.plugin_manager.get_plugin_by_name("vg_twins", "Task")
        if twins is None or not self.site.config.get("VG_FIGURES", True):
            return
        folder = os.path.join(self.site.config["OUTPUT_FOLDER"], SITE_FOLDER)
        kept = frozenset(twins.plugin_object.drawn)
        yield {
            "basename": self.name,
            "name": "unused",
            "actions": [(_remove_unused, (folder, kept))],
            "task_dep": ["render_posts", "render_pages"],
            "uptodate": [(_none_unused, (folder, kept))],
        }

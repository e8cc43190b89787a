"""Copy BokehJS from the installed bokeh into the site, so no page loads it from a CDN; and
write the figures' shared controls script (``vg-controls.js``) beside it.

The BokehJS files are named by version (``bokeh-3.9.2.min.js``), so a browser never mixes a
cached BokehJS with fragments made by another bokeh.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nikola import utils
from nikola.plugin_categories import Task

ROOT = Path(__file__).resolve().parents[2]


class BokehJS(Task):
    """One copy task per BokehJS file, and the controls script, into ``output/assets/js/``."""

    name = "vg_bokehjs"

    def gen_tasks(self):
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from vanishing_post.engine.twins import bokehjs_files

        yield self.group_task()
        folder = os.path.join(self.site.config["OUTPUT_FOLDER"], "assets", "js")
        for source, name in bokehjs_files():
            target = os.path.join(folder, name)
            yield {
                "basename": self.name,
                "name": target,
                "file_dep": [str(source)],
                "targets": [target],
                "actions": [(utils.copy_file, (str(source), target))],
                "clean": True,
            }
        yield self._controls_task(folder)

    def _controls_task(self, folder: str) -> dict:
        """``vanishing_post.engine.scripts.page_js()`` as a file, rewritten when its sources
        change."""
        from vanishing_post.engine.scripts import PAGE_JS, page_js, sources

        target = os.path.join(folder, PAGE_JS)
        script = page_js()
        return {
            "basename": self.name,
            "name": target,
            "file_dep": sorted(str(p) for p in sources()),
            "targets": [target],
            "actions": [(_write, (target, script))],
            "uptodate": [utils.config_changed({"script": script}, "vg_bokehjs:controls")],
            "clean": True,
        }


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)

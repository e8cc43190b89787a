"""Copy BokehJS from the installed bokeh into the site, so no page loads it from a CDN.

The files are named by version (``bokeh-3.9.2.min.js``), so a browser never mixes a cached
BokehJS with fragments made by another bokeh.
"""

from __future__ import annotations

import os
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

from nikola import utils
from nikola.plugin_categories import Task


def bokehjs_files() -> list[tuple[Path, str]]:
    """(installed file, name on the site) for the scripts our pages load."""
    static = Path(find_spec("bokeh").submodule_search_locations[0]) / "server" / "static" / "js"
    v = version("bokeh")
    stems = ("bokeh", "bokeh-widgets")
    return [(static / f"{stem}.min.js", f"{stem}-{v}.min.js") for stem in stems]


class BokehJS(Task):
    """One copy task per BokehJS file, into ``output/assets/js/``."""

    name = "vg_bokehjs"

    def gen_tasks(self):
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

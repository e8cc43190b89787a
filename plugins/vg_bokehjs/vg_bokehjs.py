"""Copy BokehJS from the installed bokeh into the site, so no page loads it from a CDN (its
other bundles too, for the figures that need one; ``scripts.bokehjs_served``: the bundle
every page loads with V8's compile hint first, and cut to the models the posts' figures use,
``engine.bokehjs``, once every post's page is written: a task that depends on those pages); and
write the engine's page scripts beside it: ``vg-controls.js`` (draws the figures, runs their
controls) and ``vg-first.js`` (what runs before the page is drawn).

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
        from vanishing_post.engine.scripts import BOKEHJS, BOKEHJS_MORE
        from vanishing_post.engine.twins import bokehjs_files

        yield self.group_task()
        folder = os.path.join(self.site.config["OUTPUT_FOLDER"], "assets", "js")
        # BokehJS's other bundles too: which figures need one is known only as they are drawn,
        # and a page fetches one only before a figure that needs it
        from vanishing_post.engine.scripts import FIRST_JS, HERE, PAGE_JS, first_js, page_js
        from vanishing_post.engine.scripts import sources as page_sources

        script = page_js()
        more = [str(source) for source, _ in bokehjs_files(BOKEHJS_MORE)]
        pages = self._pages()
        for bundle in BOKEHJS:  # cut to what the pages' figures use, once they are written
            [(source, name)] = bokehjs_files((bundle,))
            target = os.path.join(folder, name)
            digest = os.path.join(self.site.config["CACHE_FOLDER"], "vg_bokehjs", name + ".sha256")
            yield {
                "basename": self.name,
                "name": target,
                "file_dep": [str(source), *more, *pages],
                "targets": [target],
                "actions": [(_cut, (bundle, str(source), target, pages, more, script, digest))],
                "uptodate": [
                    utils.config_changed({"script": script}, f"vg_bokehjs:{name}"),
                    (_noted, (target, digest)),
                ],
                "clean": True,
            }
        for bundle in BOKEHJS_MORE:
            [(source, name)] = bokehjs_files((bundle,))
            target = os.path.join(folder, name)
            yield {
                "basename": self.name,
                "name": target,
                "file_dep": [str(source)],
                "targets": [target],
                "actions": [(_copy, (bundle, str(source), target))],
                "uptodate": [(_holds, (bundle, target, str(source)))],
                "clean": True,
            }
        yield self._script_task(folder, PAGE_JS, script, page_sources())
        yield self._script_task(folder, FIRST_JS, first_js(), [HERE / "first.js"])

    def _pages(self) -> list[str]:
        """Every post's page as Nikola's render_pages writes it: what holds figures."""
        config = self.site.config
        self.site.scan_posts()
        return sorted(
            os.path.normpath(
                os.path.join(
                    config["OUTPUT_FOLDER"], post.destination_path(lang, post.compiler.extension())
                )
            )
            for lang in config["TRANSLATIONS"]
            for post in self.site.timeline
            if config["SHOW_UNTRANSLATED_POSTS"] or post.is_translation_available(lang)
        )

    def _script_task(self, folder: str, name: str, script: str, sources: list) -> dict:
        """One of the engine's page scripts (``vanishing_post.engine.scripts``) as a file,
        rewritten when its sources change."""
        target = os.path.join(folder, name)
        return {
            "basename": self.name,
            "name": target,
            "file_dep": sorted(str(p) for p in sources),
            "targets": [target],
            "actions": [(_write, (target, script))],
            "uptodate": [
                utils.config_changed({"script": script}, f"vg_bokehjs:{name}"),
                (_holds_text, (target, script)),
            ],
            "clean": True,
        }


def _holds(bundle: str, target: str, source: str) -> bool:
    """Whether the site's copy is what it serves of the installed file, byte for byte: a
    damaged or replaced copy is copied again, never kept because it exists."""
    from vanishing_post.engine.scripts import bokehjs_served

    try:
        return Path(target).read_bytes() == bokehjs_served(bundle, Path(source).read_bytes())
    except OSError:
        return False


def _noted(target: str, digest: str) -> bool:
    """Whether the site's cut BokehJS is the file last written (its hash, noted beside the
    cache): a damaged or replaced copy is written again, never kept because it exists."""
    import hashlib

    try:
        return hashlib.sha256(Path(target).read_bytes()).hexdigest() == Path(digest).read_text()
    except OSError:
        return False


def _cut(
    bundle: str, source: str, target: str, pages: list, more: list, script: str, digest: str
) -> None:
    """Write BokehJS cut to the models the pages' figures use (``engine.bokehjs``)."""
    import hashlib

    from vanishing_post.engine.bokehjs import cut, models_in, page_requires
    from vanishing_post.engine.files import note, write_whole
    from vanishing_post.engine.scripts import bokehjs_served

    models = set().union(*(models_in(Path(p).read_text(encoding="utf-8")) for p in pages))
    plugins = [Path(p).read_text(encoding="utf-8") for p in more]
    text = cut(Path(source).read_text(encoding="utf-8"), models, page_requires(script), plugins)
    served = bokehjs_served(bundle, text.encode("utf-8"))
    write_whole(target, served)
    note(digest, hashlib.sha256(served).hexdigest())


def _holds_text(target: str, text: str) -> bool:
    try:
        return Path(target).read_text(encoding="utf-8") == text
    except (OSError, ValueError):
        return False


def _copy(bundle: str, source: str, target: str) -> None:
    from vanishing_post.engine.files import write_whole
    from vanishing_post.engine.scripts import bokehjs_served

    write_whole(target, bokehjs_served(bundle, Path(source).read_bytes()))


def _write(path: str, text: str) -> None:
    from vanishing_post.engine.files import write_whole

    write_whole(path, text.encode("utf-8"))

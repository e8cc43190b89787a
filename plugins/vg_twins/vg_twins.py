"""The static twin of every figure in every post, written into the site during ``nikola build``.

Thin on purpose: find the ``figure`` shortcodes in each post's source, and yield one task per
figure that has a drawing. The task hands the figure to ``vanishing_post.drawing``, whose two
processes draw its twins (and its page fragment, and its page's tables', if the figure cache
lacks them) beside the build, from one Bokeh model; a task runs again only when a file its twins
are made from changes (``vanishing_post.sources.twin_files``). Generating the tasks reads
sources and the registry only (no pandas, HoloViews or matplotlib), so a build with nothing to
redraw imports none of them. ``render_posts`` depends on these tasks, so every figure is handed
over before the first page asks for its fragment; ``vg_twins_wait`` waits for the twins at the
end. A cold ``nikola build`` starts the drawing processes as this plugin loads."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from doit.tools import config_changed
from nikola.plugin_categories import Task
from nikola.shortcodes import ParsingError, _split_shortcodes

ROOT = Path(__file__).resolve().parents[2]


def figure_shortcodes(text: str) -> list[tuple[int, str, dict[str, str]]]:
    """(number on the page, figure name, arguments) of each ``figure`` shortcode in ``text``,
    numbered as the shortcode numbers them."""
    try:
        tokens = _split_shortcodes(text)
    except ParsingError:
        return []  # the post's own compile reports the syntax error, with its place
    found = []
    for token in tokens:
        if token[0] == "SHORTCODE_START" and token[3] == "figure":
            args, kwargs = token[4]
            found.append((len(found) + 1, args[0] if len(args) == 1 else "", dict(kwargs)))
    return found


def _key(slug: str) -> str:
    """The post's part of a figure's key, as the ``figure`` shortcode makes it."""
    return re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or "page"


def _hand_over(figures: list[tuple], fmt: str, cache: object) -> None:
    """Hand figures (name, arguments, key, number, twins' paths) to the drawing processes:
    their twins, and their fragments too where the figure ``cache`` lacks them (the page asks
    for them); vg_twins_wait waits for them at the end."""
    from vanishing_post.drawing import DRAWER, Job

    for name, raw, key, number, wide, narrow in figures:
        fragment = not cache.has(name, raw, key, number)
        if wide is not None or fragment:
            twins = (Path(wide), Path(narrow)) if wide is not None else (None, None)
            DRAWER.submit(Job(name, raw, key, number, fmt, *twins, fragment))


def _cold(site) -> bool:
    """Whether this is a ``nikola build`` that will draw every twin: figures on, and no twin
    in the output yet (a fresh clone, a clean build). Nikola reads its own command line the
    same way, for ``--strict``."""
    from vanishing_post.site_paths import SITE_FOLDER

    figures = os.path.join(site.config["OUTPUT_FOLDER"], SITE_FOLDER)
    building = sys.argv[1:2] == ["build"]
    return building and site.config.get("VG_FIGURES", True) and not os.path.isdir(figures)


class FigureTwins(Task):
    """A task per figure with a drawing, writing ``output/figures/<post slug>-<n>.png`` and
    its phone version ``...-<n>-narrow.png`` (drawn together: one plot, two sizes)."""

    name = "vg_twins"

    def set_site(self, site):
        super().set_site(site)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        self.inject_dependency("render_posts", self.name)
        if _cold(site):  # the plotting libraries' import then overlaps Nikola reading the site
            from vanishing_post.drawing import DRAWER

            DRAWER.start()
        return None

    def gen_tasks(self):
        from vanishing_post.cache import FigureCache
        from vanishing_post.site_paths import SITE_FORMAT

        config = self.site.config
        self.site.scan_posts()  # the timeline is empty until some task asks for it
        yield self.group_task()
        if not config.get("VG_FIGURES", True):  # the bare site (`make bench`): no figures
            return
        fmt = SITE_FORMAT
        # the figure shortcode's cache: one for every task, so the package is read once
        cache = FigureCache(Path(config["CACHE_FOLDER"]) / "vg_figures")
        for post in self.site.timeline:
            for lang in config["TRANSLATIONS"]:
                source = post.translated_source_path(lang)
                if not os.path.isfile(source):
                    continue
                text = Path(source).read_text(encoding="utf-8-sig")
                yield from self._tasks(text, _key(post.meta("slug", lang)), fmt, cache)

    def _tasks(self, text: str, slug: str, fmt: str, cache: object):
        """A task per figure of a page that has a drawing; the first also hands over the
        page's tables (their fragments only)."""
        from vanishing_post.params import FigureError
        from vanishing_post.registry import FIGURES
        from vanishing_post.site_paths import site_paths

        output = self.site.config["OUTPUT_FOLDER"]
        drawn, tables = [], []
        for number, name, raw in figure_shortcodes(text):
            spec = FIGURES.get(name)
            if spec is None:
                continue  # a mistake the shortcode reports in one line
            params = {p.name for p in spec.params}
            try:
                values = spec.values({k: v for k, v in raw.items() if k in params})
            except FigureError:
                continue  # the shortcode reports it and fails the build
            key = f"{slug}-{number}"
            if spec.draw is None:
                tables.append((name, raw, key, number, None, None))
                continue
            wide, narrow = (os.path.join(output, *p.split("/")) for p in site_paths(key))
            drawn.append(((name, raw, key, number, wide, narrow), values))
        for index, (figure, values) in enumerate(drawn):
            name, wide, narrow = figure[0], figure[4], figure[5]
            handed = [figure] + (tables if index == 0 else [])
            yield {
                "basename": self.name,
                "name": wide,
                "file_dep": sorted(str(p) for p in cache.sources.twin_files(name)),
                "targets": [wide, narrow],
                "actions": [(_hand_over, (handed, fmt, cache))],
                "uptodate": [config_changed(repr((name, sorted(values.items()), fmt)))],
                "clean": True,
            }

"""The static twin of every figure in every post, written into the site during ``nikola build``.

Thin on purpose: find the ``figure`` shortcodes in each post's source, and yield one task per
figure that has a drawing; ``vanishing_post.twins`` draws it, and draws it again only when a file
its drawing is made from changes (``vanishing_post.sources.twin_files``). Generating the tasks
reads sources and the registry only (no pandas, HoloViews or matplotlib), so a build with
nothing to redraw imports none of them. ``render_posts`` depends on these tasks: on a fresh
clone the twins exist before any page that shows them.
"""

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


def _write(name: str, values: dict, fmt: str, wide: str, narrow: str) -> None:
    """Hand the twins to the drawing process; vg_twins_wait waits for them at the end."""
    from vanishing_post.twins import DRAWER

    DRAWER.submit(name, values, fmt, Path(wide), Path(narrow))


class FigureTwins(Task):
    """A task per figure with a drawing, writing ``output/figures/<post slug>-<n>.png`` and
    its phone version ``...-<n>-narrow.png`` (drawn together: one plot, two sizes)."""

    name = "vg_twins"

    def set_site(self, site):
        super().set_site(site)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        self.inject_dependency("render_posts", self.name)
        return None

    def gen_tasks(self):
        from vanishing_post.params import FigureError
        from vanishing_post.registry import FIGURES
        from vanishing_post.site_paths import SITE_FORMAT, site_paths
        from vanishing_post.sources import Sources

        config = self.site.config
        self.site.scan_posts()  # the timeline is empty until some task asks for it
        yield self.group_task()
        if not config.get("VG_FIGURES", True):  # the bare site (`make bench`): no figures
            return
        fmt = SITE_FORMAT
        sources = Sources()
        for post in self.site.timeline:
            for lang in config["TRANSLATIONS"]:
                source = post.translated_source_path(lang)
                if not os.path.isfile(source):
                    continue
                text = Path(source).read_text(encoding="utf-8-sig")
                slug = _key(post.meta("slug", lang))
                for number, name, raw in figure_shortcodes(text):
                    spec = FIGURES.get(name)
                    if spec is None or spec.draw is None:
                        continue  # a table, or a mistake the shortcode reports in one line
                    params = {p.name for p in spec.params}
                    try:
                        values = spec.values({k: v for k, v in raw.items() if k in params})
                    except FigureError:
                        continue  # the shortcode reports it and fails the build
                    wide, narrow = (
                        os.path.join(config["OUTPUT_FOLDER"], *path.split("/"))
                        for path in site_paths(f"{slug}-{number}")
                    )
                    yield {
                        "basename": self.name,
                        "name": wide,
                        "file_dep": sorted(str(p) for p in sources.twin_files(name)),
                        "targets": [wide, narrow],
                        "actions": [(_write, (name, values, fmt, wide, narrow))],
                        "uptodate": [config_changed(repr((name, sorted(values.items()), fmt)))],
                        "clean": True,
                    }

"""The ``figure`` shortcode: places a figure the site's content registered in a post.

Thin on purpose: parse the arguments, look the figure up, return ``(html, deps)``. Rendering
lives in ``vanishing_post`` and knows nothing of Nikola. The module is not called
``vanishing_post`` so that it cannot shadow the package.
"""

from __future__ import annotations

import atexit
import gc
import html as markup
import re
import sys
from collections import Counter
from pathlib import Path

from nikola.plugin_categories import ShortcodePlugin

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = "FIGURE_TEMPLATES"  # conf.py: the templates that load BokehJS
MADE_FROM = (".py", ".js", ".html")  # the package's files figures are made from


class FigureShortcode(ShortcodePlugin):
    """``{{% figure NAME key=value ... %}}``: a live figure with its controls and caption."""

    name = "figure"

    def set_site(self, site):
        super().set_site(site)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from vanishing_post.engine import registry, sources
        from vanishing_post.engine.cache import FigureCache
        from vanishing_post.engine.params import FigureError

        registry.load(site.config[registry.SETTING])  # content registers its figures

        # A build that drew figures holds the plotting libraries' millions of objects, and
        # Python's last garbage collection at exit walks them all (a second, after the site is
        # written). Frozen, they are skipped; files still close as their last reference goes.
        # Registered as the plugin loads, before the plotting libraries register theirs, so it
        # runs after those.
        atexit.register(gc.freeze)

        self._numbers: Counter[tuple[str, str]] = Counter()
        self._draw = site.config.get("VG_FIGURES", True)
        self._cache = FigureCache(Path(site.config["CACHE_FOLDER"]) / "vg_figures")
        # VG_FIGURES (conf.py) as a file the posts depend on, so turning figures off or on
        # rebuilds them (a ####MAGIC####CONFIG dep would rebuild every post once more after a
        # clean build)
        # and the package's files, by one hash of them all: editing, adding, deleting or
        # renaming one rebuilds the posts that use figures
        try:
            self._deps = [
                self._cache.mark("package", sources.digest(MADE_FROM)),
                self._cache.mark("figures", "on" if self._draw else "off"),
            ]
        except FigureError as error:  # a cache folder the build cannot write: one line
            raise SystemExit(f"ERROR: shortcode 'figure': {error}") from None
        return None

    def handler(self, *names, site=None, data=None, lang=None, post=None, **params):
        """``names`` holds the figure's name; ``params`` its parameters, as text."""
        from vanishing_post.engine.params import FigureError

        where = f"shortcode 'figure' in {post.source_path if post else 'a page'}"
        page = (post.source_path if post else "", lang)
        self._numbers[page] += 1
        number = self._numbers[page]
        key = f"{_key(post.meta('slug', lang) if post else '')}-{number}"

        def draw() -> dict:
            from vanishing_post.engine.drawing import DRAWER
            from vanishing_post.engine.embed import figure_parts
            from vanishing_post.engine.site_paths import site_addresses

            made = DRAWER.fragment(key, names[0], params)  # handed over by the vg_twins task
            if made is not None:
                return made
            wide, narrow = site_addresses(key)  # written by the vg_twins task
            return figure_parts(
                names[0], params, key=key, number=number, twin=wide, twin_narrow=narrow
            )

        try:
            if len(names) != 1:
                shown = " ".join(repr(n) for n in names) or "none"
                raise FigureError(
                    f"give exactly one figure name, got {shown}, allowed: one of the"
                    " registered figures (python -m vanishing_post list)"
                )
            self._check_template(post, names[0])
            if not self._draw:  # the bare site `make bench` measures: no figure, no import
                name = markup.escape(names[0])
                return (
                    f'<figure class="vg-figure" id="{key}" data-figure="{name}"></figure>',
                    self._deps,
                )
            parts = self._cache.parts(names[0], params, key, number, draw)
            html, twins = self._placed(parts, key)
        except FigureError as error:
            # An author's mistake: one line naming the post, the figure and the argument, and
            # a failed build (as Nikola does for its own shortcode errors), no traceback.
            raise SystemExit(f"ERROR: {where}: {error}") from None
        except Exception as error:  # a bug in a figure: still say where, and stop the build
            raise RuntimeError(
                f"{where}: figure '{names[0]}' failed: {type(error).__name__}: {error}"
            ) from error
        return html, self._deps + twins

    def _placed(self, parts: dict, key: str) -> tuple[str, list[str]]:
        """The figure's HTML, holding the place of the live figure as the studio measured it
        (written by the vg_twins task, which the page waits for if it is drawing it), and the
        file the page then depends on: the note of what that layout is drawn from (there even
        while a damaged layout or twin is drawn again, so no page waits on a missing file)."""
        from vanishing_post.engine.drawing import DRAWER
        from vanishing_post.engine.markup import render_figure
        from vanishing_post.engine.site_paths import layout_path, stamp_path
        from vanishing_post.engine.twins import read_layout

        DRAWER.twins_of(key)
        cache = self.site.config["CACHE_FOLDER"]
        stamp = stamp_path(cache, key)
        made = [str(stamp)] if stamp.is_file() else []
        return render_figure(parts, read_layout(layout_path(cache, key))), made

    def _check_template(self, post, name: str) -> None:
        """A figure in a post whose template does not load BokehJS would never draw."""
        from vanishing_post.engine.params import FigureError

        allowed = self.site.config.get(TEMPLATES, ["figures.tmpl"])
        if post is not None and post.template_name not in allowed:
            raise FigureError(
                f"figure {name!r}: the post's template is '{post.template_name}', allowed: "
                + ", ".join(allowed)
                + " (set '.. template: figures.tmpl' in its metadata: it loads BokehJS)"
            )


def _key(slug: str) -> str:
    """The post's slug as the start of element ids: lower-case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or "page"

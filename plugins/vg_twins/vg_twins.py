"""The static twin of every figure in every post, written into the site during ``nikola build``.

Thin on purpose: find the ``figure`` shortcodes in each post's source (counted as the page
counts them), and yield one task per figure. The task hands the figure to
``vanishing_post.engine.drawing``, which makes its parts if the figure cache lacks them, draws
them in headless Chromium beside the build, photographs its twins (a table has none) and
measures its layout; a task runs again only when a file its twins are made from changes
(``vanishing_post.engine.sources.twin_files``, the stylesheets the twins are drawn with,
BokehJS's version), or a twin or layout on disk is not the one drawn (its hash). Generating the
tasks reads sources and the registry only (no plotting library), so a build with nothing to
redraw imports none of them. ``render_posts`` depends on these tasks, so every figure is handed
over before the first page asks for it; ``vg_twins_wait`` waits for the twins at the end. A
cold ``nikola build`` starts the drawing processes and the browser as this plugin loads."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from importlib.metadata import version
from pathlib import Path

from doit.tools import config_changed
from nikola.plugin_categories import Task
from nikola.shortcodes import ParsingError, _split_shortcodes, apply_shortcodes

ROOT = Path(__file__).resolve().parents[2]


# What Nikola passes every shortcode itself: a figure's parameter by one of these names would
# never reach it.
NIKOLA_ARGUMENTS = ("site", "data", "lang", "post", "filename")


class _Recorder(dict):
    """A shortcode registry for Nikola's own ``apply_shortcodes``: every name is known and
    writes nothing; each ``figure`` it reaches is recorded, in the order it is reached."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[tuple[int, str, dict[str, str]]] = []

    def __contains__(self, name: object) -> bool:
        return True

    def __getitem__(self, name: str):
        return self._figure if name == "figure" else (lambda *args, **kwargs: "")

    def _figure(self, *names: str, **kwargs: str) -> str:
        raw = {k: v for k, v in kwargs.items() if k not in NIKOLA_ARGUMENTS}
        self.figures.append((len(self.figures) + 1, names[0] if len(names) == 1 else "", raw))
        return ""


def figure_shortcodes(text: str) -> list[tuple[int, str, dict[str, str]]]:
    """(number on the page, figure name, arguments) of each ``figure`` shortcode of a post's
    source that Nikola runs, numbered as the shortcode numbers itself: found by Nikola's own
    walk over the shortcodes, so one inside ``{{% raw %}}`` or inside a paired shortcode's
    text is not a figure, here as on the page."""
    recorder = _Recorder()
    try:
        apply_shortcodes(text, recorder, raise_exceptions=True)
    except ParsingError:
        return []  # the post's own compile reports the syntax error, with its place
    return recorder.figures


def nikola_arguments(text: str) -> list[str]:
    """Arguments of ``figure`` shortcodes in ``text`` named as Nikola's own (which Nikola
    replaces before the shortcode sees them)."""
    try:
        tokens = _split_shortcodes(text)
    except ParsingError:
        return []
    return [
        name
        for token in tokens
        if token[0] == "SHORTCODE_START" and token[3] == "figure"
        for name in token[4][1]
        if name in NIKOLA_ARGUMENTS
    ]


def _key(slug: str) -> str:
    """The post's part of a figure's key, as the ``figure`` shortcode makes it."""
    return re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or "page"


def _hand_over(figure: tuple, cache: object, stamp: str, drawn_from: tuple) -> None:
    """Hand a figure (name, arguments, key, number, twins' paths by width, layout's path) to
    the drawer: its parts, made where the figure ``cache`` lacks them (the page asks for them),
    then drawn in the studio for its twins and its layout; vg_twins_wait waits for them at the
    end. First the figure's ``stamp`` notes what it is drawn from (``drawn_from``: settings,
    and the files, hashed), rewritten only when that changes: the page depends on it."""
    from vanishing_post.engine.drawing import DRAWER, Job
    from vanishing_post.engine.files import note
    from vanishing_post.engine.params import FigureError

    name, raw, key, number, twins, layout = figure
    settings, files = drawn_from
    digests = {path: hashlib.sha256(Path(path).read_bytes()).hexdigest() for path in files}
    note(stamp, json.dumps({"settings": settings, "files": digests}, sort_keys=True))
    paths = {width: Path(path) for width, path in twins.items()} if twins else None
    try:
        job = Job(name, raw, key, number, paths, Path(layout), cache.get(name, raw, key, number))
        DRAWER.submit(job)
    except FigureError as error:  # no browser, or a cache it cannot read: one line
        raise SystemExit(f"ERROR: {error}") from None


def _intact(twins: dict[str, str] | None, layout: str) -> bool:
    """Whether the twins and layout on disk are those the last drawing wrote (hashes kept in
    the layout): a damaged or replaced file is drawn again, never kept because it exists."""
    from vanishing_post.engine.twins import intact

    return intact(Path(layout), {width: Path(path) for width, path in (twins or {}).items()})


def _refuse_nikola_names(figures: dict) -> None:
    """A registered figure whose parameter has a name Nikola gives every shortcode could
    never be set from a post: one line naming it."""
    for spec in figures.values():
        for declared in spec.params:
            if declared.name in NIKOLA_ARGUMENTS:
                raise SystemExit(
                    f"ERROR: figure '{spec.name}', parameter '{declared.name}': a name Nikola "
                    f"gives every shortcode, allowed: any other ({', '.join(NIKOLA_ARGUMENTS)}"
                    " are taken)"
                )


def _stylesheets(site) -> list[Path]:
    """The site's stylesheets the twins are drawn with (conf.py), from the site's folder."""
    return [ROOT / path for path in site.config["VG_TWIN_STYLESHEETS"]]


def _cold(site) -> bool:
    """Whether this is a ``nikola build`` that will draw every twin: figures on, and no twin
    in the output yet (a fresh clone, a clean build). Nikola reads its own command line the
    same way, for ``--strict``."""
    from vanishing_post.engine.site_paths import SITE_FOLDER

    figures = os.path.join(site.config["OUTPUT_FOLDER"], SITE_FOLDER)
    building = sys.argv[1:2] == ["build"]
    return building and site.config.get("VG_FIGURES", True) and not os.path.isdir(figures)


class FigureTwins(Task):
    """A task per figure: a figure with a drawing gets ``output/figures/<post slug>-<n>.png``
    and its phone version ``...-<n>-narrow.png`` (photographed together: one fragment drawn at
    both widths); every figure, tables too, gets its layout (``cache/vg_layouts/<key>.json``:
    where the live figure's controls end and its plots or table begin, at each width), which
    its page reads to hold the live figure's place."""

    name = "vg_twins"

    def set_site(self, site):
        super().set_site(site)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        self.inject_dependency("render_posts", self.name)
        self.drawn: set[str] = set()  # every twin and layout a task writes (vg_twins_wait)
        from vanishing_post.engine import registry
        from vanishing_post.engine.drawing import DRAWER

        content = site.config[registry.SETTING]
        wait_s = site.config.get("VG_DRAW_WAIT_S", 300)
        DRAWER.use(site.config["VG_TWIN_WIDTHS"], _stylesheets(site), content, wait_s)
        if _cold(site):  # the plotting libraries' import then overlaps Nikola reading the site
            DRAWER.start()
        return None

    def gen_tasks(self):
        from vanishing_post.engine import registry
        from vanishing_post.engine.cache import FigureCache

        config = self.site.config
        registry.load(config[registry.SETTING])
        self.site.scan_posts()  # the timeline is empty until some task asks for it
        yield self.group_task()
        if not config.get("VG_FIGURES", True):  # the bare site (`make bench`): no figures
            return
        # the figure shortcode's cache: one for every task, so the package is read once
        cache = FigureCache(Path(config["CACHE_FOLDER"]) / "vg_figures")
        _refuse_nikola_names(registry.FIGURES)
        pages: dict[str, str] = {}  # the start of the figures' keys: the post that has it
        for post in self.site.timeline:
            for lang in config["TRANSLATIONS"]:
                source = post.translated_source_path(lang)
                if not os.path.isfile(source):
                    continue
                text = Path(source).read_text(encoding="utf-8-sig")
                figures = figure_shortcodes(text)
                if not figures:
                    continue
                where = f"shortcode 'figure' in {source}"
                for name in nikola_arguments(text):
                    raise SystemExit(
                        f"ERROR: {where}: argument '{name}' is one Nikola gives every "
                        "shortcode, allowed: the figure's own parameters (python -m "
                        "vanishing_post list)"
                    )
                slug = _key(post.meta("slug", lang))
                other = pages.setdefault(slug, source)
                if other != source:
                    raise SystemExit(
                        f"ERROR: {where}: its slug gives the figures the same keys as those of"
                        f" {other} ('{slug}-1', ...), allowed: slugs that differ in their"
                        " letters or digits"
                    )
                for task in self._tasks(figures, slug, cache):
                    self.drawn.update(os.path.normpath(t) for t in task["targets"])
                    yield task

    def _tasks(self, figures: list, slug: str, cache: object):
        """A task per figure of a page (``figure_shortcodes``): its twins (a table has none)
        and its layout, as the studio measures them."""
        from vanishing_post.engine.params import FigureError
        from vanishing_post.engine.registry import FIGURES
        from vanishing_post.engine.site_paths import layout_path, site_paths, stamp_path

        config = self.site.config
        output = config["OUTPUT_FOLDER"]
        # what every twin is drawn with besides its figure's files
        drawn_with = repr((config["VG_TWIN_WIDTHS"], version("bokeh"), version("playwright")))
        stylesheets = [str(p) for p in _stylesheets(self.site)]
        for number, name, raw in figures:
            spec = FIGURES.get(name)
            if spec is None:
                continue  # a mistake the shortcode reports in one line
            params = {p.name for p in spec.params}
            try:
                values = spec.values({k: v for k, v in raw.items() if k in params})
            except FigureError:
                continue  # the shortcode reports it and fails the build
            key = f"{slug}-{number}"
            twins = None
            if spec.draw is not None:
                paths = (os.path.join(output, *p.split("/")) for p in site_paths(key))
                twins = dict(zip(("wide", "narrow"), paths, strict=True))
            layout = str(layout_path(config["CACHE_FOLDER"], key))
            stamp = str(stamp_path(config["CACHE_FOLDER"], key))
            figure = (name, raw, key, number, twins, layout)
            settings = repr((name, sorted(values.items()), drawn_with))
            files = sorted(str(p) for p in cache.sources.twin_files(name)) + stylesheets
            yield {
                "basename": self.name,
                "name": layout,
                "file_dep": files,
                "targets": [*(twins or {}).values(), layout, stamp],
                "actions": [(_hand_over, (figure, cache, stamp, (settings, files)))],
                "uptodate": [config_changed(settings), (_intact, (twins, layout))],
                "clean": True,
            }

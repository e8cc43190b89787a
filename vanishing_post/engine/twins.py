"""The static twin of a figure: its own page fragment, drawn by BokehJS in headless Chromium
and photographed.

Readers without JavaScript, feed readers, link previews and print see this picture, and a reader
sees it while BokehJS loads: it is the live figure at the width the page gives it, so the swap
shows nothing new. A ``Studio`` is one Chromium with a page per twin width, each holding the
site's stylesheets, BokehJS and the controls' script, loaded once; a figure's fragment is placed
in each, its script draws it as on the page, and the box of its plots is photographed
(``photograph``), as Bokeh's own ``export_png`` photographs a figure in a headless browser.
``svg`` exports the plots through Bokeh's SVG backend, as Bokeh's ``export_svg`` does.

Pure of Nikola, and of the data and plotting libraries: the build's own process runs the studio.
The bytes depend only on the fragment, the widths and the browser (no dates), so two builds on
one machine write identical files.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from vanishing_post.engine.files import write_all
from vanishing_post.engine.markup import environment
from vanishing_post.engine.params import FigureError
from vanishing_post.engine.scripts import BOKEHJS, BOKEHJS_MORE, bokehjs_name, page_js

# (window width, text column width) in CSS pixels for each twin; the site sets its own in
# conf.py (VG_TWIN_WIDTHS), these serve the command line.
WIDTHS: Mapping[str, tuple[int, int]] = {"wide": (736, 704), "narrow": (375, 343)}
SCALE = 2  # device pixels per CSS pixel: sharp on high-density screens and in print
COLOURS = 256  # a plot is a few flat colours and their anti-aliased edges
PNG_LEVEL = 8  # zlib: close to 9's size in half the time
DRAW_S = 60  # the longest BokehJS may take to draw one figure
SHOTS = 3  # pictures taken of one figure, at most, to get one it did not move during
# What the studio measures of a live figure, in CSS pixels: its controls' height above its
# plots (or table), and their box; a page holds the live figure's place with it.
LAYOUT = ("controls", "width", "height")
LAYOUT_FILE = "layout"  # with the twins, what ``write`` saves
DIGESTS = "sha256"  # in the layout file: each twin's hash, checked before a build keeps it
WINDOW_HEIGHT = 3000  # tall enough for a figure's panels stacked on a phone
CHROMIUM_ENV = "VG_CHROMIUM"
# The browser readers use first: Chromium's headless shell starts and loads BokehJS in a third
# of the CPU time, but lays out some text a pixel apart from it (a title cut at the plot's edge).
CHROMIUM_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chromium-headless-shell",
)
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--font-render-hinting=none",
)
INSTALL = (
    "install Debian's chromium (sudo apt-get install chromium), or Playwright's "
    f"(python -m playwright install chromium), or set {CHROMIUM_ENV} to a Chromium program"
)


class TwinError(FigureError):
    """A twin that cannot be drawn, in one line: the figure or the browser named."""


def bokehjs_files(bundles: Sequence[str] = BOKEHJS) -> list[tuple[Path, str]]:
    """(installed file, name on the site) of BokehJS bundles, by default those every page with
    figures loads: the installed bokeh's own (``scripts.bokehjs_name``)."""
    static = Path(find_spec("bokeh").submodule_search_locations[0]) / "server" / "static" / "js"
    return [(static / f"{bundle}.min.js", bokehjs_name(bundle)) for bundle in bundles]


def find_chromium(environ: Mapping[str, str] = os.environ) -> str | None:
    """The Chromium to draw with: ``$VG_CHROMIUM``, else one on the PATH; None if neither (the
    studio then asks Playwright for its own). A ``$VG_CHROMIUM`` that is not a program is an
    error: the author meant that one."""
    named = environ.get(CHROMIUM_ENV)
    if named:
        if not (os.path.isfile(named) and os.access(named, os.X_OK)):
            raise TwinError(f"{CHROMIUM_ENV}={named!r} is not a program; {INSTALL}")
        return named
    for name in CHROMIUM_NAMES:
        found = shutil.which(name, path=environ.get("PATH"))
        if found:
            return found
    return None


class Studio:
    """One headless Chromium, a page per twin width, drawing figures' fragments as the site's
    pages do. Open it once (``with Studio(...) as studio``), draw many figures, close it.

    Every call comes from the thread that opened it (Playwright's rule).
    """

    def __init__(
        self,
        widths: Mapping[str, Sequence[int]] = WIDTHS,
        stylesheets: Iterable[Path] = (),
        scale: float = SCALE,
    ) -> None:
        self.widths = {name: (int(w[0]), int(w[1])) for name, w in widths.items()}
        self.stylesheets = [Path(p) for p in stylesheets]
        self.scale = scale
        self._playwright: Any = None
        self._browser: Any = None
        self._sets: list[dict[str, Any]] = []  # pages by width, one set per figure in flight
        self._devtools: dict[Any, Any] = {}  # page: its DevTools session, for its pictures
        # the studio pages' folder, removed by ``close``: not a TemporaryDirectory, whose exit
        # hook, registered after the build's own, would remove it under the studio's thread
        # while a build that stopped early is still closing it (a traceback at exit)
        self._folder: Path | None = None
        self._failure: TwinError | None = None  # why it did not open: said again, not retried

    def __enter__(self) -> Studio:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Start Chromium and load the studio page at each width; TwinError if there is no
        Chromium, saying how to install one."""
        if self._browser is not None:
            return
        if self._failure is not None:
            raise self._failure
        try:
            self._launch()
        except TwinError as error:
            self._failure = error
            raise

    def _launch(self) -> None:
        executable = find_chromium()
        from playwright.sync_api import Error, sync_playwright

        self._playwright = sync_playwright().start()
        try:
            chromium = self._playwright.chromium
            if executable is None and not os.path.isfile(chromium.executable_path):
                raise TwinError(f"no Chromium to draw the static twins: {INSTALL}")
            try:
                self._browser = chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            except Error as error:
                first = str(error).strip().splitlines()[0]
                raise TwinError(f"Chromium did not start ({first}); {INSTALL}") from None
            self._folder = Path(tempfile.mkdtemp(prefix="vg-studio-"))
            # BokehJS's other bundles beside the studio pages, under their names on the site:
            # a figure that needs one has the page script fetch it, as on the site
            for installed, name in bokehjs_files(BOKEHJS_MORE):
                (self._folder / name).symlink_to(installed)
            self._open_set()
        except BaseException:
            self.close()
            raise

    def _open_set(self) -> dict[str, Any]:
        """One more page per width, loaded (the pages load beside each other)."""
        pages = {}
        for name, (window, column) in self.widths.items():
            path = self._folder / f"{name}.html"
            if not path.exists():
                path.write_text(self._studio_page(column), encoding="utf-8")
            pages[name] = self._page(window, path)
        for page in pages.values():
            page.wait_for_function("() => window.vgStudio !== undefined")
        self._sets.append(pages)
        return pages

    def _studio_page(self, column: int) -> str:
        scripts = [source.read_text(encoding="utf-8") for source, _ in bokehjs_files()]
        return (
            environment()
            .get_template("studio.html")
            .render(
                column=column,
                stylesheets=[p.read_text(encoding="utf-8") for p in self.stylesheets],
                scripts=[*scripts, page_js()],
                draw_s=DRAW_S,
            )
        )

    def _page(self, window: int, path: Path) -> Any:
        context = self._browser.new_context(
            viewport={"width": window, "height": WINDOW_HEIGHT},
            device_scale_factor=self.scale,
            reduced_motion="reduce",
        )
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="commit")  # loading goes on beside the other page
        return page

    def close(self) -> None:
        """Stop Chromium (and Playwright's driver); safe to call twice."""
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            if self._playwright is not None:
                self._playwright.stop()
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
            self._playwright = self._browser = self._folder = None
            self._sets = []
            self._devtools = {}

    def photograph(self, figure: str, fragment: str) -> dict[str, bytes]:
        """The PNG twin at each width of the figure whose page fragment is ``fragment``: the box
        of its plots (not its controls) as BokehJS draws them there. TwinError naming
        ``figure`` when BokehJS fails or draws no plot."""
        shots = self.shoot(figure, fragment)
        if any(png is None for png, _ in shots.values()):
            raise TwinError(f"figure '{figure}': no plot to photograph (a table has no twin)")
        return {name: compact(png) for name, (png, _) in shots.items()}

    def shoot(self, figure: str, fragment: str) -> dict[str, tuple[bytes | None, dict[str, float]]]:
        """For each width, the picture of the figure's plots as the browser gives it (None for a
        table: its page shows the table itself; ``compact`` makes a picture the twin), and its
        layout: how far below the top of the live figure its plots or table begin (its
        controls' height) and their box, in CSS pixels, for the page that holds its place."""
        [shots] = self.shoot_many([(figure, fragment)])
        if isinstance(shots, TwinError):
            raise shots
        return shots

    def shoot_many(
        self, figures: Sequence[tuple[str, str]]
    ) -> list[dict[str, tuple[bytes | None, dict[str, float]]] | TwinError]:
        """``shoot`` for each (figure, fragment), all drawing at once (a set of pages each); a
        figure that fails gets its TwinError in its place."""
        self.open()
        while len(self._sets) < len(figures):
            self._open_set()
        placed = [
            self._guarded(figure, pages, lambda p=pages, f=fragment: self._place(p, f))
            for (figure, fragment), pages in zip(figures, self._sets, strict=False)
        ]
        return [
            problem or self._guarded(figure, pages, lambda f=figure, p=pages: self._shots(f, p))
            for (figure, _), pages, problem in zip(figures, self._sets, placed, strict=False)
        ]

    def svg(self, figure: str, fragment: str, width: str = "wide") -> str:
        """The figure's plots as one SVG, through Bokeh's SVG backend (its plots must have
        ``output_backend = "svg"``), drawn at ``width``."""
        self.open()
        pages = {width: self._sets[0][width]}
        problem = self._guarded(figure, pages, lambda: self._place(pages, fragment))
        if problem is not None:
            raise problem
        drawn = self._guarded(
            figure, pages, lambda: pages[width].evaluate("() => vgStudio.drawn()")
        )
        if isinstance(drawn, TwinError):
            raise drawn
        svg = pages[width].evaluate("() => vgStudio.svg()")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg

    @staticmethod
    def _place(pages: Mapping[str, Any], fragment: str) -> None:
        for page in pages.values():
            page.evaluate("(html) => vgStudio.place(html)", fragment)

    def _shots(self, figure: str, pages: Mapping[str, Any]) -> dict[str, Any]:
        """Each page's picture and layout, once its figure has settled; then, on one page,
        the figure's controls checked against what Python drew (``vgStudio.exercise``)."""
        shots = {}
        for name, page in pages.items():
            box = page.evaluate("() => vgStudio.drawn()")
            if box is None:
                raise TwinError(f"figure '{figure}': BokehJS drew nothing but its controls")
            for _ in range(SHOTS):  # taken again if the figure moved as it was taken
                png = None
                if box["picture"]:
                    clip = _clip(_snapped(box, self.scale))
                    png = self._picture(page, clip)
                if page.evaluate("(box) => vgStudio.still(box)", box):
                    break
                box = page.evaluate("() => vgStudio.drawn()")
            else:
                raise TwinError(f"figure '{figure}': it kept moving, so no picture was taken")
            box = _snapped(box, self.scale)
            shots[name] = (png, {part: round(box[part], 3) for part in LAYOUT})
        # on the narrowest page: each control's redraw paints the fewest pixels there
        narrowest = min(pages, key=lambda name: self.widths[name])
        wrong = pages[narrowest].evaluate("() => vgStudio.exercise()")
        if wrong:
            raise TwinError(
                f"figure '{figure}': its controls do not redraw what Python drew: {wrong}"
            )
        return shots

    def _picture(self, page: Any, clip: Mapping[str, float]) -> bytes:
        """The PNG of ``clip`` at the page's device pixels, as Playwright's screenshot takes it
        (its size cut to whole CSS pixels), through the DevTools protocol with the PNG encoded
        for speed: ``compact`` encodes it again anyway."""
        if page not in self._devtools:
            # a DevTools session has its own device metrics: the page's, or it draws at 1x
            session = page.context.new_cdp_session(page)
            size = page.viewport_size
            session.send(
                "Emulation.setDeviceMetricsOverride",
                {**size, "deviceScaleFactor": self.scale, "mobile": False},
            )
            self._devtools[page] = session
        whole = {side: math.floor(clip[side] + 1e-3) for side in ("width", "height")}
        taken = self._devtools[page].send(
            "Page.captureScreenshot",
            {"format": "png", "clip": {**clip, **whole, "scale": 1}, "optimizeForSpeed": True},
        )
        return base64.b64decode(taken["data"])

    @staticmethod
    def _guarded(figure: str, pages: Mapping[str, Any], work: Callable[[], Any]) -> Any:
        """``work()``; a failure in the browser as a TwinError naming ``figure``, its pages
        reloaded (nothing a figure that failed left behind reaches the next)."""
        from playwright.sync_api import Error

        try:
            return work()
        except (Error, TwinError) as error:
            for page in pages.values():
                page.reload(wait_until="load")
            if isinstance(error, TwinError):
                return error
            reason = str(error).strip().splitlines()[0]
            for prefix in ("Page.evaluate: ", "Error: "):
                reason = reason.removeprefix(prefix)
            return TwinError(f"figure '{figure}': BokehJS could not draw it: {reason}")


def _snapped(box: Mapping[str, Any], scale: float) -> dict[str, Any]:
    """``box`` grown to whole device pixels: the picture is then exactly the box, and a page
    shows it in the box without a fraction of a pixel to spare."""
    left, top = math.floor(box["x"] * scale) / scale, math.floor(box["y"] * scale) / scale
    right = math.ceil((box["x"] + box["width"]) * scale) / scale
    bottom = math.ceil((box["y"] + box["height"]) * scale) / scale
    grown = {"x": left, "y": top, "width": right - left, "height": bottom - top}
    return {**box, **grown, "controls": box["controls"] - (box["y"] - top)}


def _clip(box: Mapping[str, float]) -> dict[str, float]:
    return {part: box[part] for part in ("x", "y", "width", "height")}


def compact(png: bytes) -> bytes:
    """A photographed plot in ``COLOURS`` colours, a third of the bytes and the same look (a
    plot is a few flat colours and their anti-aliased edges; the colours kept are those that
    cover the most pixels, so a faint frame or legend border stays)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.quantize(COLOURS, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE).save(
        out, "PNG", compress_level=PNG_LEVEL
    )
    return out.getvalue()


def write(
    shots: Mapping[str, tuple[bytes | None, Mapping[str, float]]],
    twins: Mapping[str, Path] | None,
    layout: Path,
) -> dict[str, dict[str, float]]:
    """``shoot``'s pictures made compact and saved to ``twins`` (by width; None for a table),
    and their layouts to ``layout``, all whole or none: what a build's pool process does with
    them. Returns the layouts."""
    measured = {name: dict(box) for name, (_, box) in shots.items()}
    files = {name: compact(png) for name, (png, _) in shots.items() if twins}
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    text = json.dumps({**measured, DIGESTS: digests}, sort_keys=True).encode()
    save({**files, LAYOUT_FILE: text}, {**(twins or {}), LAYOUT_FILE: layout})
    return measured


def _layout_file(path: Path) -> dict[str, Any] | None:
    try:
        found = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def read_layout(path: Path) -> dict[str, dict[str, float]] | None:
    """The layout a build measured for a figure (``write``); None if there is none, or it is
    damaged."""
    found = _layout_file(path)
    if found is None:
        return None
    found.pop(DIGESTS, None)
    if not all(isinstance(box, dict) and set(LAYOUT) <= set(box) for box in found.values()):
        return None
    return found


def intact(layout: Path, twins: Mapping[str, Path] | None) -> bool:
    """Whether a figure's layout and twins on disk are whole and the very files drawn with it
    (each twin's hash, kept in the layout file): a damaged one is drawn again."""
    found = _layout_file(layout)
    if found is None or read_layout(layout) is None:
        return False
    digests = found.get(DIGESTS, {})
    for name, path in (twins or {}).items():
        try:
            data = Path(path).read_bytes()
        except OSError:
            return False
        if digests.get(name) != hashlib.sha256(data).hexdigest():
            return False
    return True


def save(pictures: Mapping[str, bytes], paths: Mapping[str, Path]) -> None:
    """Write each file to its path, all whole or none (``files.write_all``: never through a
    link planted there)."""
    write_all({Path(path): pictures[name] for name, path in paths.items()})

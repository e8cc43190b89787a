"""What a reader does in the browser, as Playwright helpers: open the post, look at a figure."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

SERIES_COLOURS = {"tan": (0xDD, 0xB3, 0x77), "blue": (0x46, 0x87, 0xB7), "red": (0xCE, 0x7B, 0x6D)}


@dataclass
class Visit:
    """An open page and everything the browser reported while showing it."""

    page: Any
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    console_warnings: list[str] = field(default_factory=list)
    offsite_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)


def open_page(
    browser: Any, base_url: str, path: str, routes: dict[str, Any] | None = None, **context: Any
) -> Visit:
    """Open ``path`` of the site in a fresh browser context and wait until it is idle;
    ``routes`` (address pattern: handler) answer requests in the server's place."""
    page = browser.new_context(**context).new_page()
    for pattern, handler in (routes or {}).items():
        page.route(pattern, handler)
    visit = Visit(page, base_url)
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("console", lambda m: m.type == "warning" and visit.console_warnings.append(m.text))
    page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
    page.on(
        "request",
        lambda r: (
            r.url.startswith(("data:", "blob:", base_url)) or visit.offsite_requests.append(r.url)
        ),
    )
    page.on("requestfailed", lambda r: visit.failed_requests.append(r.url))
    page.on("response", lambda r: r.status >= 400 and visit.failed_requests.append(r.url))
    page.goto(base_url + path, wait_until="networkidle")
    return visit


def wait_for_figures(visit: Visit, count: int | None = None) -> None:
    """Read down the page, so that each figure comes near the window (the page draws a
    figure only then), and wait until ``count`` figures (by default, every figure on the page)
    are live, BokehJS has drawn a document for each that has one (a table has none) and every
    view is idle; then back to the top."""
    if count is None:
        count = visit.page.locator("figure.vg-figure").count()
    for figure in visit.page.locator("figure.vg-figure").all():
        figure.scroll_into_view_if_needed()
        visit.page.wait_for_function(
            """id => document.getElementById(id).classList.contains('vg-drawn')
                    || !document.querySelector(`script.vg-item[data-figure="${id}"]`)""",
            arg=figure.get_attribute("id"),
            timeout=20000,
        )
    visit.page.wait_for_function(
        """count => {
             const blocks = [...document.querySelectorAll("script.vg-item")];
             const drawn = blocks.filter(b => JSON.parse(b.textContent).doc).length;
             return document.querySelectorAll("figure.vg-drawn").length === count
               && window.Bokeh !== undefined && Bokeh.documents.length === drawn
               && Bokeh.documents.every(doc => doc.is_idle);
           }""",
        arg=count,
        timeout=20000,
    )
    visit.page.evaluate("() => window.scrollTo(0, 0)")


def figure_pixels(visit: Visit, figure_id: str) -> Image.Image:
    """What the reader sees of one figure, as an image."""
    locator = visit.page.locator(f"figure#{figure_id} .vg-live")
    locator.scroll_into_view_if_needed()
    return Image.open(io.BytesIO(locator.screenshot())).convert("RGB")


def series_colours_seen(image: Image.Image, tolerance: int = 12) -> set[str]:
    """Which of our series colours appear in ``image`` (the lines actually drawn)."""
    seen = set()
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    for count, (r, g, b) in colours:
        for name, (cr, cg, cb) in SERIES_COLOURS.items():
            if count >= 20 and max(abs(r - cr), abs(g - cg), abs(b - cb)) <= tolerance:
                seen.add(name)
    return seen


def figure_text(visit: Visit, figure_id: str) -> str:
    """The text a reader reads in a figure, its controls first, Bokeh's shadow roots
    included."""
    return visit.page.evaluate(
        """id => {
             const parts = [];
             const walk = node => {
               for (const child of node.childNodes) {
                 if (child.nodeType === Node.TEXT_NODE) parts.push(child.textContent);
                 else if (child.nodeType === Node.ELEMENT_NODE && child.tagName !== 'SCRIPT'
                          && child.tagName !== 'STYLE') walk(child);
               }
               if (node.shadowRoot) walk(node.shadowRoot);
             };
             const controls = document.querySelector(`figure#${id} .vg-controls`);
             if (controls) walk(controls);
             // the live figure; for one that is HTML only (a table), that HTML on the page
             const live = document.querySelector(`figure#${id} .vg-bokeh`);
             walk(live.childElementCount && live.firstElementChild.childElementCount ? live
               : document.querySelector(`figure#${id} .vg-static`));
             return parts.join(' ');
           }""",
        figure_id,
    )


# --- Controls: what a reader does with a figure's sliders and buttons, and what they then see.
# A figure is found by its id on the page; its Bokeh document by the root its data block names.

# (the newest document holding that root: a page that places figures again, as the twins'
# studio does, may hold older ones under the same ids; null for a figure that is HTML only)
DOCUMENT = """id => {
  const root = JSON.parse(
    document.querySelector(`script.vg-item[data-figure="${id}"]`).textContent).root_id;
  return root === undefined ? null
    : Bokeh.documents.findLast(d => d.roots().some(r => r.id === root)) ?? null;
}"""

# The table a figure that is HTML only shows (no Bokeh document draws it).
_HTML = """id => document.querySelector(`figure#${id} .vg-static`)?.innerHTML ?? null"""

# What the reader's eyes get from a figure: every plotted series, table, range and visible plot
# (not the controls, so that a control moved but not yet redrawn does not count as a redraw).
_DRAWN = f"""id => {{
  const doc = ({DOCUMENT})(id);
  if (doc === null) return {{series: [], plots: [], tables: [({_HTML})(id)]}};
  const models = [...doc.all_models];
  const column = (source, spec) => spec && spec.field !== undefined
    ? Array.from(source.data[spec.field] ?? [], Number) : null;
  const figures = models.filter(m => m.type === "Figure" || m.type === "Plot");
  const scaleOf = r => {{
    const plot = figures.find(p => p.renderers.includes(r));
    return (r.y_range_name === "default" ? plot.y_scale : plot.extra_y_scales[r.y_range_name]).type;
  }};
  const series = models.filter(m => m.type === "GlyphRenderer").map(r => ({{
    x: column(r.data_source, r.glyph.x), y: column(r.data_source, r.glyph.y),
    x_field: r.glyph.x.field ?? null, y_field: r.glyph.y.field ?? null,
    id: r.id, visible: r.visible, y_scale: scaleOf(r),
  }}));
  series.sort((a, b) => a.id.localeCompare(b.id, "en", {{numeric: true}}));
  const plots = figures.map(p => ({{
    id: p.id, visible: p.visible, y_scale: p.y_scale.type,
    y_axes: p.left.concat(p.right).filter(a => a.visible).map(a => a.type),
    x_range: [p.x_range.start, p.x_range.end], y_range: [p.y_range.start, p.y_range.end],
    extra_y_ranges: Object.fromEntries(Object.entries(p.extra_y_ranges)
      .map(([name, r]) => [name, [r.start, r.end]])),
  }}));
  plots.sort((a, b) => a.id.localeCompare(b.id, "en", {{numeric: true}}));
  const tables = models.filter(m => m.type === "Div").map(d => d.text);
  return {{series, plots, tables}};
}}"""


def _drawn(visit: Visit, figure_id: str) -> dict[str, Any]:
    return visit.page.evaluate(_DRAWN, figure_id)


def read_controls(visit: Visit, figure_id: str) -> dict[str, Any]:
    """The values the figure's controls show: a number per slider, the chosen label per group."""
    return visit.page.evaluate(
        """id => {
          const figure = document.getElementById(id), out = {};
          for (const input of figure.querySelectorAll(".vg-controls input[type=range]")) {
            out[input.dataset.control] = Number(input.value);
          }
          for (const group of figure.querySelectorAll(".vg-controls fieldset[data-control]")) {
            out[group.dataset.control] = group.querySelector("input:checked")?.value;
          }
          return out;
        }""",
        figure_id,
    )


def read_slider_bounds(visit: Visit, figure_id: str) -> dict[str, tuple[float, float, float]]:
    """(start, end, step) of every slider of the figure, by parameter name."""
    return {
        name: tuple(bounds)
        for name, bounds in visit.page.evaluate(
            """id => Object.fromEntries([...document.getElementById(id)
                  .querySelectorAll(".vg-controls input[type=range]")]
                  .map(i => [i.dataset.control, [i.min, i.max, i.step].map(Number)]))""",
            figure_id,
        ).items()
    }


def read_plotted_data(visit: Visit, figure_id: str) -> list[dict[str, Any]]:
    """Every series the figure plots, from Bokeh's models: x and y as drawn, in model order,
    whether it shows and the type of its y scale."""
    return _drawn(visit, figure_id)["series"]


def read_plots(visit: Visit, figure_id: str) -> list[dict[str, Any]]:
    """Each plot of the figure: whether it shows, its y scale, visible y axes and ranges."""
    return _drawn(visit, figure_id)["plots"]


def read_table(visit: Visit, figure_id: str) -> list[list[str]]:
    """The figure's table as the reader reads it: rows of cell texts, the header row first."""
    return visit.page.evaluate(
        """id => {
             const table = document.querySelector(`figure#${id} .vg-live table`);
             return [...table.rows].map(row => [...row.cells].map(c => c.textContent));
           }""",
        figure_id,
    )


def _slider(visit: Visit, figure_id: str, label: str) -> Any:
    """The range input of the slider labelled ``label``, found by its label as a reader (or a
    screen reader) finds it."""
    sliders = visit.page.locator(f"figure#{figure_id}").get_by_label(label, exact=True)
    assert sliders.count() == 1, f"{sliders.count()} sliders labelled {label!r} in {figure_id}"
    return sliders


def _acting(visit: Visit, figure_id: str, act: Any) -> None:
    """Do ``act`` as the reader, then wait until the figure is redrawn (when anything moved).

    Redraws run after the input that asked for them: wait for the drawn data to change, then
    for it to settle (a redraw that puts a control back runs the redraw a second time).
    """
    controls = read_controls(visit, figure_id)
    before = visit.page.evaluate(f"id => JSON.stringify(({_DRAWN})(id))", figure_id)
    act()
    if read_controls(visit, figure_id) == controls:
        return
    visit.page.wait_for_function(
        f"([id, before]) => JSON.stringify(({_DRAWN})(id)) !== before",
        arg=[figure_id, before],
        timeout=10000,
    )
    settled = None
    for _ in range(50):
        visit.page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r)))")
        now = _drawn(visit, figure_id)
        if now == settled:
            return
        settled = now
    raise AssertionError(f"{figure_id} kept redrawing after the reader's input")


def move_slider_with_keyboard(
    visit: Visit, figure_id: str, label: str, key: str, presses: int = 1
) -> None:
    """Focus the slider titled ``label`` (as Tab would) and press ``key`` (ArrowRight, End, ...)."""
    handle = _slider(visit, figure_id, label)

    def act() -> None:
        handle.focus()
        for _ in range(presses):
            handle.press(key)

    _acting(visit, figure_id, act)


# Chromium's range thumb is 16 px wide: its centre runs from 8 px in to 8 px short of the end.
THUMB_PX = 16


def drag_slider(visit: Visit, figure_id: str, label: str, fraction: float) -> None:
    """Drag the thumb of the slider labelled ``label`` with the mouse to ``fraction`` along."""
    slider = _slider(visit, figure_id, label)
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    at = slider.evaluate("i => (i.value - i.min) / (i.max - i.min)")
    mouse = visit.page.mouse

    def along(share: float) -> float:
        return box["x"] + THUMB_PX / 2 + share * (box["width"] - THUMB_PX)

    def act() -> None:
        y = box["y"] + box["height"] / 2
        mouse.move(along(at), y)
        mouse.down()
        mouse.move((along(at) + along(fraction)) / 2, y, steps=4)
        mouse.move(along(fraction), y, steps=4)
        mouse.up()

    _acting(visit, figure_id, act)


def choose_option(visit: Visit, figure_id: str, option: str, keyboard: bool = False) -> None:
    """Choose the button labelled ``option``: a click, or focus and Space with ``keyboard``."""
    button = visit.page.locator(f"figure#{figure_id} .vg-choice label", has_text=option)
    if keyboard:
        radio = button.locator("input")
        _acting(visit, figure_id, lambda: (radio.focus(), radio.press("Space")))
    else:
        _acting(visit, figure_id, button.click)


def twins_seen(visit: Visit) -> list[dict[str, Any]]:
    """Each figure's static twin as the reader gets it: address, alt text, loaded and shown."""
    return visit.page.evaluate(
        """() => [...document.querySelectorAll('figure.vg-figure')].map(f => {
             const img = f.querySelector('img.vg-twin');
             const table = f.querySelector('.vg-static table');
             const shown = el => !!el && getComputedStyle(el).visibility === 'visible'
                                && el.getBoundingClientRect().height > 0;
             return {figure: f.id, name: f.dataset.figure,
                     src: img && img.src, alt: img && img.alt, shown_src: img && img.currentSrc,
                     loaded: !!img && img.complete && img.naturalWidth > 0,
                     shown: shown(img) || shown(table), table: !!table}; })"""
    )


def how_figures_show(visit: Visit) -> list[dict[str, Any]]:
    """Each figure as the reader sees it: live (drawn by BokehJS; a figure that is HTML only,
    a table, once the page script runs its controls), or its twin (a loaded picture or the
    table) shown in its place; whether it is HTML only, whether its live version runs
    Bokeh's CustomJS, and whether its controls (how many) can be used."""
    return visit.page.evaluate(
        """() => [...document.querySelectorAll('figure.vg-figure')].map(f => {
             const img = f.querySelector('img.vg-twin');
             const table = f.querySelector('.vg-static table');
             const shown = el => !!el && getComputedStyle(el).visibility === 'visible'
                                && el.getBoundingClientRect().height > 0;
             const item = document.querySelector(`script.vg-item[data-figure="${f.id}"]`);
             const html_only = !!item && !JSON.parse(item.textContent).doc;
             return {figure: f.id, html_only,
                     live: !!f.querySelector('.vg-bokeh [class^="bk-"]')
                           || (html_only && f.classList.contains("vg-drawn")),
                     runs_code: !!item && item.textContent.includes('"CustomJS"'),
                     controls: f.querySelectorAll('.vg-controls input').length,
                     controls_on: [...f.querySelectorAll('.vg-controls input')]
                       .some(i => !i.disabled),
                     twin: (shown(img) && img.complete && img.naturalWidth > 0) || shown(table)};
           })"""
    )


QUIET_MS, DRAWING_S = 1000, 20


def see_each_figure(visit: Visit) -> list[dict[str, Any]]:
    """Scroll to each figure in turn and wait until it shows, live or as its twin (whatever
    the page's scripts manage); ``how_figures_show`` then."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    shows = """id => { const f = document.getElementById(id);
                 const img = f.querySelector('img.vg-twin');
                 return !!f.querySelector('.vg-bokeh [class^="bk-"]') || !img
                        || (img.complete && img.naturalWidth > 0
                            && img.getBoundingClientRect().height > 0); }"""
    for figure in visit.page.locator("figure.vg-figure").all():
        figure.scroll_into_view_if_needed()
        try:
            visit.page.wait_for_function(shows, arg=figure.get_attribute("id"), timeout=10000)
        except PlaywrightTimeout:  # shown neither way: how_figures_show says so
            pass
    # the page draws the figures that came into the window one after another: until it is done
    # (nothing changes for QUIET_MS), or has tried for DRAWING_S
    seen = how_figures_show(visit)
    for _ in range(int(DRAWING_S * 1000 / QUIET_MS)):
        visit.page.wait_for_timeout(QUIET_MS)
        now = how_figures_show(visit)
        if now == seen:
            break
        seen = now
    return how_figures_show(visit)


def start_printing(visit: Visit) -> None:
    """Print, as the browser begins it: print styles, then ``beforeprint``; wait until every
    twin the page shows in print has loaded (with scripts on, twins are fetched lazily)."""
    visit.page.emulate_media(media="print")
    visit.page.evaluate("() => dispatchEvent(new Event('beforeprint'))")
    visit.page.wait_for_function(
        "() => [...document.querySelectorAll('img.vg-twin')].every(i => i.complete)",
        timeout=20000,
    )


def read_through(visit: Visit) -> None:
    """Scroll to each figure in turn, top to bottom, as a reader reading the whole page."""
    for figure in visit.page.locator("figure.vg-figure").all():
        figure.scroll_into_view_if_needed()
        visit.page.wait_for_function(
            "id => document.getElementById(id).classList.contains('vg-seen')",
            arg=figure.get_attribute("id"),
            timeout=20000,
        )


def figures_below_the_window(visit: Visit, windows: float = 1) -> list[str]:
    """The figures whose top is ``windows`` window heights or more below the page's top."""
    return visit.page.evaluate(
        """windows => [...document.querySelectorAll('figure.vg-figure')]
                 .filter(f => f.getBoundingClientRect().top + scrollY >= windows * innerHeight)
                 .map(f => f.id)""",
        windows,
    )


def twins_fetched(visit: Visit) -> list[str]:
    """The addresses of the twins the page has fetched so far."""
    return visit.page.evaluate(
        """() => performance.getEntriesByType('resource').map(e => e.name)
                 .filter(n => /[/]figures[/][^/]+[.](png|svg)$/.test(n))"""
    )


def bokehjs_fetched(visit: Visit) -> list[str]:
    """The addresses of the BokehJS files the page has fetched so far."""
    return visit.page.evaluate(
        """() => performance.getEntriesByType('resource').map(e => e.name)
                 .filter(n => /[/]bokeh-[^/]*[.]js$/.test(n))"""
    )


def figure_boxes(visit: Visit) -> list[float]:
    """The height each figure takes on the page, top to bottom."""
    return visit.page.evaluate(
        """() => [...document.querySelectorAll('figure.vg-figure .vg-live')]
                 .map(l => l.getBoundingClientRect().height)"""
    )


_SERIES_UNDER_LEGENDS = """() => {
  const views = new Set();  // every view BokehJS made: roots, their children, plots' renderers
  const walk = (view) => {
    if (!view || views.has(view)) return;
    views.add(view);
    for (const child of view.child_views ?? []) walk(child);
    for (const child of view.renderer_views?.values() ?? []) walk(child);
  };
  for (const root of Bokeh.index) walk(root);
  const inside = (box, x, y) => x > box.x0 && x < box.x1 && y > box.y0 && y < box.y1;
  // whether the segment (x0, y0)-(x1, y1) passes through the box (Liang-Barsky clipping)
  const crosses = (box, x0, y0, x1, y1) => {
    let low = 0, high = 1;
    const dx = x1 - x0, dy = y1 - y0;
    const sides = [[-dx, x0 - box.x0], [dx, box.x1 - x0], [-dy, y0 - box.y0], [dy, box.y1 - y0]];
    for (const [p, q] of sides) {
      if (p === 0) { if (q <= 0) return false; continue; }
      const t = q / p;
      if (p < 0) { if (t > high) return false; low = Math.max(low, t); }
      else { if (t < low) return false; high = Math.min(high, t); }
    }
    return low < high;
  };
  const figureOf = (view) => {
    while (view.parent) view = view.parent;
    return view.el.closest("figure")?.id;
  };
  const found = [];
  for (const legend of [...views].filter((v) => v.model.type === "Legend" && v.model.visible)) {
    for (const item of legend.model.items) {
      for (const renderer of item.renderers) {
        const series = [...views].find((v) => v.model === renderer);
        const {sx, sy} = series?.glyph ?? {};
        if (!series?.model.visible || !sx || !sy) continue;
        const line = ["Line", "Step"].includes(renderer.glyph.type);
        const at = (i) => Number.isFinite(sx[i]) && Number.isFinite(sy[i]);
        let hit = false;
        for (let i = 0; i < sx.length && !hit; i++) {
          hit = at(i) && (inside(legend.bbox, sx[i], sy[i]) || (line && at(i + 1) &&
            crosses(legend.bbox, sx[i], sy[i], sx[i + 1], sy[i + 1])));
        }
        if (hit) found.push(`${figureOf(legend)}: ${JSON.stringify(item.label)}`);
      }
    }
  }
  return found;
}"""


def series_under_legends(visit: Visit) -> list[str]:
    """Each series a legend covers part of, as drawn on the open page: a point of it, or a line
    of it, inside the legend's box ("figure id: label")."""
    return visit.page.evaluate(_SERIES_UNDER_LEGENDS)


def figure_tables(visit: Visit) -> list[dict[str, Any]]:
    """Per figure table on the page: its figure, how wide it is against the box it scrolls in,
    and the cells whose text takes more than one line."""
    return visit.page.evaluate(
        """() => [...document.querySelectorAll('figure .vg-static-table')].map(box => ({
             figure: box.closest('figure').id, width: box.scrollWidth, room: box.clientWidth,
             broken: [...box.querySelectorAll('td, th')].filter(cell => {
               const range = document.createRange();
               range.selectNodeContents(cell);
               return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
             }).map(cell => cell.textContent)}))"""
    )


def row_headings_after_scrolling(visit: Visit) -> list[dict[str, Any]]:
    """Per figure table wider than its box: scrolled to its far end, how far left of the box
    each row's heading (first cell) then starts, in CSS pixels (0 or less: in view)."""
    return visit.page.evaluate(
        """() => [...document.querySelectorAll('figure .vg-static-table')]
             .filter(box => box.scrollWidth > box.clientWidth).map(box => {
               box.scrollLeft = box.scrollWidth;
               const left = box.getBoundingClientRect().left + box.clientLeft;
               const starts = [...box.querySelectorAll('tr')]
                 .map(row => row.cells[0].getBoundingClientRect().left);
               return {figure: box.closest('figure').id,
                       hidden: Math.max(...starts.map(start => left - start))}; })"""
    )


def visible_text(visit: Visit) -> str:
    """The page's text as a reader sees it (no scripts, no hidden elements)."""
    return visit.page.evaluate("() => document.body.innerText")


def accessibility_violations(visit: Visit, axe_js: str) -> list[dict[str, Any]]:
    """axe-core's violations on the open page (axe is injected by the browser's own tools,
    never served by the site, so the page's Content-Security-Policy does not apply to it)."""
    visit.page.evaluate(axe_js + "\n;undefined")
    return visit.page.evaluate(
        """async () => (await axe.run(document)).violations.map(v => (
             {id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"""
    )


def figure_parts(visit: Visit) -> list[dict[str, Any]]:
    """Per figure: the height the static twin reserves and the height the live figure takes
    (what BokehJS draws; the page's own HTML for a figure that is HTML only, a table)."""
    return visit.page.evaluate(
        """() => [...document.querySelectorAll('figure.vg-figure')].map(f => {
             const height = el => el ? el.getBoundingClientRect().height : null;
             const live = f.querySelector('.vg-bokeh > div > *') ?? f.querySelector('.vg-static');
             return {figure: f.id, table: !!f.querySelector('.vg-static table'),
                     reserved: height(f.querySelector('.vg-static')), drawn: height(live)}; })"""
    )


INK = 24  # a pixel this far from white in any channel is ink
SAME = 48  # pixels this close in every channel are the same ink
SHIFT = 2  # device pixels: one CSS pixel, how far a page may round a box (canvas or toolbar)
TILE = 64  # device pixels: each square of the picture is laid on the other on its own


def ink_shared(twin: Image.Image, live: Image.Image) -> float:
    """Of the pixels that are ink in either picture, the share that is the same in both: each
    tile of ``twin`` laid on ``live`` as well as a shift of up to ``SHIFT`` pixels lets it (a
    page puts a canvas or a toolbar at a fractional position, and rounds it its own way).

    Each shift is tried on the whole picture at once and summed by tile (numpy), not tile by
    tile: a wide twin takes a tenth of a second, not two."""
    a, b = np.asarray(twin.convert("RGB")), np.asarray(live.convert("RGB"))
    height, width = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    rows, cols = -(-height // TILE), -(-width // TILE)
    tall, wide = rows * TILE, cols * TILE
    # channels first (each a plane); white (no ink) to whole tiles, and around ``live`` for its
    # shifts; only the part both pictures have counts
    one = np.full((3, tall, wide), 255, dtype=np.uint8)
    one[:, :height, :width] = a[:height, :width].transpose(2, 0, 1)
    other = np.full((3, tall + 2 * SHIFT, wide + 2 * SHIFT), 255, dtype=np.uint8)
    other[:, SHIFT : SHIFT + height, SHIFT : SHIFT + width] = b[:height, :width].transpose(2, 0, 1)
    both = np.zeros((tall, wide), dtype=bool)
    both[:height, :width] = True
    ink_one = np.logical_or.reduce(one < 255 - INK)
    ink_other = np.logical_or.reduce(other < 255 - INK)

    def by_tile(pixels: np.ndarray) -> np.ndarray:
        return pixels.reshape(rows, TILE, cols, TILE).sum(axis=(1, 3), dtype=np.int64)

    same, inked = [], []
    for dy in range(2 * SHIFT + 1):
        for dx in range(2 * SHIFT + 1):
            laid = other[:, dy : dy + tall, dx : dx + wide]
            ink = (ink_one | ink_other[dy : dy + tall, dx : dx + wide]) & both
            close = np.logical_and.reduce(np.maximum(one, laid) - np.minimum(one, laid) <= SAME)
            same.append(by_tile(ink & close))
            inked.append(by_tile(ink))
    same, inked = np.stack(same), np.stack(inked)
    # each tile's best shift: the most ink alike for the least ink in all (the first, if tied)
    best = np.argmax(same - inked, axis=0)[None]
    shared, ink = np.take_along_axis(same, best, 0).sum(), np.take_along_axis(inked, best, 0).sum()
    return int(shared) / max(int(ink), 1)


# --- The code under each figure (engine/code.py): a <details> block, its call's values marked.


def code_blocks(visit: Visit) -> dict[str, dict[str, Any]]:
    """Each figure's code block by figure id: open or folded, its text as a reader copies it,
    the values its call shows (by parameter), and its box."""
    return visit.page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('details.vg-code')].map(d => {
             const pre = d.querySelector('pre'), box = pre.getBoundingClientRect();
             const values = {};
             for (const v of d.querySelectorAll('[data-param]')) {
               (values[v.dataset.param] ??= []).push(v.textContent);
             }
             return [d.id.replace(/-code$/, ''), {open: d.open,
               text: d.querySelector('code').textContent, values,
               left: box.left, right: box.right, shown: box.height > 0,
               scrolls: pre.scrollWidth > pre.clientWidth}];
           }))"""
    )


def nudge_a_control(visit: Visit, figure_id: str) -> None:
    """As a reader: the figure's first slider one step along with the keyboard (back, at its
    end), or else the first of its buttons not chosen, clicked; then wait until the figure's
    data (its data sources or its table, any kind of plot) has changed and settled."""
    shown = f"""id => ({DOCUMENT})(id) === null ? ({_HTML})(id)
      : JSON.stringify([...({DOCUMENT})(id).all_models]
      .filter(m => m.type === "ColumnDataSource" || m.type === "Div")
      .map(m => m.type === "Div" ? m.text : Object.entries(m.data)
        .map(([name, column]) => [name, Array.from(column, String)])))"""
    before = visit.page.evaluate(shown, figure_id)
    figure = visit.page.locator(f"figure#{figure_id}")
    sliders = figure.locator(".vg-controls input[type=range]")
    if sliders.count():
        slider = sliders.first
        at_end = slider.evaluate("i => Number(i.value) === Number(i.max)")
        slider.focus()
        slider.press("ArrowLeft" if at_end else "ArrowRight")
    else:
        figure.locator(".vg-choice label:not(:has(input:checked))").first.click()
    visit.page.wait_for_function(
        f"([id, before]) => ({shown})(id) !== before", arg=[figure_id, before], timeout=10000
    )
    settled = None
    for _ in range(50):  # a redraw may move another control, which redraws: until none does
        visit.page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r)))")
        now = visit.page.evaluate(shown, figure_id)
        if now == settled:
            return
        settled = now
    raise AssertionError(f"{figure_id} kept redrawing after the reader's input")


def read_sources(visit: Visit, figure_id: str) -> list[dict[str, list[Any]]]:
    """The data of every ColumnDataSource of the figure's Bokeh document, as it is now."""
    return visit.page.evaluate(
        f"""id => [...(({DOCUMENT})(id)?.all_models ?? [])]
              .filter(m => m.type === "ColumnDataSource")
              .map(s => Object.fromEntries(Object.entries(s.data).map(([name, column]) =>
                [name, Array.from(column, v => ArrayBuffer.isView(v) ? Array.from(v) : v)])))""",
        figure_id,
    )

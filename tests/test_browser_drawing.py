"""A page draws its figures as the reader comes to them (engine/embed.js): with the CPU slowed
as on a phone, a figure is drawn only once it is in the window, one after another in page
order, and its twin shows until then. Real build, real Chromium; behaviour, not timings."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import POLICY, serve
from tests.sites import Build, figure_posts

pytestmark = pytest.mark.slow  # a real build and a browser

PHONE = {"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True}
SLOWER = 4  # Lighthouse's mobile profile slows the CPU four times
WAIT_MS = 60000

# Each animation frame, per figure: the first frame it was in the window, its twin shown (a
# loaded picture or the table, rendered, before the live figure), and it drawn live (vg-drawn);
# and the order figures were drawn in.
WATCH = """
window.vgWatch = {frame: 0, inView: {}, twin: {}, live: {}, order: []};
const look = () => {
  const w = window.vgWatch, frame = ++w.frame;
  for (const figure of document.querySelectorAll("figure.vg-figure")) {
    const id = figure.id, box = figure.getBoundingClientRect();
    if (!(id in w.inView) && box.bottom > 0 && box.top < innerHeight) w.inView[id] = frame;
    const img = figure.querySelector("img.vg-twin");
    const twin = img || figure.querySelector(".vg-static table");
    const shown = !!twin && getComputedStyle(twin).visibility === "visible"
      && twin.getBoundingClientRect().height > 0
      && (!img || (img.complete && img.naturalWidth > 0));
    const live = figure.classList.contains("vg-drawn");
    if (!(id in w.twin) && shown && !live) w.twin[id] = frame;
    if (!(id in w.live) && live) { w.live[id] = frame; w.order.push(id); }
  }
  requestAnimationFrame(look);
};
requestAnimationFrame(look);
"""
DRAWN_IN_VIEW = "() => Object.keys(vgWatch.inView).every((id) => id in vgWatch.live)"


@pytest.fixture(scope="module")
def slow_phone(browser: Any, site: Build):
    """``open(address)``: the page in a phone-sized window with the CPU slowed, watched from
    its first frame; the console's errors gathered. Opening one closes the one before: a page
    left open keeps watching every frame on its slowed CPU, slowing the next ones."""
    opened = []
    with serve(site.output, POLICY) as url:

        def open_slowly(address: str) -> Any:
            while opened:
                opened.pop().context.close()
            page = browser.new_context(**PHONE).new_page()
            page.errors = []
            page.on("pageerror", lambda e: page.errors.append(str(e)))
            page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
            page.add_init_script(WATCH)
            page.context.new_cdp_session(page).send(
                "Emulation.setCPUThrottlingRate", {"rate": SLOWER}
            )
            page.goto(url + address, wait_until="load")
            page.wait_for_function("() => window.vgControls", timeout=WAIT_MS)
            opened.append(page)
            return page

        yield open_slowly
    for page in opened:
        page.context.close()


def in_page_order(page: Any) -> list[str]:
    return page.evaluate("() => [...document.querySelectorAll('figure.vg-figure')].map(f => f.id)")


def read_every_figure(page: Any) -> None:
    """Scroll to each figure in page order and wait until it is drawn before the next."""
    for figure in in_page_order(page):
        page.evaluate("id => document.getElementById(id).scrollIntoView()", figure)
        page.wait_for_function(
            "id => document.getElementById(id).classList.contains('vg-drawn')",
            arg=figure,
            timeout=WAIT_MS,
        )


def test_figures_are_drawn_as_the_reader_scrolls_to_them_in_order(slow_phone, site) -> None:
    posts = figure_posts(site)
    assert posts, site.log
    for address in posts:
        page = slow_phone(address)
        figures = in_page_order(page)
        # the figures in the window as the page opens are drawn; none below is
        page.wait_for_function(DRAWN_IN_VIEW, timeout=WAIT_MS)
        watch = page.evaluate("() => vgWatch")
        below = [f for f in figures if f not in watch["inView"]]
        assert below, f"{address}: every figure is in the first window; nothing to scroll to"
        assert not set(below) & set(watch["live"]), f"{address}: drawn before the reader came"

        # the reader scrolls down through every figure without stopping for any
        for figure in figures:
            page.evaluate("id => document.getElementById(id).scrollIntoView()", figure)
            page.wait_for_function("id => id in vgWatch.inView", arg=figure, timeout=WAIT_MS)
        page.wait_for_function(DRAWN_IN_VIEW, timeout=WAIT_MS)
        watch = page.evaluate("() => vgWatch")

        assert watch["order"] == figures, f"{address}: drawn out of page order"
        for figure in figures:
            assert watch["inView"][figure] < watch["live"][figure], f"{address} {figure}"
            assert watch["twin"].get(figure, watch["live"][figure]) < watch["live"][figure], (
                f"{address} {figure}: its twin never showed before it was drawn"
            )
        assert page.errors == [], address


def test_a_link_to_a_figure_draws_that_figure_first(slow_phone, site) -> None:
    for address in figure_posts(site):
        html = (site.output / address / "index.html").read_text()
        last = re.findall(r'<figure class="vg-figure" id="([^"]+)"', html)[-1]
        page = slow_phone(f"{address}#{last}")
        page.wait_for_function("id => id in vgWatch.live", arg=last, timeout=WAIT_MS)
        watch = page.evaluate("() => vgWatch")
        assert watch["order"][0] == last, address
        assert page.errors == [], address


# Scroll to a figure, and back to the top of the page as soon as it is marked near the window
# (vg-first.js), before the browser has laid its twin out: the reader flicked past it. False,
# and nothing done, for a figure already near the window as the page opens.
FLICK = """id => new Promise((done) => {
  const figure = document.getElementById(id);
  if (figure.classList.contains("vg-seen")) return done(false);
  new MutationObserver((_, watching) => {
    if (!figure.classList.contains("vg-seen")) return;
    watching.disconnect();
    scrollTo(0, 0);
    done(true);
  }).observe(figure, {attributes: true});
  figure.scrollIntoView();
})"""
TWIN_LOADED = """id => {
  const img = document.querySelector(`#${id} img.vg-twin`);
  return img.complete && img.naturalWidth > 0;
}"""


def test_a_twin_is_fetched_once_its_figure_came_near_though_the_reader_flicked_past(
    slow_phone, site
) -> None:
    flicked = 0
    for address in figure_posts(site):
        page = slow_phone(address)
        last = page.evaluate(
            "() => [...document.querySelectorAll('img.vg-twin')].at(-1).closest('figure').id"
        )
        if not page.evaluate(FLICK, last):
            continue
        flicked += 1
        try:
            page.wait_for_function(TWIN_LOADED, arg=last, timeout=WAIT_MS)
        except PlaywrightTimeout:
            pytest.fail(f"{address} {last}: its twin was never fetched")
        assert page.errors == [], address
    assert flicked, "no post has a twin below its first window to flick past"


def once_bokehjs_is_there(script: str) -> str:
    """An init script running ``script`` (with BokehJS as ``value``) the moment BokehJS is
    there: its bundle sets window.Bokeh once it has run, before the page script draws anything
    with it."""
    return (
        "let bokeh;\n"
        'Object.defineProperty(window, "Bokeh", {configurable: true, get: () => bokeh,'
        " set: (value) => {\n  bokeh = value;\n" + script + "}});\n"
    )


# Paints of each plot, by model id, counted from the moment BokehJS is there.
COUNT_PAINTS = once_bokehjs_is_there("""
  const {PlotView} = value.require("models/plots/plot_canvas");
  const paint = PlotView.prototype.paint;
  window.vgPaints = {};
  PlotView.prototype.paint = function (...args) {
    vgPaints[this.model.id] = (vgPaints[this.model.id] ?? 0) + 1;
    return paint.apply(this, args);
  };
""")
SETTLED = "() => new Promise((done) => setTimeout(() => requestAnimationFrame(() => done()), 300))"
# Widen every legend shown; resolves to the ids of the plots holding them.
WIDEN_LEGENDS = """() => {
  const {LegendView} = Bokeh.require("models/annotations/legend");
  const legends = [...Bokeh.index.query((view) => view instanceof LegendView)]
    .filter((legend) => legend.el.getBoundingClientRect().width > 0);
  for (const legend of legends) legend.el.style.padding = "1.5em";
  return legends.map((legend) => legend.plot_view.model.id);
}"""


def test_each_plot_is_laid_out_and_painted_once_as_it_is_drawn(browser, site) -> None:
    legends = 0
    with serve(site.output, POLICY) as url:
        for address in figure_posts(site):
            page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
            page.add_init_script(COUNT_PAINTS)
            page.goto(url + address, wait_until="load")
            read_every_figure(page)
            page.evaluate(SETTLED)
            paints = page.evaluate("() => window.vgPaints")
            assert paints and set(paints.values()) == {1}, f"{address}: paints by plot {paints}"

            # a legend whose box does change still has its plot laid out again
            widened = page.evaluate(WIDEN_LEGENDS)
            page.evaluate(SETTLED)
            again = page.evaluate("() => window.vgPaints")
            for plot in widened:
                assert again[plot] > paints[plot], f"{address}: plot {plot} not laid out again"
            legends += len(widened)
            page.context.close()
    assert legends, "no figure of the site has a legend to watch"


# Per figure, once it is marked painted (vg-painted: its live plot shown, its twin hidden), the
# paints so far of each of its plots; frames in which its live plot was attached but neither
# painted nor hidden; and the page's layout shifts.
WATCH_SHOWN = (
    COUNT_PAINTS
    + """
window.vgShown = {painted: {}, unpainted: [], shift: 0};
new MutationObserver((records) => {
  const {PlotView} = Bokeh.require("models/plots/plot_canvas");
  for (const {target: figure} of records) {
    if (!figure.matches("figure.vg-painted") || figure.id in vgShown.painted) continue;
    vgShown.painted[figure.id] = [...Bokeh.index.query((view) => view instanceof PlotView
      && figure.contains(view.root.el))].map((view) => vgPaints[view.model.id] ?? 0);
  }
}).observe(document, {attributes: true, attributeFilter: ["class"], subtree: true});
const look = () => {
  for (const figure of document.querySelectorAll("figure.vg-figure:not(.vg-painted)")) {
    const live = figure.querySelector(".vg-bokeh");
    if (live?.querySelector('[class^="bk-"]') && getComputedStyle(live).visibility !== "hidden") {
      vgShown.unpainted.push(figure.id);
    }
  }
  requestAnimationFrame(look);
};
requestAnimationFrame(look);
new PerformanceObserver((list) => list.getEntries().forEach((shift) => {
  if (!shift.hadRecentInput) vgShown.shift += shift.value;
})).observe({type: "layout-shift", buffered: true});
"""
)


def test_a_figure_is_shown_once_every_plot_is_painted_and_moves_no_text(browser, site) -> None:
    """A figure is laid out and its plots painted in slices, on a slow CPU with frames between
    them: until the last paint its twin is what the reader sees, and the text stays put."""
    with serve(site.output, POLICY) as url:
        for address in figure_posts(site):
            page = browser.new_context(**PHONE).new_page()
            page.add_init_script(WATCH_SHOWN)
            page.context.new_cdp_session(page).send(
                "Emulation.setCPUThrottlingRate", {"rate": SLOWER}
            )
            page.goto(url + address, wait_until="load")
            read_every_figure(page)
            shown = page.evaluate("() => vgShown")
            assert shown["painted"], f"{address}: no figure was ever marked painted"
            for figure, paints in shown["painted"].items():
                assert paints and set(paints) == {1}, f"{address} {figure}: shown with {paints}"
            assert shown["unpainted"] == [], f"{address}: seen before it was painted"
            assert shown["shift"] == 0, f"{address}: the text moved"
            page.context.close()


# When each figure's views were built (BokehJS's root build_view resolving, by root id: the
# page script wraps it again once BokehJS is there, outside this), its twin loaded and its
# live plot attached.
WATCH_BUILD = (
    "window.vgBuild = {built: [], twin: {}, attached: {}};\n"
    + once_bokehjs_is_there("""
  const {ViewManager} = value.require("core/view_manager");
  const buildView = ViewManager.prototype.build_view;
  ViewManager.prototype.build_view = function (...args) {
    return buildView.apply(this, args).then((view) => {
      vgBuild.built.push([view.model.id, performance.now()]);
      return view;
    });
  };
""")
    + """
document.addEventListener("load", (event) => {
  if (event.target.matches?.("img.vg-twin")) {
    vgBuild.twin[event.target.closest("figure").id] ??= performance.now();
  }
}, true);
new MutationObserver(() => {
  for (const figure of document.querySelectorAll("figure.vg-figure")) {
    if (!(figure.id in vgBuild.attached) && figure.querySelector('.vg-bokeh [class^="bk-"]')) {
      vgBuild.attached[figure.id] = performance.now();
    }
  }
}).observe(document, {childList: true, subtree: true});
"""
)
TWIN_LATE_S = 1.5


def test_a_figures_views_are_built_while_its_twin_loads_and_shown_after_it(browser, site) -> None:
    checked = []
    with serve(site.output, POLICY) as url:
        for address in figure_posts(site):
            page = browser.new_context(**PHONE).new_page()
            page.add_init_script(WATCH_BUILD)
            page.goto(url + address, wait_until="networkidle")
            page.wait_for_function("() => window.Bokeh !== undefined", timeout=WAIT_MS)
            below = page.evaluate(
                """() => [...document.querySelectorAll('figure.vg-figure')]
                         .filter(f => f.querySelector('img.vg-twin')
                                      && !f.classList.contains('vg-seen'))
                         .map(f => f.id)[0]"""
            )
            if below is None:
                page.context.close()
                continue

            def late(route: Any) -> None:
                time.sleep(TWIN_LATE_S)  # the twin crosses a slow network
                route.continue_()

            page.route(f"**/figures/{below}*", late)
            page.evaluate("id => document.getElementById(id).scrollIntoView()", below)
            page.wait_for_function(
                "id => document.getElementById(id).classList.contains('vg-drawn')",
                arg=below,
                timeout=WAIT_MS,
            )
            watch = page.evaluate("() => vgBuild")
            twin, attached = watch["twin"][below], watch["attached"][below]
            built = [at for root, at in watch["built"] if root.startswith(f"{below}-")]
            assert built and built[0] < twin, f"{address} {below}: built once its twin came"
            assert twin < attached, f"{address} {below}: shown before its twin"
            checked.append(below)
            page.context.close()
    assert checked, "no post has a figure below its first window"

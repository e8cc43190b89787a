"""Every reader sees every figure: without JavaScript, in a feed reader, on a phone, in print,
and with assistive technology. Real build, real Chromium, a real feed parser, real axe-core."""

from __future__ import annotations

import json
import re
import urllib.request
from html import unescape
from typing import Any
from xml.etree import ElementTree

import feedparser
import pytest

from tests.conftest import POLICY, POST, serve
from tests.reader import (
    accessibility_violations,
    bokehjs_fetched,
    figure_boxes,
    figure_parts,
    figures_below_the_window,
    ink_shared,
    open_page,
    read_through,
    see_each_figure,
    start_printing,
    twins_fetched,
    twins_seen,
    visible_text,
    wait_for_figures,
)
from tests.sites import ROOT, Build, figure_names, figure_posts
from vanishing_post.engine.registry import FIGURES as REGISTRY
from vanishing_post.engine.twins import bokehjs_files

pytestmark = pytest.mark.slow  # a real build and a browser

SLUG = "rnns-and-vanishing-gradients"
# The post's figures in page order, from its source: those drawn have an image twin, tables none
NAMES = figure_names(next(ROOT.glob(f"posts/{SLUG}.*")))
FIGURES = len(NAMES)
PLOTS = [number for number, name in enumerate(NAMES, 1) if REGISTRY[name].draw is not None]
TABLES = [name for name in NAMES if REGISTRY[name].draw is None]
SITE_URL = "https://vanishing-gradients.example.org/"
# what only a figure's scripts use (engine/templates/figure.html, controls.html)
LIVE = re.compile(r'class="(?:[^"]* )?(?:vg-item|vg-bokeh|vg-controls)[ "]|<input\b')
PHONE = {"width": 375, "height": 740}
BOKEHJS = [name for _, name in bokehjs_files()]
DESKTOP = {"width": 1100, "height": 900}
# How far the text below a figure may move when the live plot replaces its twin: BokehJS's
# panel rows come out a few pixels taller than their width ratio says.
JUMP_PX = 10
TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\frac|\\sigma|\^\{")


@pytest.fixture(scope="module")
def no_script(browser: Any, site_url: str):
    visit = open_page(browser, site_url, POST, viewport=DESKTOP, java_script_enabled=False)
    yield visit
    visit.page.context.close()


@pytest.fixture(scope="module")
def phone(browser: Any, site_url: str):
    visit = open_page(browser, site_url, POST, viewport=PHONE, has_touch=True, is_mobile=True)
    wait_for_figures(visit)
    yield visit
    visit.page.context.close()


@pytest.fixture(scope="module")
def desktop(browser: Any, site_url: str):
    visit = open_page(browser, site_url, POST, viewport=DESKTOP)
    wait_for_figures(visit)
    yield visit
    visit.page.context.close()


@pytest.fixture(scope="module")
def feed(site: Build) -> Any:
    parsed = feedparser.parse(str(site.output / "rss.xml"))
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def _entry_html(feed: Any, slug: str = SLUG) -> str:
    """A post as the feed carries it (RSS: its description)."""
    (entry,) = [e for e in feed.entries if e.link.rstrip("/").endswith("/" + slug)]
    return entry.content[0].value if "content" in entry else entry.summary


def _served(site_url: str, address: str) -> tuple[int, str, bytes]:
    assert address.startswith(SITE_URL), address
    with urllib.request.urlopen(site_url + address[len(SITE_URL) :]) as response:
        return response.status, response.headers["Content-Type"], response.read()


# When the live figure cannot run, its twin is the figure

# The site's policy without 'unsafe-eval': a host's common default (script-src 'self').
NO_EVAL = POLICY.replace(" 'unsafe-eval'", "")
BLOCKED = [
    # (what stops the live figures, the policy the page comes with, requests answered instead)
    ("no compiling of code", NO_EVAL, {}),
    ("BokehJS missing", POLICY, {"**/bokeh-*.js": lambda route: route.abort()}),
    (
        "BokehJS failing",
        POLICY,
        {"**/bokeh-*.js": lambda route: route.fulfill(body="throw new Error('broken')")},
    ),
    ("the page script missing", POLICY, {"**/vg-controls.js": lambda route: route.abort()}),
]


@pytest.mark.parametrize(("blocked", "policy", "routes"), BLOCKED, ids=[b[0] for b in BLOCKED])
def test_a_figure_that_cannot_run_shows_its_twin(browser, site, blocked, policy, routes) -> None:
    posts = figure_posts(site)
    assert len(posts) > 1, site.log
    with serve(site.output, policy) as url:
        for address in posts:
            visit = open_page(browser, url, address, routes, viewport=DESKTOP)
            try:
                shows = see_each_figure(visit)
            finally:
                visit.page.context.close()
            assert shows, address
            unseen = [f["figure"] for f in shows if not (f["live"] or f["twin"])]
            assert unseen == [], f"{blocked}: {address} shows nothing for {unseen}"
            # a control works exactly when its figure is live: never one that would do nothing
            assert all(f["controls_on"] == f["live"] for f in shows if f["controls"]), shows
            if blocked == "no compiling of code":  # a live figure whose callbacks do nothing
                assert not [f for f in shows if f["live"] and f["runs_code"]], shows
                assert all(f["live"] for f in shows if not f["runs_code"]), shows
            elif blocked == "the page script missing":
                assert not any(f["live"] for f in shows), shows
            else:  # without BokehJS, a table's controls still rewrite it; no plot is live
                assert all(f["live"] == f["html_only"] for f in shows), shows


# Without JavaScript (scripts off, reader views): the twins are the figures


def test_without_javascript_every_plot_shows_its_loaded_twin_with_alt_text(no_script) -> None:
    twins = twins_seen(no_script)
    assert len(twins) == FIGURES
    for number in PLOTS:
        twin = twins[number - 1]
        assert twin["src"].endswith(f"/figures/{SLUG}-{number}.png")
        assert twin["loaded"] and twin["shown"], twin
        assert len(twin["alt"]) > 40 and re.search(r"\d", twin["alt"]), twin


def test_without_javascript_a_phone_gets_the_twins_drawn_for_its_width(
    browser: Any, site_url: str
) -> None:
    visit = open_page(browser, site_url, POST, viewport=PHONE, java_script_enabled=False)
    try:
        twins = [t for t in twins_seen(visit) if not t["table"]]
        assert len(twins) == len(PLOTS)
        for twin in twins:
            assert twin["loaded"] and twin["shown"], twin
            assert twin["shown_src"].endswith(f"/figures/{twin['figure']}-narrow.png"), twin
        assert visit.page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert visit.failed_requests == [] and visit.offsite_requests == []
    finally:
        visit.page.context.close()


def test_without_javascript_every_table_is_shown_as_html(no_script) -> None:
    tables = [t for t in twins_seen(no_script) if t["table"]]
    assert [t["name"] for t in tables] == TABLES
    assert all(t["shown"] for t in tables)
    assert "0.000244140625" in visible_text(no_script)


def test_without_javascript_figures_are_numbered_with_captions(no_script) -> None:
    captions = no_script.page.locator("figure.vg-figure figcaption").all_inner_texts()
    assert [c.split(".")[0] for c in captions] == [f"Figure {n}" for n in range(1, FIGURES + 1)]
    assert all(len(c) > len("Figure 1. ") + 5 for c in captions)


def test_without_javascript_no_control_is_shown(no_script) -> None:
    """Without a script a control would do nothing: none is shown, the values the twin was
    drawn at stay in its alt text and caption."""
    shown = no_script.page.evaluate(
        """() => [...document.querySelectorAll('.vg-controls')]
                 .map(c => c.getBoundingClientRect().height)"""
    )
    assert shown and all(height == 0 for height in shown), shown


def test_without_javascript_nothing_fails_or_leaves_the_site(no_script) -> None:
    assert no_script.offsite_requests == []
    assert no_script.failed_requests == []


# While BokehJS loads: the twin holds the live figure's place, so nothing jumps


def test_the_live_plot_takes_the_twins_box_without_moving_the_text(
    browser: Any, site_url: str, desktop
) -> None:
    waiting = open_page(browser, site_url, "", viewport=DESKTOP)
    try:
        waiting.page.route("**/assets/js/bokeh*.js", lambda route: route.abort())
        waiting.page.goto(site_url + POST, wait_until="networkidle")
        read_through(waiting)  # a twin is rendered once its figure comes into the window
        loading = twins_seen(waiting)
        assert all(t["shown"] for t in loading), loading
        before = figure_boxes(waiting)
    finally:
        waiting.page.context.close()
    after = figure_boxes(desktop)
    for reserved, drawn in zip(before, after, strict=True):
        assert abs(reserved - drawn) <= JUMP_PX, (before, after)


LIVE_BOX = """el => { const b = el.getBoundingClientRect();
  return {x: b.left + scrollX, y: b.top + scrollY, width: b.width, height: b.height}; }"""
PLOT_IN_FIGURE = """key => {
  const {PlotView} = Bokeh.require("models/plots/plot");
  const figure = document.getElementById(key), live = figure.querySelector(".vg-live");
  const root = (view) => { while (view.parent) view = view.parent; return view; };
  const boxes = [...Bokeh.index.query((v) => v instanceof PlotView && figure.contains(root(v).el))]
    .map((v) => v.el.getBoundingClientRect()).filter((b) => b.width > 0);
  const at = live.getBoundingClientRect(), x = Math.min(...boxes.map((b) => b.left));
  const y = Math.min(...boxes.map((b) => b.top));
  return {x: x - at.left, y: y - at.top, width: Math.max(...boxes.map((b) => b.right)) - x,
          height: Math.max(...boxes.map((b) => b.bottom)) - y};
}"""
SWAP_INK = 0.95  # of the plot's ink, the share that must look the same before and after


@pytest.mark.parametrize("window", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_when_bokehjs_arrives_late_the_live_plot_takes_the_twins_place_unchanged(
    browser: Any, site_url: str, window: dict[str, int]
) -> None:
    """The twin is the live figure's own picture: held back, BokehJS then draws each plot in
    the very box its twin showed, and the plot looks the same (the controls appear above it)."""
    import io

    from PIL import Image

    visit = open_page(browser, site_url, "", viewport=window, device_scale_factor=2)
    try:
        held: list[Any] = []
        visit.page.route("**/assets/js/bokeh*.js", lambda route: held.append(route))
        visit.page.goto(site_url + POST, wait_until="commit")
        # parsed; BokehJS, fetched as the first plot comes near, is held back
        visit.page.wait_for_function("() => document.readyState !== 'loading'")
        keys = visit.page.evaluate(
            "() => [...document.querySelectorAll('figure.vg-figure')]"
            ".filter(f => f.querySelector('img.vg-twin')).map(f => f.id)"
        )
        before = {}
        for key in keys:
            live = visit.page.locator(f"figure#{key} .vg-live")
            live.scroll_into_view_if_needed()
            visit.page.wait_for_function(
                "key => { const i = document.querySelector(`#${key} img.vg-twin`);"
                " return i.complete && i.naturalWidth > 0; }",
                arg=key,
            )
            shot = Image.open(io.BytesIO(live.screenshot(scale="device")))
            before[key] = (live.evaluate(LIVE_BOX), shot)
        for route in held:
            route.continue_()
        wait_for_figures(visit, len(figure_boxes(visit)))
        for key in keys:
            live = visit.page.locator(f"figure#{key} .vg-live")
            live.scroll_into_view_if_needed()
            box, shot = (
                live.evaluate(LIVE_BOX),
                Image.open(io.BytesIO(live.screenshot(scale="device"))),
            )
            assert all(abs(box[k] - before[key][0][k]) <= 1 for k in box), (
                key,
                before[key][0],
                box,
            )
            plot = visit.page.evaluate(PLOT_IN_FIGURE, key)
            region = tuple(
                round(2 * v)
                for v in (
                    plot["x"],
                    plot["y"],
                    plot["x"] + plot["width"],
                    plot["y"] + plot["height"],
                )
            )
            shared = ink_shared(before[key][1].crop(region), shot.crop(region))
            print(f"{key} at {window['width']} px: {shared:.4f} of the plot's ink unchanged")
            assert shared >= SWAP_INK, (key, shared)
    finally:
        visit.page.context.close()


@pytest.mark.parametrize("visit", ["desktop", "phone"])
def test_the_twins_box_is_the_live_plots_size_not_more(request, visit: str) -> None:
    """No blank space under a drawn plot: the box reserved for it is what BokehJS draws (a
    table is its own twin)."""
    parts = figure_parts(request.getfixturevalue(visit))
    assert any(part["table"] for part in parts)
    for part in parts:
        assert abs(part["reserved"] - part["drawn"]) <= JUMP_PX, part


def test_once_drawn_the_live_plot_replaces_the_twin(desktop) -> None:
    assert not any(t["shown"] for t in twins_seen(desktop) if not t["table"])


def test_with_javascript_twins_far_below_the_window_are_not_fetched(browser, site_url) -> None:
    """The page weighs BokehJS and the figures, not also pictures nobody sees: the twin of a
    figure the reader has not come near (a window's height or more below the window) is not
    downloaded."""
    visit = open_page(browser, site_url, POST, viewport=DESKTOP)
    try:
        far = figures_below_the_window(visit, windows=2)
        assert far, "no figure starts two windows down: the test shows nothing"
        fetched = " ".join(twins_fetched(visit))
        assert not [key for key in far if f"/figures/{key}" in fetched], fetched
        assert twins_fetched(visit), "not even the twins near the window were fetched"
    finally:
        visit.page.context.close()


def test_bokehjs_runs_once_the_page_has_loaded_and_draws_only_what_comes_near(
    browser, site, site_url
) -> None:
    """The page fetches BokehJS once loaded and runs it in slices while the reader reads (so a
    plot draws soon after it comes into view, not after BokehJS crosses the network and runs),
    but draws no plot before one comes within half a window's height of the window; a reader
    who asked to save data fetches BokehJS only then."""
    shown = []
    for address in figure_posts(site):
        for save_data in (False, True):
            visit = open_page(browser, site_url, "", viewport=PHONE)
            try:
                if save_data:
                    visit.page.add_init_script(
                        "Object.defineProperty(navigator, 'connection',"
                        " {value: {saveData: true}, configurable: true})"
                    )
                visit.page.goto(site_url + address, wait_until="networkidle")
                first = visit.page.evaluate(
                    """() => [...document.querySelectorAll('figure.vg-figure')]
                             .filter(f => f.querySelector('img.vg-twin'))
                             .map(f => [f.id, (f.getBoundingClientRect().top + scrollY)
                                              / innerHeight])[0]"""
                )
                if first is None or first[1] < 1.6:  # near the top: drawn as the page opens
                    break
                if save_data:
                    assert visit.page.evaluate("() => window.Bokeh === undefined"), address
                else:
                    visit.page.wait_for_function("() => window.Bokeh !== undefined")
                early = [name.rsplit("/", 1)[1] for name in bokehjs_fetched(visit)]
                assert early == ([] if save_data else BOKEHJS), f"{address}: {early}"
                drawn = visit.page.evaluate(
                    "() => [...document.querySelectorAll('figure.vg-drawn img.vg-twin')].length"
                )
                assert drawn == 0, f"{address}: {drawn} plots drawn before one came near"
                visit.page.locator(f"figure#{first[0]}").scroll_into_view_if_needed()
                visit.page.wait_for_function(
                    "id => document.getElementById(id).classList.contains('vg-drawn')",
                    arg=first[0],
                )
                fetched = {name.rsplit("/", 1)[1] for name in bokehjs_fetched(visit)}
                assert fetched == set(BOKEHJS), f"{address}: {fetched}"
                assert visit.offsite_requests == [] and visit.failed_requests == [], address
                assert visit.console_errors == [] and visit.console_warnings == [], address
                shown.append((address, save_data))
            finally:
                visit.page.context.close()
    assert shown, "no post's first plot is far enough down: the test shows nothing"


# Print: the twins, not the canvases and sliders


def test_print_shows_the_twins_and_hides_the_controls(browser: Any, site_url: str) -> None:
    visit = open_page(browser, site_url, POST, viewport=DESKTOP)
    try:
        wait_for_figures(visit)
        start_printing(visit)  # not just print styles: twins are fetched as printing starts
        twins = twins_seen(visit)
        assert all(t["shown"] for t in twins), twins
        hidden = visit.page.evaluate(
            """() => [...document.querySelectorAll('.vg-bokeh, .vg-controls')]
                     .every(b => b.getBoundingClientRect().height === 0)"""
        )
        assert hidden
    finally:
        visit.page.context.close()


# Feed readers: whole posts, every figure an image with an absolute address


def test_the_feed_carries_every_figure_as_an_image_the_site_serves(
    feed: Any, site_url: str
) -> None:
    html = _entry_html(feed)
    images = re.findall(r'<img[^>]*src="([^"]+)"[^>]*>', html)
    expected = [f"{SITE_URL}figures/{SLUG}-{n}.png" for n in PLOTS]
    assert images == expected
    for address in images:
        status, kind, body = _served(site_url, address)
        assert (status, kind) == (200, "image/png")
        assert body.startswith(b"\x89PNG")
    for alt in re.findall(r'<img[^>]*alt="([^"]+)"', html):
        assert re.search(r"\d", alt)


def test_every_post_in_the_feed_carries_all_its_twins(
    feed: Any, site: Build, site_url: str
) -> None:
    for entry in feed.entries:
        slug = entry.link.rstrip("/").rsplit("/", 1)[-1]
        page = (site.output / "posts" / slug / "index.html").read_text()
        on_page = re.findall(r'<img class="vg-twin" src="[^"]*?(figures/[^"]+)"', page)
        in_feed = re.findall(r'<img[^>]*src="([^"]+)"', _entry_html(feed, slug))
        assert [SITE_URL + src for src in on_page] == in_feed, slug
        for address in in_feed:
            assert _served(site_url, address)[:2] == (200, "image/png")


def test_no_feed_carries_what_only_a_figure_s_scripts_use(site: Build, site_url: str) -> None:
    feeds = [site.output / "rss.xml", *sorted((site.output / "categories").glob("*.xml"))]
    items = [
        (feed.name, item.findtext("link"), item.findtext("description") or "")
        for feed in feeds
        for item in ElementTree.parse(feed).getroot().iter("item")
    ]
    assert any("vg-figure" in html for _, _, html in items), [f.name for f in feeds]
    for feed, link, html in items:
        assert not LIVE.search(html), (feed, link, LIVE.search(html))
        for address in re.findall(r'srcset="([^"]+)"', html):
            assert _served(site_url, address)[:2] == (200, "image/png"), (feed, link)


def test_the_feed_carries_the_tables_and_the_math(feed: Any) -> None:
    html = _entry_html(feed)
    assert "0.000244140625" in html
    assert not TEX.search(html)


# Pages that list posts: teasers, never a broken or empty figure


@pytest.mark.parametrize(
    "path", ["index.html", "archive.html", "categories/index.html", "categories/rnn/index.html"]
)
def test_list_pages_show_no_figure_and_no_broken_image(
    browser: Any, site_url: str, path: str
) -> None:
    visit = open_page(browser, site_url, path, viewport=DESKTOP)
    try:
        assert visit.page.locator("figure.vg-figure").count() == 0
        broken = visit.page.evaluate(
            "() => [...document.images].filter(i => !i.naturalWidth).map(i => i.src)"
        )
        assert broken == []
        assert visit.failed_requests == [] and visit.offsite_requests == []
    finally:
        visit.page.context.close()


# Link previews: og:image is a twin the site serves, with the post's own description


@pytest.mark.parametrize("slug", [SLUG, "a-closer-look-at-the-tangent"])
def test_link_previews_get_a_twin_and_the_posts_description(
    site: Build, site_url: str, slug: str
) -> None:
    page = (site.output / "posts" / slug / "index.html").read_text()
    image = re.search(r'<meta property="og:image" content="([^"]+)"', page).group(1)
    assert image == f"{SITE_URL}figures/{slug}-1.png"
    assert _served(site_url, image)[:2] == (200, "image/png")
    description = re.search(r'<meta property="og:description" content="([^"]+)"', page).group(1)
    source = next((ROOT / "posts").glob(slug + ".*")).read_text()
    written = re.search(r"^\.\. description: (.+)$", source, re.M).group(1)
    assert unescape(description) == unescape(written)[:200]


# Phones at 375 px


def test_on_a_phone_nothing_scrolls_sideways(phone) -> None:
    width = phone.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]


def test_on_a_phone_every_figure_is_drawn_inside_the_screen(phone) -> None:
    boxes = phone.page.evaluate(
        """() => [...document.querySelectorAll('figure.vg-figure')].map(f => {
             const live = f.querySelector('.vg-bokeh > div > *') ?? f.querySelector('.vg-static');
             const r = live.getBoundingClientRect();
             return [r.left, r.right, r.height]; })"""
    )
    assert len(boxes) == FIGURES
    for left, right, height in boxes:
        assert left >= 0 and right <= PHONE["width"] and height > 100


def panels_of(visit: Any) -> dict[str, list[list[float]]]:
    """The left and top of each panel (a Bokeh figure) of every figure on the page that has
    more than one, by figure id (Playwright's locators see into BokehJS's shadow roots); each
    figure shows every panel its document holds."""
    found = {}
    for key in visit.page.locator("figure.vg-figure").evaluate_all("els => els.map(e => e.id)"):
        panels = visit.page.locator(f"figure#{key} .bk-Figure").evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top]; })"
        )
        block = visit.page.locator(f'script.vg-item[data-figure="{key}"]').text_content()
        assert len(panels) == block.count('"name":"Figure"'), (key, panels)
        if len(panels) > 1:
            found[key] = panels
    assert found, "no figure of the post has panels: the test shows nothing"
    return found


def test_on_a_phone_the_side_by_side_panels_stack(phone) -> None:
    for key, panels in panels_of(phone).items():
        lefts, tops = zip(*panels, strict=True)
        assert max(lefts) - min(lefts) < 1, (key, panels)
        assert all(a < b for a, b in zip(tops, tops[1:], strict=False)), (key, panels)


def test_on_a_wide_screen_the_side_by_side_panels_sit_in_a_row(desktop) -> None:
    for key, panels in panels_of(desktop).items():
        lefts, tops = zip(*panels, strict=True)
        assert all(a < b for a, b in zip(lefts, lefts[1:], strict=False)), (key, panels)
        assert max(tops) - min(tops) < 1, (key, panels)


def test_on_a_phone_tick_labels_stay_legible(phone) -> None:
    # Bokeh draws ticks on a canvas at the font size it is given, not scaled with the plot
    sizes = phone.page.evaluate(
        """() => Bokeh.documents.flatMap(doc => doc.all_models ? [...doc.all_models] : [])
                 .filter(m => m.major_label_text_font_size !== undefined)
                 .map(m => parseFloat(m.major_label_text_font_size))"""
    )
    assert sizes and min(sizes) >= 10


def test_on_a_phone_the_sliders_are_big_enough_to_touch(phone) -> None:
    sizes = phone.page.locator(".vg-controls input[type=range]").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })"
    )
    assert sizes
    assert all(w >= 24 and h >= 24 for w, h in sizes), sizes


# Math without a CDN, no TeX left for the reader to decode


def test_math_is_mathml_and_no_tex_is_left_in_the_text(desktop) -> None:
    assert desktop.page.locator("math").count() >= 3
    assert not TEX.search(visible_text(desktop))
    assert desktop.offsite_requests == []


# Accessibility: axe-core from the npm registry (the axe_js fixture), injected by the test


def test_the_post_has_no_serious_accessibility_violation(desktop, axe_js: str) -> None:
    violations = accessibility_violations(desktop, axe_js)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1)

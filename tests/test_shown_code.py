"""The code under every figure of every post, on the built site: exactly the script
engine/code.py writes for the shortcode's values; run alone, in a fresh interpreter without the
package, it gives the very data the page shows, and it follows the reader's controls. The feed
carries it as a <pre> block, print unfolds it, a phone scrolls it inside its block. An edit to
a content function shows at the next build; code=no leaves the block out; prose redraws
nothing. Real builds, real Chromium."""

from __future__ import annotations

import ast
import html
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser
import pytest
from bokeh.document import Document
from bokeh.models import ColumnDataSource, Div

from plugins.vg_twins.vg_twins import figure_shortcodes
from tests.reader import (
    accessibility_violations,
    code_blocks,
    nudge_a_control,
    open_page,
    read_controls,
    read_sources,
    read_table,
    start_printing,
    wait_for_figures,
)
from tests.sites import ROOT, Build, build, copy_site
from vanishing_post.engine.code import code_function, python_value, script
from vanishing_post.engine.registry import FIGURES
from vanishing_post.engine.render import SANITISED

pytestmark = pytest.mark.slow  # a real build, a browser and fresh interpreters

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1100, "height": 900}
CLOSE = 1e-12  # relative: the page's JavaScript recomputes some figures' numbers


@dataclass(frozen=True)
class Placed:
    """One figure shortcode of a post: its post's slug, its key on the page, name, arguments."""

    slug: str
    key: str
    name: str
    raw: dict[str, str]

    @property
    def page(self) -> str:
        return f"posts/{self.slug}/"

    @property
    def shows_code(self) -> bool:
        return FIGURES[self.name].shows_code(self.raw)

    def values(self) -> dict[str, Any]:
        return FIGURES[self.name].values(self.raw)


def placed_in(post: Path) -> list[Placed]:
    """The figures of a post, read from it as Nikola reads its shortcodes."""
    text = post.read_text(encoding="utf-8")
    slug = re.search(r"^\.\. slug: (\S+)", text, re.MULTILINE).group(1)
    key = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")
    return [Placed(slug, f"{key}-{n}", name, raw) for n, name, raw in figure_shortcodes(text)]


PLACED = [p for post in sorted((ROOT / "posts").iterdir()) for p in placed_in(post)]
SHOWN = [p for p in PLACED if p.shows_code]
POSTS = sorted({p.page for p in PLACED})


class _Page(HTMLParser):
    """A page's figures (key -> figure name), and the code under each: its text as a reader
    copies it, and the values its call marks (parameter, kind, text)."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: dict[str, str] = {}
        self.code: dict[str, str] = {}
        self.values: dict[str, list[tuple[str, str, str]]] = {}
        self._block: str | None = None  # the figure whose code block is open
        self._reading: str | None = None  # ... while inside its <code>
        self._value: list[str] | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag == "figure" and "vg-figure" in classes:
            self.figures[found["id"]] = found["data-figure"]
        elif tag == "details" and "vg-code" in classes:
            self._block = found["id"].removesuffix("-code")
        elif tag == "code" and self._block:
            self._reading = self._block
            self.code[self._reading] = ""
            self.values[self._reading] = []
        elif tag == "span" and self._reading and "data-param" in found:
            self._value = [found["data-param"], found["data-kind"], ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._value is not None:
            self.values[self._reading].append(tuple(self._value))
            self._value = None
        elif tag == "code" and self._reading:
            self._reading = self._block = None

    def handle_data(self, data: str) -> None:
        if self._reading is not None:
            self.code[self._reading] += data
        if self._value is not None:
            self._value[2] += data


class _Rows(HTMLParser):
    """The body rows of an HTML table, as cell texts."""

    def __init__(self, table: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._body = False
        self.feed(table)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._body = self._body or tag == "tbody"
        if self._body and tag == "tr":
            self.rows.append([])
        elif self._body and tag in ("td", "th"):
            self.rows[-1].append("")

    def handle_data(self, data: str) -> None:
        if self._body and self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


# What runs the shown code: a fresh interpreter, isolated (-I: no PYTHONPATH, no script folder,
# no user site), in an empty folder, where importing the package fails. It runs the code as
# shown, evaluates the call on its last line, and prints what that drew: each data source of
# its Bokeh rendering (as the engine renders it, with HoloViews), or the rows of a DataFrame.
RUNNER = r"""
import ast, json, sys
sys.modules["vanishing_post"] = None  # the code must not need the package
text = sys.stdin.read()
tree = ast.parse(text)
call = tree.body.pop()
space = {"__name__": "__main__"}
exec(compile(tree, "<shown>", "exec"), space)
drawn = eval(compile(ast.Expression(call.value), "<shown>", "eval"), space)

def plain(value):
    if hasattr(value, "tolist"):
        return plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value

import pandas as pd
if isinstance(drawn, pd.DataFrame):
    frame = drawn if isinstance(drawn.index, pd.RangeIndex) else drawn.reset_index()
    json.dump({"rows": plain(frame.to_numpy(dtype=object))}, sys.stdout)
else:
    import holoviews as hv
    from bokeh.models import ColumnDataSource
    model = hv.render(drawn, backend="bokeh")
    found = model.select({"type": ColumnDataSource})
    sources = [{c: plain(v) for c, v in s.data.items()} for s in found]
    json.dump({"sources": sources}, sys.stdout)
"""


def run_alone(text: str) -> dict[str, Any]:
    """What ``text``, a figure's code, draws when run on its own (``RUNNER``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    with tempfile.TemporaryDirectory() as empty:
        done = subprocess.run(
            [sys.executable, "-I", "-c", RUNNER],
            input=text,
            cwd=empty,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert done.returncode == 0, f"the shown code failed:\n{done.stderr}\n--- code ---\n{text}"
    return json.loads(done.stdout)


def _plain(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def page_drawing(page: str, key: str) -> dict[str, Any]:
    """What the figure ``key`` on ``page`` shows: its data block's data sources' columns, or the
    body rows of its table (the page's own, for a figure that is HTML only)."""
    block = re.search(
        rf'<script[^>]* class="vg-item" data-figure="{key}"[^>]*>(.*?)</script>', page
    )
    item = json.loads(block.group(1))
    if "doc" not in item:
        figure = re.search(rf'<figure class="vg-figure" id="{key}".*?</figure>', page, re.S)
        table = re.search(
            r'<div class="vg-static vg-static-table"[^>]*>(.*?)</div>', figure.group(0), re.S
        )
        # the site's writer lays the page's HTML out on lines: the text a reader reads
        return {"rows": [[cell.strip() for cell in row] for row in _Rows(table.group(1)).rows]}
    doc = Document.from_json(item["doc"])
    models = list(doc.models)
    tables = [m.text for m in models if isinstance(m, Div) and "<table" in m.text]
    if tables:
        return {"rows": _Rows(tables[0]).rows}
    sources = [m for m in models if isinstance(m, ColumnDataSource)]
    return {"sources": [{c: _plain(v) for c, v in s.data.items()} for s in sources]}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool | str) or a is None or isinstance(b, bool | str) or b is None:
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b or abs(a - b) <= CLOSE * max(abs(a), abs(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _reads_as(cell: str, value: Any) -> bool:
    """Whether a table cell shows ``value``: its text, or the number to the digits shown."""
    if isinstance(value, str):
        return cell == value
    try:
        if float(cell) == float(value):
            return True
    except ValueError:
        return False
    decimals = len(cell.partition(".")[2]) if "e" not in cell.lower() else None
    return decimals is not None and cell == f"{float(value):.{decimals}f}"


def differences(page: dict[str, Any], shown: dict[str, Any]) -> str | None:
    """How what the shown code drew differs from what the page shows; None: not at all.

    The page keeps no copy of a hyphenated column that HoloViews adds for its tooltips (the
    engine drops them, render.py), so neither does the comparison."""
    if "rows" in page:
        rows = shown.get("rows", [])
        if len(rows) != len(page["rows"]):
            return f"{len(rows)} rows, the page shows {len(page['rows'])}"
        for cells, values in zip(page["rows"], rows, strict=True):
            if len(cells) != len(values) or not all(map(_reads_as, cells, values)):
                return f"the row {values}, the page shows {cells}"
        return None
    left = [{c: v for c, v in s.items() if SANITISED not in c} for s in shown.get("sources", [])]
    for source in page["sources"]:
        match = next(
            (s for s in left if s.keys() == source.keys() and _same_columns(s, source)), None
        )
        if match is None:
            return f"no data source like the page's with columns {sorted(source)}"
        left.remove(match)
    return f"{len(left)} data sources the page does not show" if left else None


def _same_columns(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(_same(a[c], b[c]) for c in a)


# --- the site as built (the session's build)


@pytest.fixture(scope="module")
def pages(site: Build) -> dict[str, str]:
    return {page: (site.output / page / "index.html").read_text() for page in POSTS}


@pytest.fixture(scope="module")
def drawn_alone(pages: dict[str, str]) -> dict[str, dict[str, Any]]:
    """What each figure's code on its page draws, run alone, by figure key (all at once, one
    interpreter per core)."""
    codes = {p.key: _Page(pages[p.page]).code[p.key] for p in SHOWN}
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        return dict(zip(codes, pool.map(run_alone, codes.values()), strict=True))


@pytest.mark.parametrize("figure", PLACED, ids=lambda p: p.key)
def test_each_figure_shows_the_code_that_makes_it_for_the_shortcode_s_values(
    pages: dict[str, str], figure: Placed
) -> None:
    page = _Page(pages[figure.page])
    assert page.figures[figure.key] == figure.name
    if not figure.shows_code:
        assert figure.key not in page.code
        return
    spec = FIGURES[figure.name]
    values = figure.values()
    assert page.code[figure.key] == script(spec, values)
    assert f"def {code_function(spec).__name__}(" in page.code[figure.key]
    for param, kind, text in page.values[figure.key]:
        assert text == python_value({"int": int, "float": float, "str": str}[kind], values[param])


@pytest.mark.parametrize("figure", SHOWN, ids=lambda p: p.key)
def test_the_code_run_alone_gives_the_data_the_page_shows(
    pages: dict[str, str], drawn_alone: dict[str, dict[str, Any]], figure: Placed
) -> None:
    wrong = differences(page_drawing(pages[figure.page], figure.key), drawn_alone[figure.key])
    assert wrong is None, f"{figure.key} ({figure.name}): its code draws {wrong}"


def test_the_feed_carries_each_figure_s_code_as_a_pre_block(
    site: Build, pages: dict[str, str]
) -> None:
    """As a feed reader gets it: feedparser's sanitised HTML of each post."""
    feed = feedparser.parse(str(site.output / "rss.xml"))
    assert feed.entries
    for entry in feed.entries:
        page = next(p for p in POSTS if entry.link.endswith(p))
        blocks = re.findall(r"<pre[^>]*>(.*?)</pre>", entry.summary, re.S)
        texts = [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]
        assert texts == list(_Page(pages[page]).code.values()), entry.link


# --- in the browser: the call follows the controls


@pytest.fixture(scope="module")
def opened(browser: Any, site_url: str):
    """Each post open at a desktop width, every figure drawn."""
    visits = {}
    for page in POSTS:
        visit = open_page(browser, site_url, page, viewport=DESKTOP)
        wait_for_figures(visit, sum(1 for p in PLACED if p.page == page))
        visits[page] = visit
    yield visits
    for visit in visits.values():
        visit.page.context.close()


WITH_CONTROLS = [p for p in SHOWN if any(d.control for d in FIGURES[p.name].params)]


@pytest.mark.parametrize("figure", WITH_CONTROLS, ids=lambda p: p.key)
def test_a_control_moved_shows_in_the_call_which_then_draws_what_the_page_shows(
    opened: dict[str, Any], figure: Placed
) -> None:
    visit = opened[figure.page]
    before = code_blocks(visit)[figure.key]["text"]
    nudge_a_control(visit, figure.key)
    block = code_blocks(visit)[figure.key]
    assert block["text"] != before
    kinds = {p.name: p.kind for p in FIGURES[figure.name].params}
    for name, value in read_controls(visit, figure.key).items():
        assert set(block["values"][name]) == {python_value(kinds[name], value)}, name
    if FIGURES[figure.name].draw is None:  # a table
        page = {"rows": read_table(visit, figure.key)[1:]}
    else:
        page = {"sources": read_sources(visit, figure.key)}
    wrong = differences(page, run_alone(block["text"]))
    assert wrong is None, f"{figure.key} ({figure.name}) after its control moved: {wrong}"
    assert visit.console_errors == [] and visit.offsite_requests == []


@pytest.mark.parametrize("page", POSTS)
def test_settings_restored_from_the_address_show_in_the_call(
    browser: Any, site_url: str, page: str
) -> None:
    """The first figure with a slider on the page, opened with a setting of it in the address."""
    figure, slider = next(
        (p, d)
        for p in WITH_CONTROLS
        for d in FIGURES[p.name].params
        if p.page == page and d.control and d.kind is not str
    )
    value = figure.values()[slider.name] + slider.step
    address = f"{page}#{figure.key}.{slider.name}={value}"
    visit = open_page(browser, site_url, address, viewport=DESKTOP)
    try:
        wait_for_figures(visit, sum(1 for p in PLACED if p.page == page))
        assert read_controls(visit, figure.key)[slider.name] == value
        visit.page.wait_for_function(
            """([key, name, text]) => [...document.querySelectorAll(
                 `#${key}-code [data-param='${name}']`)].every((v) => v.textContent === text)""",
            arg=[figure.key, slider.name, python_value(slider.kind, value)],
            timeout=10000,
        )
        assert visit.console_errors == []
    finally:
        visit.page.context.close()


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("float", v)
        for v in (0.0, -0.0, 2.7, -9.0, 0.1 + 0.2, 1e-4, 1e-05, 1.5e-7, 1e15, 1e16, 123.456)
    ]
    + [("int", v) for v in (0, 7, -3, 4294967295)]
    + [("str", v) for v in ("log", "leaky_relu", "it's", 'say "so"', "a\\b")],
)
def test_the_page_writes_a_value_into_the_call_as_python_does(opened, kind: str, value) -> None:
    visit = next(iter(opened.values()))
    control = (
        {"name": "v", "labels": [value], "active": 0}
        if kind == "str"
        else {"name": "v", "value": value}
    )
    written = visit.page.evaluate(
        """([kind, control]) => {
             const probe = document.createElement("div");
             probe.id = "probe-code";
             probe.innerHTML = `<span data-param="v" data-kind="${kind}"></span>`;
             document.body.append(probe);
             vgControls.showInCode("probe", control);
             probe.remove();
             return probe.textContent;
           }""",
        [kind, control],
    )
    assert written == python_value({"int": int, "float": float, "str": str}[kind], value)


# --- every reader: print, a phone, assistive technology


@pytest.mark.parametrize("page", POSTS)
def test_print_unfolds_every_code_block_and_folds_it_again_after(
    browser: Any, site_url: str, page: str
) -> None:
    visit = open_page(browser, site_url, page, viewport=DESKTOP)
    try:
        wait_for_figures(visit, sum(1 for p in PLACED if p.page == page))
        kept = next(iter(code_blocks(visit)))
        visit.page.locator(f"#{kept}-code summary").click()  # a block the reader opened
        start_printing(visit)
        assert all(b["open"] and b["shown"] for b in code_blocks(visit).values())
        visit.page.evaluate("() => dispatchEvent(new Event('afterprint'))")
        opened_now = {k for k, b in code_blocks(visit).items() if b["open"]}
        assert opened_now == {kept}
    finally:
        visit.page.context.close()


@pytest.mark.parametrize("page", POSTS)
def test_without_javascript_print_shows_every_code_block(
    browser: Any, site_url: str, page: str
) -> None:
    visit = open_page(browser, site_url, page, viewport=DESKTOP, java_script_enabled=False)
    shown = "() => [...document.querySelectorAll('.vg-code pre')].map(p => p.checkVisibility())"
    try:
        on_screen = visit.page.evaluate(shown)
        assert on_screen and not any(on_screen), "folded on screen"
        visit.page.emulate_media(media="print")
        assert all(visit.page.evaluate(shown))
    finally:
        visit.page.context.close()


@pytest.mark.parametrize("page", POSTS)
def test_on_a_phone_the_open_code_scrolls_inside_its_block_not_the_page(
    browser: Any, site_url: str, page: str
) -> None:
    visit = open_page(browser, site_url, page, viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        wait_for_figures(visit, sum(1 for p in PLACED if p.page == page))
        width = "() => document.documentElement.scrollWidth"
        folded = visit.page.evaluate(width)
        for summary in visit.page.locator("details.vg-code summary").all():
            summary.click()  # as a reader opens it: a tap
        blocks = code_blocks(visit)
        assert blocks and all(b["open"] and b["shown"] for b in blocks.values())
        assert visit.page.evaluate(width) == folded  # no wider for the code
        assert all(0 <= b["left"] and b["right"] <= PHONE["width"] for b in blocks.values())
        assert any(b["scrolls"] for b in blocks.values())  # its long lines scroll in the block
        assert visit.offsite_requests == [] and visit.failed_requests == []
    finally:
        visit.page.context.close()


@pytest.mark.parametrize("page", POSTS)
def test_the_open_code_has_no_serious_accessibility_violation(
    opened: dict[str, Any], axe_js: str, page: str
) -> None:
    visit = opened[page]
    visit.page.evaluate(
        "() => document.querySelectorAll('details.vg-code').forEach(d => d.open = true)"
    )
    try:
        violations = accessibility_violations(visit, axe_js)
    finally:
        visit.page.evaluate(
            "() => document.querySelectorAll('details.vg-code').forEach(d => d.open = false)"
        )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1)


# --- edits: a copy of the site built, then edited and built again, edit after edit

CACHE = Path("cache", "vg_figures")
MARK = "# a line an author added"


@dataclass
class Rebuilt:
    """One rebuild: the code blocks of every page after it, the tasks it ran and the figure
    fragments it drew."""

    code: dict[str, dict[str, str]]
    ran: list[str]
    drawn: int
    log: str


def _blocks(output: Path) -> dict[str, dict[str, str]]:
    return {page: _Page((output / page / "index.html").read_text()).code for page in POSTS}


@pytest.fixture(scope="module")
def edits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A clean build, then: code=no on the first figure of the first Markdown post; a line
    added to the content function of the first figure still showing its code; a sentence
    added to a Markdown post's prose. Each followed by a rebuild."""
    root = copy_site(tmp_path_factory.mktemp("shown"))
    first = build(root)
    if first.returncode != 0:
        pytest.fail(f"nikola build --strict failed ({first.returncode}):\n{first.log}")
    results: dict[str, Any] = {"clean": Rebuilt(_blocks(root / "output"), [], 0, first.log)}
    markdown = next(p for p in sorted((root / "posts").glob("*.md")) if placed_in(p))
    opted = placed_in(markdown)[0]
    edited = next(p for p in SHOWN if p != opted)
    function = code_function(FIGURES[edited.name])

    def opt_out() -> None:
        text = markdown.read_text()
        shortcode = re.search(r"\{\{% figure " + re.escape(opted.name) + r"\b", text)
        markdown.write_text(text[: shortcode.end()] + " code=no" + text[shortcode.end() :])

    def edit_function() -> None:
        path = root / Path(function.__code__.co_filename).resolve().relative_to(ROOT)
        lines = path.read_text().split("\n")
        node = next(
            n
            for n in ast.parse("\n".join(lines)).body
            if isinstance(n, ast.FunctionDef) and n.name == function.__name__
        )
        docstring = isinstance(node.body[0], ast.Expr) and isinstance(
            node.body[0].value, ast.Constant
        )
        at = node.body[1] if docstring and len(node.body) > 1 else node.body[0]
        lines.insert(at.lineno - 1, " " * at.col_offset + MARK)
        path.write_text("\n".join(lines))

    def edit_prose() -> None:
        markdown.write_text(markdown.read_text() + "\nA sentence added after the figures.\n")

    for name, edit in (("code=no", opt_out), ("function", edit_function), ("prose", edit_prose)):
        before = set((root / CACHE).glob("*.json"))
        edit()
        done = build(root)
        if done.returncode != 0:
            pytest.fail(f"rebuild after the edit '{name}' failed:\n{done.log}")
        ran = re.findall(r"^\.  (\S+)", done.log, re.MULTILINE)
        drawn = len(set((root / CACHE).glob("*.json")) - before)
        results[name] = Rebuilt(_blocks(root / "output"), ran, drawn, done.log)
    results.update(opted=opted, edited=function)
    return results


def test_code_no_leaves_the_block_out_and_redraws_only_that_figure_s_fragment(edits) -> None:
    opted, before, after = edits["opted"], edits["clean"], edits["code=no"]
    assert opted.key in before.code[opted.page] and opted.key not in after.code[opted.page]
    for page in POSTS:
        kept = {k: v for k, v in before.code[page].items() if k != opted.key}
        assert after.code[page] == kept
    assert after.drawn == 1, after.log
    assert [t for t in after.ran if t.startswith("vg_twins:")] == [], after.log


def test_an_edit_to_a_content_function_shows_in_every_block_showing_it(edits) -> None:
    before, after = edits["code=no"], edits["function"]
    definition = f"def {edits['edited'].__name__}("
    showing = 0
    for page in POSTS:
        for key, text in before.code[page].items():
            if definition in text:
                showing += 1
                assert after.code[page][key] != text and MARK in after.code[page][key], key
            else:
                assert after.code[page][key] == text, key
    assert showing >= 1 and after.drawn >= showing


def test_a_prose_edit_redraws_nothing_and_leaves_every_block_as_it_was(edits) -> None:
    before, after = edits["function"], edits["prose"]
    assert after.drawn == 0, after.log
    assert [t for t in after.ran if t.startswith("vg_twins:")] == [], after.log
    assert after.code == before.code

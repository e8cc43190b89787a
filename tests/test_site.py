"""The site from a real `nikola build --strict`: the post, its figures, BokehJS, links."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.conftest import POST
from tests.sites import ROOT, Build, figure_items
from vanishing_post.engine.registry import FIGURES
from vanishing_post.engine.twins import bokehjs_files

FIGURE_ORDER = [
    "sigmoid-tangent",
    "side-by-side",
    "compression",
    "decay",
    "numbers",
    "decay-steps",
    "activations",
    "layer-gradients",
    "skip-connections",
]
BOKEHJS = [name for _, name in bokehjs_files()]


class Page(HTMLParser):
    """What a page is made of: its ids, figures, scripts and every address it refers to."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.figures: list[str] = []
        self.scripts: list[str] = []
        self.fetched_later: list[str] = []  # the scripts the page script fetches (BokehJS)
        self.addresses: list[tuple[str, str, str]] = []
        self.inline_scripts: list[str] = []
        self._in_script = False
        self.feed(path.read_text())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "figure" and a.get("data-figure"):
            self.figures.append(a["data-figure"])
        if tag == "script":
            # a data block (a figure's Bokeh document) is not run: no policy forbids it
            self._in_script = "src" not in a and a.get("type") != "application/json"
            if a.get("src"):
                self.scripts.append(a["src"])
            for name in (a.get("data-bokehjs") or "").split():  # files beside the script
                self.fetched_later.append(urljoin(a.get("src") or "", name))
                self.addresses.append((tag, "data-bokehjs", self.fetched_later[-1]))
        for name in ("src", "href"):
            if a.get(name):
                self.addresses.append((tag, a.get("rel") or "", a[name]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def pages(site: Build) -> list[Path]:
    return sorted(site.output.rglob("*.html"))


def test_post_shows_its_figures_in_order(site: Build) -> None:
    page = Page(site.output / POST / "index.html")
    assert page.figures == FIGURE_ORDER, site.log


def test_bokehjs_is_served_by_the_site_from_the_installed_bokeh(site: Build) -> None:
    """The other bundles byte for byte; the one every page loads after V8's compile hint (a
    line of comment to any other engine), cut to the models the site's pages name."""
    import bokeh

    from vanishing_post.engine import bokehjs, scripts

    static = Path(bokeh.__file__).parent / "server" / "static" / "js"
    more = [p.read_text(encoding="utf-8") for p, _ in bokehjs_files(scripts.BOKEHJS_MORE)]
    models = set().union(*(bokehjs.models_in(p.read_text(encoding="utf-8")) for p in pages(site)))
    named = bokehjs.page_requires(scripts.page_js())
    for installed, name in bokehjs_files((*scripts.BOKEHJS, *scripts.BOKEHJS_MORE)):
        served = (site.output / "assets" / "js" / name).read_bytes()
        if name in BOKEHJS:
            cut = bokehjs.cut(installed.read_text(encoding="utf-8"), models, named, more)
            assert served == scripts.COMPILE_HINT + cut.encode("utf-8"), name
            assert len(served) < 0.9 * installed.stat().st_size, "cut to the site's models"
        else:
            assert served == installed.read_bytes(), name
        assert installed.parent == static
    assert not list(ROOT.glob("files/**/bokeh*.js")), "no committed copy of BokehJS"


def test_post_names_each_bokehjs_file_once_for_its_page_script_to_fetch(site: Build) -> None:
    """BokehJS is not loaded with the page: the page script's tag names its files, in order,
    and the script fetches them once a figure comes near (tests/test_readers)."""
    from vanishing_post.engine.scripts import PAGE_JS

    page = Page(site.output / POST / "index.html")
    assert not [src for src in page.scripts if "bokeh" in src], page.scripts
    assert [Path(src).name for src in page.fetched_later] == BOKEHJS
    html = (site.output / POST / "index.html").read_text()
    tag = re.search(rf'<script defer src="[^"]*{re.escape(PAGE_JS)}" data-bokehjs="[^"]*">', html)
    assert tag, "the page script is deferred and names BokehJS"


def test_post_loads_the_controls_script_once(site: Build) -> None:
    from vanishing_post.engine.scripts import PAGE_JS, page_js

    page = Page(site.output / POST / "index.html")
    names = [Path(src).name for src in page.scripts]
    assert names.count(PAGE_JS) == 1
    served = site.output / "assets" / "js" / PAGE_JS
    assert served.read_text(encoding="utf-8") == page_js()


def test_the_first_script_runs_before_anything_is_drawn_and_is_served(site: Build) -> None:
    from vanishing_post.engine.scripts import FIRST_JS, first_js

    html = (site.output / POST / "index.html").read_text()
    found = re.search(rf'<script src="[^"]*{re.escape(FIRST_JS)}"></script>', html)
    assert found and found.start() < html.index("<body"), "vg-first.js is not in the head"
    assert html.index(FIRST_JS) < html.index("figures.css")
    assert (site.output / "assets" / "js" / FIRST_JS).read_text(encoding="utf-8") == first_js()


def test_no_figure_on_the_post_repeats_the_controls_code(site: Build) -> None:
    html = (site.output / POST / "index.html").read_text()
    assert "function setColumns" not in html
    assert "function settingsInAddress" not in html
    with_controls = [n for n in FIGURE_ORDER if any(p.control for p in FIGURES[n].params)]
    assert html.count('"controls":{"figure":') == len(with_controls)
    assert html.count('<div class="vg-controls">') == len(with_controls)


@pytest.mark.parametrize("page_name", ["index.html", "archive.html", "categories/rnn/index.html"])
def test_listing_pages_show_no_live_figure(site: Build, page_name: str) -> None:
    page = Page(site.output / page_name)
    assert page.figures == []
    assert not any("bokeh" in src for src in page.scripts + page.fetched_later)


def test_no_page_refers_to_another_origin_for_what_it_loads(site: Build) -> None:
    offsite = []
    for path in pages(site):
        for tag, rel, address in Page(path).addresses:
            loads = tag in {"script", "img", "iframe", "source"} or (
                tag == "link" and rel in {"stylesheet", "icon", "preload", "modulepreload"}
            )
            if loads and re.match(r"(https?:)?//", address):
                offsite.append((path.name, address))
    assert offsite == []


def test_no_page_runs_an_inline_script(site: Build) -> None:
    """What a Content-Security-Policy without 'unsafe-inline' scripts (README) allows: every
    script a page runs is a file of the site; a figure's document is a data block."""
    for path in pages(site):
        page = Page(path)
        assert page.inline_scripts == [], path
        assert not re.search(r"\son[a-z]+=", path.read_text()), f"{path}: an event attribute"


def test_element_and_model_ids_are_unique_on_every_page(site: Build) -> None:
    for path in pages(site):
        page = Page(path)
        assert len(page.ids) == len(set(page.ids)), path
        model_ids: list[str] = []
        for item in figure_items(path.read_text()):
            text = json.dumps(item.get("doc"), separators=(",", ":"))
            model_ids += re.findall(r'"name":"[^"]+","id":"([^"]+)"', text)
        if path.parent.name == "rnns-and-vanishing-gradients":
            assert len(model_ids) > 100, "the post's Bokeh documents were not found"
        assert len(model_ids) == len(set(model_ids)), path
        assert not set(model_ids) & set(page.ids), path


def test_figures_are_numbered_and_captioned(site: Build) -> None:
    html = (site.output / POST / "index.html").read_text()
    numbers = re.findall(r'<span class="vg-figure-number">Figure (\d+)\.</span>', html)
    assert numbers == [str(n) for n in range(1, len(FIGURE_ORDER) + 1)]


def test_no_fixed_width_plot_overflows_the_column(site: Build) -> None:
    html = (site.output / POST / "index.html").read_text()
    assert '"sizing_mode":"fixed"' not in html.replace("\\", "")
    assert "900px" not in html


def test_editing_the_package_rebuilds_the_post(site: Build, tmp_path: Path) -> None:
    """The post depends on one file holding a hash of every package file (so deleting one
    cannot break a build), and that hash changes with any of them."""
    from vanishing_post.engine import sources

    deps = (site.root / "cache" / "posts" / "rnns-and-vanishing-gradients.html.dep").read_text()
    assert "vanishing_post/" not in deps, deps
    marks = [site.root / d for d in deps.split() if Path(d).name == "package"]
    assert marks, deps
    package = site.root / "vanishing_post"
    made_from = (".py", ".js", ".html")
    assert {m.read_text() for m in marks} >= {sources.digest(made_from, package)}
    for edited in ("content/maths.py", "content/maths.js", "engine/templates/figure.html"):
        copy = tmp_path / edited.replace("/", "-")
        shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
        (copy / edited).write_text((copy / edited).read_text() + "\n")
        assert sources.digest(made_from, copy) not in {m.read_text() for m in marks}, edited


@pytest.mark.parametrize("check", ["-l", "-f"])
def test_nikola_check_is_clean(site: Build, check: str) -> None:
    done = site.nikola("check", check)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert "WARNING" not in log and "ERROR" not in log, log


@pytest.mark.parametrize("page_name", ["index.html", "archive.html", POST + "index.html"])
def test_pages_fit_phones_and_load_no_theme_script(site: Build, page_name: str) -> None:
    html = (site.output / page_name).read_text()
    assert re.search(r'<meta name="viewport" content="width=device-width[^"]*">', html)
    page = Page(site.output / page_name)
    theme_scripts = [s for s in page.scripts if re.search(r"jquery|bootstrap|popper|baguette", s)]
    assert theme_scripts == []

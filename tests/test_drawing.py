"""The drawer: fragments made by a pool of processes, twins photographed from them by one
browser; fragments handed to the page that asks, twin failures named at the end, nothing left
running or half-written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from tests.processes import descendants
from tests.sites import ROOT
from tests.studios import studio_in_thread
from vanishing_post.engine.drawing import Drawer, Job, make_fragment
from vanishing_post.engine.embed import figure_parts
from vanishing_post.engine.markup import render_figure
from vanishing_post.engine.registry import content_modules
from vanishing_post.engine.site_paths import site_addresses
from vanishing_post.engine.twins import WIDTHS, read_layout

pytestmark = pytest.mark.slow  # a real build, a browser or the drawing processes

CONTENT = content_modules(ROOT / "conf.py")  # the figures the pool's processes can make
# A figure whose script fails as BokehJS runs it: a figure that cannot be drawn.
BROKEN = {
    "key": "a",
    "name": "decay",
    "title": "Broken",
    "div": "<div></div>",
    "script": '<script>throw new Error("the figure breaks")</script>',
    "twin": "/figures/a.png",
    "twin_narrow": "/figures/a-narrow.png",
}


def _job(tmp_path: Path, key: str, name: str = "decay", raw=None, fragment=None) -> Job:
    raw = {"steps": "4"} if raw is None else raw
    twins = {"wide": tmp_path / f"{key}.png", "narrow": tmp_path / f"{key}-n.png"}
    return Job(name, raw, key, 1, twins, tmp_path / "layouts" / f"{key}.json", fragment)


def _page_parts(job: Job) -> dict:
    """The parts the page would make itself for ``job``'s figure, in a process that has the
    plotting libraries imported, as the pool's have (importing hvplot adds Panel's model
    definitions to every fragment: a known difference, to go with the definitions no figure
    uses)."""
    from vanishing_post.engine.render import holoviews

    holoviews()
    wide, narrow = site_addresses(job.key)
    return figure_parts(job.name, job.raw, job.key, job.number, wide, narrow)


def _page_fragment(job: Job) -> str:
    """The HTML the studio photographs for ``job``'s figure."""
    return render_figure(_page_parts(job))


def dies(*args: object) -> None:
    """What a pool process runs in place of a figure that crashes it: no exception, no report."""
    os._exit(3)


def test_a_pool_process_makes_the_fragment_the_page_would():
    job = _job(Path("/nowhere"), "post-1", raw={"steps": "4", "title": "Four steps"})
    assert make_fragment(job.name, job.raw, job.key, job.number) == _page_parts(job)


def test_a_fragment_that_fails_is_left_to_the_page():
    # the page makes it again, and reports the long title
    assert make_fragment("decay", {"steps": "4", "title": "x" * 500}, "post-1", 1) is None


def test_the_drawer_hands_each_fragment_to_the_page_and_photographs_every_twin(tmp_path):
    drawer = Drawer(content=CONTENT)
    assert not drawer.busy
    jobs = [_job(tmp_path, f"post-{n}", raw={"steps": str(n)}) for n in (2, 3, 4, 5)]
    for job in jobs:
        drawer.submit(job)
    assert drawer.busy
    for job in reversed(jobs):  # pages may ask in any order
        assert drawer.fragment(job.key, job.name, job.raw) == _page_parts(job)
    drawer.finish()
    assert not drawer.busy
    with studio_in_thread() as studio:  # the same fragment photographed alone gives the same bytes
        for job in jobs:
            pictures = studio.photograph(job.name, _page_fragment(job))
            assert {w: p.read_bytes() for w, p in job.twins.items()} == pictures
            assert read_layout(job.layout)["wide"]["width"] == WIDTHS["wide"][1]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_twin_is_as_wide_as_the_column_it_stands_in_at_twice_the_pixels(tmp_path, width):
    drawer = Drawer(content=CONTENT)
    job = _job(tmp_path, "post-1")
    drawer.submit(job)
    drawer.finish()
    assert Image.open(job.twins[width]).width == 2 * WIDTHS[width][1]


def test_a_fragment_the_cache_holds_is_photographed_not_made_again(tmp_path):
    held = _page_parts(_job(tmp_path, "post-1"))
    job = _job(tmp_path, "post-1", raw={"steps": "9"}, fragment=held)  # the cache's, not these
    drawer = Drawer(content=CONTENT)
    drawer.submit(job)
    assert drawer.fragment(job.key, job.name, job.raw) == held
    drawer.finish()
    with studio_in_thread() as studio:
        picture = studio.photograph("decay", render_figure(held))["wide"]
        assert job.twins["wide"].read_bytes() == picture


def test_a_table_job_makes_its_fragment_and_measures_its_layout_but_has_no_twin(tmp_path):
    job = Job("numbers", {}, "post-3", 3, None, tmp_path / "post-3.json")
    drawer = Drawer(content=CONTENT)
    drawer.submit(job)
    assert drawer.fragment("post-3", "numbers", {}) == _page_parts(job)
    drawer.finish()
    assert [p.name for p in tmp_path.iterdir()] == ["post-3.json"]
    layout = read_layout(job.layout)
    # its sliders are the page's own inputs, above the live table's box, not in it
    assert set(layout) == set(WIDTHS) and abs(layout["wide"]["controls"]) < 1


def test_the_layout_is_the_plots_box_under_the_controls(tmp_path):
    job = _job(tmp_path, "post-1")
    drawer = Drawer(content=CONTENT)
    drawer.submit(job)
    drawer.finish()
    layout = read_layout(job.layout)
    for width, (_, column) in WIDTHS.items():
        box = layout[width]
        # 640 x 400 at the column's width, grown to whole device pixels
        assert box["width"] == column and abs(box["height"] - column * 400 / 640) <= 1
        # its slider and buttons are the page's own inputs, above the live figure's box
        assert abs(box["controls"]) < 1


@pytest.mark.parametrize(
    ("key", "name", "raw"),
    [
        ("post-9", "decay", {"steps": "4"}),  # no job made it
        ("post-1", "compression", {"steps": "4"}),  # another figure at that place
        ("post-1", "decay", {"steps": "5"}),  # other arguments
    ],
)
def test_a_fragment_no_job_makes_is_left_to_the_page(tmp_path, key, name, raw):
    drawer = Drawer(content=CONTENT)
    drawer.submit(_job(tmp_path, "post-1"))
    assert drawer.fragment(key, name, raw) is None
    drawer.finish()


def test_the_drawer_names_each_twin_it_could_not_draw_and_writes_none_of_them(tmp_path):
    drawer = Drawer(content=CONTENT)
    drawer.submit(_job(tmp_path, "a", fragment=BROKEN))
    drawer.submit(_job(tmp_path, "b"))
    with pytest.raises(RuntimeError) as caught:
        drawer.finish()
    message = str(caught.value)
    assert "figure 'decay' (a-n.png, a.png): BokehJS could not draw it" in message
    assert "the figure breaks" in message and "\n" not in message
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["b-n.png", "b.png"]
    assert [p.name for p in (tmp_path / "layouts").iterdir()] == ["b.json"]
    assert not drawer.busy


def test_a_drawer_given_nothing_has_nothing_to_wait_for():
    drawer = Drawer(content=CONTENT)
    assert drawer.fragment("post-1", "decay", {}) is None
    drawer.finish()
    assert not drawer.busy


def test_a_drawing_process_that_dies_fails_the_build_instead_of_hanging_it(tmp_path):
    drawer = Drawer(content=CONTENT)
    drawer.make = dies
    drawer.submit(_job(tmp_path, "post-1"))
    assert drawer.fragment("post-1", "decay", {"steps": "4"}) is None  # the page makes it
    with pytest.raises(RuntimeError, match="drawing processes stopped"):
        drawer.finish()
    assert not drawer.busy


def test_a_build_that_ends_early_leaves_no_half_written_twin(tmp_path):
    held = {n: _page_parts(_job(tmp_path, f"post-{n}", raw={"steps": str(n)})) for n in range(2, 8)}
    drawer = Drawer(content=CONTENT)
    for n, html in held.items():
        drawer.submit(_job(tmp_path, f"post-{n}", raw={"steps": str(n)}, fragment=html))
    drawer.abandon()  # what the build's exit does when an author's mistake stopped it
    assert not drawer.busy
    written = sorted(tmp_path.glob("*.png"))
    assert not [p for p in tmp_path.rglob("*") if p.suffix == ".part" or p.name.startswith(".")]
    for path in written:
        Image.open(path).verify()  # whole
    assert len(written) < 2 * len(held)  # it stopped: not every job was drawn


@pytest.mark.parametrize("end", ["finish", "abandon"])
def test_no_drawing_process_or_browser_outlives_the_drawer(tmp_path, end):
    before = descendants()
    drawer = Drawer(content=CONTENT)
    drawer.submit(_job(tmp_path, "post-1"))
    drawer.fragment("post-1", "decay", {"steps": "4"})
    assert descendants(before)  # the browser is running
    getattr(drawer, end)()
    assert descendants(before, settle_s=5) == {}

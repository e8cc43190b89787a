"""The drawing processes: each job's fragment and twins made once, by whichever process is
free; fragments handed to the page that asks, twin failures named at the end."""

from __future__ import annotations

from pathlib import Path

import pytest

from vanishing_post.drawing import Drawer, Job, work
from vanishing_post.embed import figure_html
from vanishing_post.site_paths import site_addresses
from vanishing_post.twins import twin_pair


def _job(tmp_path: Path, key: str, name: str = "decay", raw=None, fragment: bool = True) -> Job:
    raw = {"steps": "4"} if raw is None else raw
    return Job(
        name, raw, key, 1, "png", tmp_path / f"{key}.png", tmp_path / f"{key}-n.png", fragment
    )


def _page_fragment(job: Job) -> str:
    """The fragment the page would make itself for ``job``'s figure."""
    wide, narrow = site_addresses(job.key)
    return figure_html(job.name, job.raw, job.key, job.number, wide, narrow)


def test_a_job_makes_the_page_fragment_and_the_twins_the_page_would(tmp_path):
    job = _job(tmp_path, "post-1", raw={"steps": "4", "title": "Four steps"})
    made = {}
    assert work(job, made.__setitem__) is None
    assert made == {"post-1": _page_fragment(job)}
    assert (job.wide.read_bytes(), job.narrow.read_bytes()) == twin_pair(
        "decay", {"steps": 4}, "png"
    )


def test_a_job_without_its_fragment_makes_only_the_twins(tmp_path):
    made = {}
    assert work(_job(tmp_path, "post-1", fragment=False), made.__setitem__) is None
    assert made == {} and len(list(tmp_path.iterdir())) == 2


def test_a_table_job_makes_only_its_fragment(tmp_path):
    job = Job("numbers", {}, "post-3", 3, "png", None, None, True)
    made = {}
    assert work(job, made.__setitem__) is None
    assert made == {"post-3": _page_fragment(job)} and list(tmp_path.iterdir()) == []


def test_a_fragment_that_fails_is_left_to_the_page(tmp_path):
    made = {}
    work(_job(tmp_path, "post-1", raw={"steps": "4", "title": "x" * 500}), made.__setitem__)
    assert made == {"post-1": None}  # the page makes it again, and reports the long title


def test_the_drawer_hands_each_fragment_to_the_page_and_writes_every_twin(tmp_path):
    drawer = Drawer()
    assert not drawer.busy
    jobs = [_job(tmp_path, f"post-{n}", raw={"steps": str(n)}) for n in (2, 3, 4, 5)]
    for job in jobs:
        drawer.submit(job)
    assert drawer.busy
    for job in reversed(jobs):  # pages may ask in any order
        assert drawer.fragment(job.key, job.name, job.raw) == _page_fragment(job)
    drawer.finish()
    assert not drawer.busy
    for job in jobs:
        pair = twin_pair("decay", {"steps": int(job.raw["steps"])}, "png")
        assert (job.wide.read_bytes(), job.narrow.read_bytes()) == pair


@pytest.mark.parametrize(
    ("key", "name", "raw"),
    [
        ("post-9", "decay", {"steps": "4"}),  # no job made it
        ("post-1", "compression", {"steps": "4"}),  # another figure at that place
        ("post-1", "decay", {"steps": "5"}),  # other arguments
    ],
)
def test_a_fragment_no_job_makes_is_left_to_the_page(tmp_path, key, name, raw):
    drawer = Drawer()
    drawer.submit(_job(tmp_path, "post-1"))
    assert drawer.fragment(key, name, raw) is None
    drawer.finish()


def test_the_drawer_names_each_twin_it_could_not_draw_and_writes_none_of_them(tmp_path):
    drawer = Drawer()
    drawer.submit(_job(tmp_path, "a", raw={"steps": "many"}))
    drawer.submit(_job(tmp_path, "b"))
    with pytest.raises(RuntimeError) as caught:
        drawer.finish()
    assert "figure 'decay' (a.png)" in str(caught.value) and "steps" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b-n.png", "b.png"]
    assert not drawer.busy


def test_a_drawer_given_nothing_has_nothing_to_wait_for():
    drawer = Drawer()
    assert drawer.fragment("post-1", "decay", {}) is None
    drawer.finish()
    assert not drawer.busy


def test_a_drawing_process_that_dies_fails_the_build_instead_of_hanging_it(tmp_path, monkeypatch):
    import os

    from vanishing_post.params import FigureSpec
    from vanishing_post.registry import FIGURES

    def dies(values):
        os._exit(3)  # as a crash would: no exception, no report

    spec = FigureSpec("dies", "A figure whose drawing process dies", (), dies, draw=dies)
    monkeypatch.setitem(FIGURES, "dies", spec)
    drawer = Drawer()
    drawer.submit(_job(tmp_path, "post-1", name="dies", raw={}))
    assert drawer.fragment("post-1", "dies", {}) is None  # the page makes it, and says why
    with pytest.raises(RuntimeError, match="stopped|died"):
        drawer.finish()
    assert not drawer.busy


def test_a_build_that_ends_early_leaves_no_half_written_twin(tmp_path):
    from PIL import Image

    drawer = Drawer()
    for n in range(2, 8):
        drawer.submit(_job(tmp_path, f"post-{n}", raw={"steps": str(n)}, fragment=False))
    drawer.fragment("post-2", "decay", {"steps": "2"})  # nothing: the page makes its own
    drawer.abandon()  # what the build's exit does when an author's mistake stopped it
    assert not drawer.busy
    written = sorted(tmp_path.iterdir())
    assert not [p for p in written if p.suffix == ".part"]
    for path in written:
        Image.open(path).verify()  # whole
    assert len(written) < 12  # it stopped: not every job was drawn

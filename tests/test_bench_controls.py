"""bench/controls.py's payload measure, on the session's real build (its numbers are for
`make bench`; here only what it counts)."""

from __future__ import annotations

import gzip
import re

from bench.controls import fragments as figure_fragments
from bench.controls import payload
from tests.conftest import POST
from tests.sites import Build
from vanishing_post.engine.embed import page_js
from vanishing_post.engine.registry import FIGURES


def test_payload_counts_every_figure_fragment_and_the_shared_script_once(site: Build) -> None:
    html = (site.output / POST / "index.html").read_text(encoding="utf-8")
    fragments = figure_fragments(html)
    measured = payload(site.output)
    assert measured["figures"] == len(fragments) == html.count('<figure class="vg-figure"')
    names = re.findall(r'<figure class="vg-figure"[^>]*data-figure="([^"]+)"', html)
    for name, fragment in zip(names, fragments, strict=True):  # a figure without controls
        has_controls = any(p.control for p in FIGURES[name].params)  # has no inputs
        assert ('"controls":{"figure":' in fragment) == has_controls, name
        assert ('class="vg-controls"' in fragment) == has_controls, name
    raw = sum(len(f.encode()) for f in fragments) + len(page_js().encode())
    assert measured["raw_KB"] == round(raw / 1024, 1)
    together = "".join(fragments).encode() + page_js().encode()
    assert measured["gzip_KB"] == round(len(gzip.compress(together, 9, mtime=0)) / 1024, 1)


def test_latency_takes_one_sample_per_key_press_on_every_slider(
    site: Build, browser, site_url: str
) -> None:
    """A short run (two presses per slider): every press timed, none lost, no console error."""
    from bench.controls import latency

    html = (site.output / POST / "index.html").read_text(encoding="utf-8")
    names = re.findall(r'<figure class="vg-figure"[^>]* data-figure="([^"]+)"', html)
    sliders = sum(
        1 for name in names for p in FIGURES[name].params if p.control and p.kind is not str
    )
    measured = latency(site_url, browser, presses=2)
    assert measured["inputs"] == 2 * sliders
    assert measured["console_errors"] == 0
    assert 0 < measured["median_ms_to_model_update"] <= measured["median_ms"] <= measured["p90_ms"]

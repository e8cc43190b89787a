"""bench/controls.py's payload measure, on the session's real build (its numbers are for
`make bench`; here only what it counts)."""

from __future__ import annotations

import gzip

from bench.controls import FRAGMENT, payload
from tests.conftest import POST
from tests.sites import Build
from vanishing_post.embed import page_js


def test_payload_counts_every_figure_fragment_and_the_shared_script_once(site: Build) -> None:
    html = (site.output / POST / "index.html").read_text(encoding="utf-8")
    fragments = FRAGMENT.findall(html)
    measured = payload(site.output)
    assert measured["figures"] == len(fragments) == html.count('<figure class="vg-figure"')
    assert all("vgControls" in f for f in fragments)
    raw = sum(len(f.encode()) for f in fragments) + len(page_js().encode())
    assert measured["raw_KB"] == round(raw / 1024, 1)
    together = "".join(fragments).encode() + page_js().encode()
    assert measured["gzip_KB"] == round(len(gzip.compress(together, 9, mtime=0)) / 1024, 1)

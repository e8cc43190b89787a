"""bench/phone.py's pure parts: blocking time, draw delays, verdicts against limits, the gzip
server, where a traced task's time goes, bad options. Its numbers are for `make bench`."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.phone import (
    Limit,
    accepts_gzip,
    blocking_time,
    compressible,
    draw_delays,
    gzip_served,
    long_tasks,
    percentile,
    rows,
    site_policy,
    summary,
)
from tests.sites import ROOT, conf_value

FCP, END = 1000.0, 5000.0


@pytest.mark.parametrize(
    "tasks,blocking",
    [
        ([], 0.0),
        ([(2000.0, 50.0)], 0.0),  # 50 ms blocks nothing
        ([(2000.0, 120.0)], 70.0),
        ([(2000.0, 120.0), (3000.0, 60.0)], 80.0),
        ([(100.0, 300.0)], 0.0),  # over before first contentful paint
        ([(900.0, 300.0)], 200.0),  # blocking from 950, counted from 1000
        ([(4900.0, 300.0)], 50.0),  # blocking from 4950, counted until 5000
        ([(6000.0, 300.0)], 0.0),  # after loading
    ],
)
def test_blocking_time_counts_what_lies_beyond_50_ms_within_loading(tasks, blocking) -> None:
    assert blocking_time(tasks, FCP, END) == pytest.approx(blocking)


def test_a_figure_drawn_before_it_is_seen_waited_0_ms_one_never_drawn_none() -> None:
    delays = draw_delays({"a": 1000.0, "b": 2000.0, "c": 3000.0}, {"a": 1500.0, "b": 1200.0})
    assert delays == {"a": 500.0, "b": 0.0, "c": None}


@pytest.mark.parametrize("share,value", [(0.0, 1), (0.5, 5), (0.9, 9), (1.0, 10)])
def test_percentile_takes_the_nearest_rank_below(share, value) -> None:
    assert percentile(list(range(10, 0, -1)), share) == value


@pytest.mark.parametrize(
    "value,limit,verdict",
    [(150.0, 200.0, "met"), (200.0, 200.0, "met"), (201.0, 200.0, "MISSED"), (None, 200.0, "")],
)
def test_a_limit_row_is_judged_by_its_value(value, limit, verdict) -> None:
    cells = Limit("m", "x", "y", 0.1, value=value, limit=limit, unit=" ms").cells()
    assert cells[3:] == ["0.10x", "<= 200 ms", verdict]


@pytest.mark.parametrize(
    "header,accepted",
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("gzip;q=0", False),
        ("*", True),
        ("identity", False),
        ("", False),
    ],
)
def test_accept_encoding_is_read_as_a_browser_sends_it(header, accepted) -> None:
    assert accepts_gzip(header) is accepted


@pytest.mark.parametrize(
    "kind,packed",
    [
        ("text/html", True),
        ("text/javascript", True),
        ("application/javascript; charset=utf-8", True),
        ("application/json", True),
        ("image/svg+xml", True),
        ("image/png", False),
        ("image/webp", False),
    ],
)
def test_text_is_gzipped_pictures_are_not(kind, packed) -> None:
    assert compressible(kind) is packed


def _get(url: str, gzip_ok: bool) -> tuple[dict[str, str], bytes]:
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
        return dict(response.headers), response.read()


@pytest.mark.parametrize(
    "path,name,packed",
    [("page/", "page/index.html", True), ("app.js", "app.js", True), ("a.png", "a.png", False)],
)
@pytest.mark.parametrize("gzip_ok", [True, False])
def test_the_server_sends_text_gzipped_to_a_browser_that_accepts_it(
    tmp_path: Path, path: str, name: str, packed: bool, gzip_ok: bool
) -> None:
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text("<p>text</p>" * 200)
    (tmp_path / "app.js").write_text("let x = 1;\n" * 200)
    (tmp_path / "a.png").write_bytes(b"\x89PNG" + bytes(range(256)) * 4)
    with gzip_served(tmp_path, "default-src 'self'") as url:
        headers, body = _get(url + path, gzip_ok)
    original = (tmp_path / name).read_bytes()
    sent_gzipped = headers.get("Content-Encoding") == "gzip"
    assert sent_gzipped is (packed and gzip_ok)
    assert int(headers["Content-Length"]) == len(body)
    assert (gzip.decompress(body) if sent_gzipped else body) == original
    assert headers["Content-Security-Policy"] == "default-src 'self'"


@pytest.mark.parametrize("path", ["app.js", "a.png"])
@pytest.mark.parametrize("gzip_ok", [True, False])
def test_the_server_answers_a_copy_asked_for_again_unchanged_with_304(
    tmp_path: Path, path: str, gzip_ok: bool
) -> None:
    """As a host does: a browser revalidating what it fetched before (a twin seen again)
    gets 304, not the file again; a file changed since gets the file."""
    (tmp_path / "app.js").write_text("let x = 1;\n" * 200)
    (tmp_path / "a.png").write_bytes(b"\x89PNG" + bytes(range(256)) * 4)
    with gzip_served(tmp_path) as url:
        headers, _ = _get(url + path, gzip_ok)
        since = headers["Last-Modified"]
        asked = {"If-Modified-Since": since, "Accept-Encoding": "gzip" if gzip_ok else ""}
        with pytest.raises(urllib.error.HTTPError) as unchanged:
            urllib.request.urlopen(urllib.request.Request(url + path, headers=asked))
        assert unchanged.value.code == 304
        os.utime(tmp_path / path, (time.time() + 5, time.time() + 5))
        with urllib.request.urlopen(urllib.request.Request(url + path, headers=asked)) as again:
            assert again.status == 200


def test_the_server_answers_a_missing_file_404(tmp_path: Path) -> None:
    with gzip_served(tmp_path) as url, pytest.raises(urllib.error.HTTPError) as refused:
        _get(url + "missing.js", True)
    assert refused.value.code == 404


def test_the_policy_served_is_the_sites_own(tmp_path: Path) -> None:
    assert site_policy(ROOT) == conf_value("VG_CONTENT_SECURITY_POLICY")
    assert site_policy(tmp_path) is None


def _visit(**changes: object) -> dict:
    """One visit's measures as bench.phone.visit returns them, within every limit."""
    return {
        "tbt": 120.0,
        "load_capped": False,
        "loaded_ms": 3000.0,
        "fcp": 600.0,
        "lcp": 700.0,
        "cls": 0.0,
        "cls_load": 0.0,
        "bytes_load": 300_000,
        "bytes_all": 450_000,
        "kinds_load": {"html": 40_000, "js": 260_000},
        "scroll_task": 150.0,
        "load_task": 90.0,
        "delays": {"f-1": 300.0, "f-2": 900.0},
        "figures": 2,
        **changes,
    }


@pytest.mark.parametrize(
    "changes,missed",
    [
        ({}, []),
        ({"tbt": 250.0}, ["total blocking time"]),
        ({"lcp": 1200.0, "cls": 0.02}, ["largest contentful paint", "layout shift"]),
        ({"bytes_load": 500_000}, ["bytes on the wire at load"]),
        ({"delays": {"f-1": 300.0, "f-2": None}}, ["figure in view to drawn"]),
        (
            {"delays": {"f-1": 300.0, "f-2": 1600.0}, "scroll_task": 201.0},
            ["longest task while scrolling", "figure in view to drawn"],
        ),
    ],
)
def test_the_phone_rows_miss_what_is_over_its_limit_in_the_median_visit(changes, missed) -> None:
    ours = summary([_visit(), _visit(**changes), _visit(**changes)])
    theirs = summary([_visit(tbt=3000.0)] * 3)
    found = rows(ours, theirs, "abc1234", 3, ({"median": 30.0, "p90": 60.0, "inputs": 9}, "failed"))
    assert len(found) == 8
    judged = [row.cells() for row in found if row.cells()[4]]
    assert len(judged) == 6
    assert [c[0] for c in judged if c[5] == "MISSED"] == [
        c[0] for c in judged if any(m in c[0] for m in missed)
    ]
    assert all(c[5] == "met" for c in judged if not any(m in c[0] for m in missed))
    assert "at abc1234" in found[0].cells()[2] and found[-1].cells()[2].endswith("failed")


def _event(name: str, ts: float, dur: float, **data: str) -> dict:
    return {
        "ph": "X",
        "pid": 1,
        "tid": 2,
        "name": name,
        "ts": ts,
        "dur": dur,
        "args": {"data": data},
    }


def test_a_long_task_is_split_by_the_innermost_events_running() -> None:
    events = [
        {"ph": "M", "pid": 1, "tid": 2, "name": "thread_name", "args": {"name": "CrRendererMain"}},
        _event("RunTask", 0, 300_000),
        _event("EvaluateScript", 10_000, 200_000, url="http://h/assets/js/bokeh.min.js"),
        _event("FunctionCall", 20_000, 50_000, url="http://h/assets/js/bokeh.min.js"),
        _event("Layout", 220_000, 40_000),
        _event("RunTask", 400_000, 30_000),  # short: left out
        _event("RunTask", 500_000, 80_000),
        _event("FunctionCall", 500_000, 80_000, url="http://h/e.js", functionName="embed"),
        {**_event("RunTask", 0, 900_000), "tid": 3},  # another thread
    ]
    tasks = long_tasks(events)
    assert [t["ms"] for t in tasks] == [300.0, 80.0]
    assert tasks[0]["parts"] == {
        "evaluate bokeh.min.js": 150.0,
        "call bokeh.min.js": 50.0,
        "layout": 40.0,
        "other": 60.0,
    }
    assert tasks[1]["parts"] == {"call e.js:embed": 80.0, "other": 0.0}


@pytest.mark.slow  # a fresh process each
@pytest.mark.parametrize("argument", ["--loads=0", "--presses=0", "--before=no-such-commit"])
def test_bad_options_stop_the_phone_bench_with_exit_2(argument: str) -> None:
    done = subprocess.run(
        [sys.executable, "bench/phone.py", argument], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr

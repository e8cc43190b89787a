"""Issue 16's rows of `make bench`: the first post read on a phone over a slow network.

`python bench/phone.py [--loads N] [--before REV] [--output DIR] [--trace]` builds the site as
it is (or takes its built ``--output``) and as it was at ``BEFORE`` (the commit before figures
were drawn lazily), serves both the same way and prints the rows, ours beside the
reference's, from the same run. `make bench` appends the same rows to its table.

The profile is Lighthouse's mobile one, applied the DevTools way (through the DevTools
protocol, on the real network stack, not simulated): Slow 4G, 150 ms added to each request,
1.6 Mbit/s down (200,000 bytes/s) and 750 Kbit/s up (93,750 bytes/s)
(``Network.emulateNetworkConditions``); the page's CPU slowed 4x
(``Emulation.setCPUThrottlingRate``); a 412x823 viewport at 1.75 device pixels per CSS pixel,
mobile, touch. The server (``gzip_served``) gzips text (HTML, JS, CSS, JSON, SVG, XML) at level
6 when the browser accepts it, sends pictures as they are, over HTTP/1.1 kept alive, with the
site's own Content-Security-Policy: what a host sends.

One visit, in a fresh browser context (nothing cached):

* Loading lasts from navigation until the page is quiet: its load event passed and then
  ``QUIET_MS`` with no long task (at most ``LOAD_CAP_MS``); it ends at the end of the last long
  task (or at the load event). Total blocking time is Lighthouse's: of each long task
  (PerformanceObserver 'longtask'), its part beyond the first 50 ms that falls between first
  contentful paint and the end of loading (our quiet point stands in for time to interactive).
* Largest contentful paint: the last 'largest-contentful-paint' entry, read before scrolling.
  Layout shift: the sum of 'layout-shift' values without ``hadRecentInput`` over the whole
  visit, scrolling included (a sum, stricter than Lighthouse's largest window of shifts).
* Bytes on the wire: the sum of ``Network.loadingFinished``'s ``encodedDataLength`` (bodies as
  sent, gzipped or not, with their headers) of every request, at the end of loading and again
  after scrolling.
* Then each ``figure.vg-figure`` is scrolled into view in turn (``scrollIntoView()``), waited
  for until drawn (at most ``DRAW_WAIT_MS``), then ``PAUSE_MS`` more: the longest long task
  that began while scrolling; and per figure, from when it first intersected the viewport (an
  IntersectionObserver installed before the page's scripts) to when it was drawn (0 when drawn
  first). A figure is drawn once it has the class ``vg-drawn`` (the page's script says so), or
  once the Bokeh document of a root view inside it is idle (every root painted), whichever
  comes first: the reference page has no such class.

Each row is the median over ``--loads`` visits of each page, ours and the reference's in
turn. Slider latency is bench/controls.py's recorder (key press on a slider handle to the
figure's next repaint) on one throttled visit per page, every slider of every figure, each
figure scrolled into view and drawn first. ``--trace`` records one visit of each page with
Chromium's tracing and prints its longest tasks, each split into what ran in it.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import email.utils
import functools
import gzip
import http.server
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench import Row, table  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, POST  # noqa: E402

BEFORE = "2511425"  # the last commit that drew every figure on load
LOADS = 3
PRESSES = 6  # key presses per slider for the latency row
NETWORK = {  # Slow 4G, as issue 16 states it; throughput in bytes per second
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
CPU_SLOWDOWN = 4
PHONE = {
    "viewport": {"width": 412, "height": 823},
    "device_scale_factor": 1.75,
    "is_mobile": True,
    "has_touch": True,
}
GZIP_LEVEL = 6
COMPRESSED = {
    "application/javascript",
    "application/json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
}
BLOCKING_MS = 50  # a task's first 50 ms do not block (Lighthouse, the long tasks API)
QUIET_MS = 5000
LOAD_CAP_MS = 60000
DRAW_WAIT_MS = 10000
PAUSE_MS = 500
TARGETS = {  # issue 16, mobile profile
    "tbt_ms": 200.0,
    "scroll_task_ms": 200.0,
    "draw_delay_ms": 1500.0,
    "lcp_ms": 1000.0,
    "cls": 0.01,
    "load_kb": 400.0,
}


@dataclass
class Limit(Row):
    """A row judged by its value against an absolute limit, not by a ratio."""

    value: float | None = None
    limit: float | None = None
    unit: str = ""

    def cells(self) -> list[str]:
        cells = super().cells()
        if self.limit is not None:
            cells[4] = f"<= {self.limit:g}{self.unit}"
            cells[5] = "" if self.value is None else "met" if self.value <= self.limit else "MISSED"
        return cells


# --- Serving: what a host sends.


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header accepts gzip (not refused with q=0)."""
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip().lower().removeprefix("q=")
            try:
                return not params.strip() or float(q) > 0
            except ValueError:
                return True
    return False


def compressible(content_type: str) -> bool:
    """Whether a host gzips a response of ``content_type`` (text, scripts, data, SVG)."""
    kind = content_type.split(";")[0].strip().lower()
    return kind.startswith("text/") or kind in COMPRESSED


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    with open(path, "rb") as file:
        return gzip.compress(file.read(), GZIP_LEVEL, mtime=0)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """The site's files, text gzipped as a host sends it, under the site's policy, quietly."""

    protocol_version = "HTTP/1.1"  # connections kept alive, as a host's are
    policy: str | None = None

    def send_head(self) -> Any:
        path = self.translate_path(self.path)
        if os.path.isdir(path) and path.endswith("/"):
            path = os.path.join(path, "index.html")
        kind = self.guess_type(path)
        if not (
            os.path.isfile(path)
            and compressible(kind)
            and accepts_gzip(self.headers.get("Accept-Encoding", ""))
        ):
            return super().send_head()
        stat = os.stat(path)
        if self.unchanged_since(int(stat.st_mtime)):
            self.send_response(http.HTTPStatus.NOT_MODIFIED)
            self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
            self.end_headers()
            return None
        body = _gzipped(path, stat.st_mtime_ns)
        self.send_response(http.HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.end_headers()
        return io.BytesIO(body)

    def unchanged_since(self, modified: int) -> bool:
        """Whether the request asks again for a copy the browser holds (If-Modified-Since, as
        the standard handler and hosts answer it with 304)."""
        since = self.headers.get("If-Modified-Since")
        if since is None or self.headers.get("If-None-Match") is not None:
            return False
        try:
            return email.utils.parsedate_to_datetime(since).timestamp() >= modified
        except (TypeError, ValueError, IndexError, OverflowError):
            return False

    def end_headers(self) -> None:
        if self.policy:
            self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def site_policy(root: Path) -> str | None:
    """The Content-Security-Policy the site in ``root`` asks of its host (its conf.py)."""
    conf = root / "conf.py"
    if not conf.is_file():
        return None
    for node in ast.parse(conf.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "VG_CONTENT_SECURITY_POLICY" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    return None


@contextlib.contextmanager
def gzip_served(folder: Path, policy: str | None = None) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1, on a free port, gzipped as a host sends it."""
    handler = type("Handler", (GzipHandler,), {"policy": policy})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
    )
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# --- Pure measures.


def blocking_time(tasks: list[tuple[float, float]], start: float, end: float) -> float:
    """Total blocking time in ms: of each (start, duration) task, the part beyond its first
    ``BLOCKING_MS`` that lies between ``start`` and ``end``."""
    total = 0.0
    for begun, duration in tasks:
        low, high = max(begun + BLOCKING_MS, start), min(begun + duration, end)
        total += max(0.0, high - low)
    return total


def draw_delays(seen: dict[str, float], drawn: dict[str, float]) -> dict[str, float | None]:
    """Per figure that came into view, ms from then to drawn (0 if drawn before; None: never)."""
    return {
        figure: None if figure not in drawn else max(0.0, drawn[figure] - at)
        for figure, at in seen.items()
    }


def percentile(values: list[float], share: float) -> float:
    """The value ``share`` of the way along the sorted values (nearest rank below)."""
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


# --- In the browser.

# Installed before the page's own scripts: long tasks, paints, shifts, and when each figure
# first intersects the viewport and when it is drawn.
WATCH = """(() => {
  const vg = window.__vgPhone = {tasks: [], lcp: null, shifts: [], seen: {}, drawn: {}};
  const watch = (type, take) => {
    try {
      new PerformanceObserver((list) => list.getEntries().forEach(take))
        .observe({type, buffered: true});
    } catch (error) { vg.unsupported = (vg.unsupported ?? []).concat(type); }
  };
  watch("longtask", (e) => vg.tasks.push([e.startTime, e.duration]));
  watch("largest-contentful-paint", (e) => { vg.lcp = e.startTime; });
  watch("layout-shift", (e) => { if (!e.hadRecentInput) vg.shifts.push([e.startTime, e.value]); });
  const near = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting && !(entry.target.id in vg.seen)) {
        vg.seen[entry.target.id] = entry.time;
      }
    }
  });
  const watched = new WeakSet();
  const drawn = (figure) => figure.classList.contains("vg-drawn")
    || (window.Bokeh?.index !== undefined && [...Bokeh.index].some(
      (view) => figure.contains(view.el) && view.model.document?.is_idle === true));
  const look = () => {
    for (const figure of document.querySelectorAll("figure.vg-figure")) {
      if (!watched.has(figure)) { watched.add(figure); near.observe(figure); }
      if (!(figure.id in vg.drawn) && drawn(figure)) vg.drawn[figure.id] = performance.now();
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();"""

QUIET = """([quiet, cap]) => new Promise((resolve) => {
  const vg = window.__vgPhone;
  const load = performance.getEntriesByType("navigation")[0].loadEventEnd;
  const check = () => {
    const now = performance.now();
    const end = Math.max(load, ...vg.tasks.map(([start, duration]) => start + duration));
    if (now - end >= quiet || now >= cap) resolve({end, capped: now >= cap});
    else setTimeout(check, 200);
  };
  check();
})"""

READ = """() => ({...window.__vgPhone, now: performance.now(),
  fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null})"""


@contextlib.contextmanager
def phone_page(browser: Any) -> Iterator[tuple[Any, dict[str, tuple[str, int]]]]:
    """A page in a fresh phone context, network and CPU throttled, watched (``WATCH``); and the
    bytes each finished request took on the wire, by request id: (address, bytes)."""
    context = browser.new_context(**PHONE)
    try:
        context.add_init_script(script=WATCH)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        urls: dict[str, str] = {}
        wire: dict[str, tuple[str, int]] = {}
        cdp.on(
            "Network.requestWillBeSent",
            lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: wire.__setitem__(
                e["requestId"], (urls.get(e["requestId"], ""), int(e["encodedDataLength"]))
            ),
        )
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        yield page, wire
    finally:
        context.close()


def by_kind(wire: dict[str, tuple[str, int]]) -> dict[str, int]:
    """Bytes on the wire by kind of file: html, js, css, images, other."""
    kinds = {"js": (".js",), "css": (".css",), "images": (".png", ".webp", ".svg", ".jpg")}
    found: dict[str, int] = {}
    for url, size in wire.values():
        if not size:  # data: addresses, nothing on the wire
            continue
        path = urllib.parse.urlsplit(url).path
        kind = next((k for k, ends in kinds.items() if path.endswith(ends)), None)
        if kind is None:
            kind = "html" if path.endswith(("/", ".html")) else "other"
        found[kind] = found.get(kind, 0) + size
    return found


def visit(browser: Any, url: str) -> dict[str, Any]:
    """One visit of the post on the phone: loading, then every figure scrolled into view."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with phone_page(browser) as (page, wire):
        page.goto(url + POST, wait_until="load", timeout=LOAD_CAP_MS * 2)
        quiet = page.evaluate(QUIET, [QUIET_MS, LOAD_CAP_MS])
        loaded = page.evaluate(READ)
        at_load = dict(wire)
        scrolled_from = loaded["now"]
        figures = page.evaluate(
            "() => [...document.querySelectorAll('figure.vg-figure')].map(f => f.id)"
        )
        for figure in figures:
            page.evaluate("id => document.getElementById(id).scrollIntoView()", figure)
            with contextlib.suppress(PlaywrightTimeout):
                page.wait_for_function(
                    "id => id in window.__vgPhone.drawn",
                    arg=figure,
                    polling=50,
                    timeout=DRAW_WAIT_MS,
                )
            page.wait_for_timeout(PAUSE_MS)
        done = page.evaluate(READ)
    if done.get("unsupported"):  # a measure this Chromium cannot take is no zero
        raise RuntimeError(f"Chromium observes no {', '.join(done['unsupported'])} entries")
    tasks = [tuple(t) for t in loaded["tasks"]]
    scroll_tasks = [d for start, d in done["tasks"] if start >= scrolled_from]
    delays = draw_delays(done["seen"], done["drawn"])
    return {
        "tbt": blocking_time(tasks, loaded["fcp"] or 0.0, quiet["end"]),
        "load_capped": quiet["capped"],
        "loaded_ms": quiet["end"],
        "fcp": loaded["fcp"],
        "lcp": loaded["lcp"],
        "cls": sum(value for _, value in done["shifts"]),
        "cls_load": sum(value for _, value in loaded["shifts"]),
        "bytes_load": sum(size for _, size in at_load.values()),
        "bytes_all": sum(size for _, size in wire.values()),
        "kinds_load": by_kind(at_load),
        "scroll_task": max(scroll_tasks, default=0.0),
        "load_task": max((d for _, d in tasks), default=0.0),
        "delays": delays,
        "figures": len(figures),
    }


def slider_latency(browser: Any, url: str, presses: int = PRESSES) -> dict[str, Any]:
    """bench/controls.py's key press to repaint, on the throttled phone: every slider of every
    figure, the figure scrolled into view and drawn first."""
    from bench.controls import _RECORDER

    samples: list[float] = []
    with phone_page(browser) as (page, _):
        page.goto(url + POST, wait_until="load", timeout=LOAD_CAP_MS * 2)
        figures = page.evaluate(
            "() => [...document.querySelectorAll('figure.vg-figure')].map(f => f.id)"
        )
        for figure in figures:
            page.evaluate("id => document.getElementById(id).scrollIntoView()", figure)
            page.wait_for_function(
                "id => id in window.__vgPhone.drawn", arg=figure, polling=50, timeout=30000
            )
            # our sliders are range inputs; the reference's, BokehJS's noUiSlider handles
            handles = page.locator(
                f"figure#{figure} input[type=range], figure#{figure} .bk-Slider .noUi-handle"
            ).all()
            if not handles:
                continue
            page.evaluate(_RECORDER, figure)
            for handle in handles:
                handle.focus()
                for i in range(presses):
                    count = page.evaluate("() => window.__vgLatency.samples.length")
                    handle.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                    page.wait_for_function(
                        "n => window.__vgLatency.samples.length > n", arg=count, timeout=20000
                    )
            samples += page.evaluate("() => window.__vgLatency.samples")
    return {
        "inputs": len(samples),
        "median": statistics.median(samples),
        "p90": percentile(samples, 0.9),
    }


# --- The reference page.


def check_revision(revision: str) -> str:
    """The full commit ``revision`` names in this repository; ValueError if none."""
    found = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
        capture_output=True,
        text=True,
    )
    if found.returncode != 0:
        raise ValueError(f"--before {revision!r}: no such commit in {ROOT}")
    return found.stdout.strip()


@contextlib.contextmanager
def site_at(revision: str) -> Iterator[Path]:
    """The site as committed at ``revision``, built (its own engine, this environment) in a
    temporary folder, removed afterwards; its root."""
    from tests.sites import build

    with tempfile.TemporaryDirectory(prefix="vg-phone-before-") as tmp:
        root = Path(tmp)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", revision],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
        done = build(root)
        if done.returncode != 0:
            tail = "\n".join(done.log.splitlines()[-15:])
            raise RuntimeError(f"the site at {revision} did not build:\n{tail}")
        yield root


@contextlib.contextmanager
def site_now(output: Path | None = None) -> Iterator[Path]:
    """The site's root as it is now: ``output``'s, or a copy built in a temporary folder."""
    if output is not None:
        yield output.parent
        return
    from tests.sites import build, copy_site

    with tempfile.TemporaryDirectory(prefix="vg-phone-now-") as tmp:
        done = build(copy_site(Path(tmp)))
        if done.returncode != 0:
            raise RuntimeError(f"the site did not build:\n{done.log[-2000:]}")
        yield done.root


# --- The rows.


def _median(values: list[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return statistics.median(found) if found else None


def summary(visits: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over visits of each measure."""

    def each(key: str) -> float | None:
        return _median([v[key] for v in visits])

    delays = [list(v["delays"].values()) for v in visits]
    drawn = [[d for d in one if d is not None] for one in delays]
    return {
        **{
            k: each(k)
            for k in (
                "tbt",
                "fcp",
                "lcp",
                "cls",
                "cls_load",
                "loaded_ms",
                "bytes_load",
                "bytes_all",
                "scroll_task",
                "load_task",
            )
        },
        "tbt_runs": [round(v["tbt"]) for v in visits],
        "delay_median": _median([statistics.median(d) if d else None for d in drawn]),
        "delay_max": _median([max(d) if d else None for d in drawn]),
        "undrawn": max(sum(d is None for d in one) for one in delays),
        "seen": min(len(one) for one in delays),
        "figures": visits[0]["figures"],
        "kinds_load": {
            k: _median([v["kinds_load"].get(k, 0) for v in visits])
            for k in dict.fromkeys(k for v in visits for k in v["kinds_load"])
        },
        "capped": sum(v["load_capped"] for v in visits),
    }


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    return ours / theirs if ours is not None and theirs else None


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


def _kb(value: float | None) -> str:
    return "-" if value is None else f"{value / 1000:,.1f} KB"


def rows(
    ours: dict[str, Any],
    theirs: dict[str, Any],
    before: str,
    loads: int,
    latency: tuple[dict[str, Any] | str, dict[str, Any] | str] | None = None,
) -> list[Row]:
    """The phone rows: ours beside the page at ``before``, judged against issue 16's limits."""
    was = f"at {before}:"
    of = f"(median of {loads})"
    kinds = ", ".join(f"{k} {_kb(v)}" for k, v in ours["kinds_load"].items())
    found = [
        Limit(
            f"phone: total blocking time while loading {of}",
            f"{_ms(ours['tbt'])} (runs {ours['tbt_runs']}; loaded at {_ms(ours['loaded_ms'])}"
            f"{', capped' if ours['capped'] else ''})",
            f"{was} {_ms(theirs['tbt'])} (runs {theirs['tbt_runs']}; loaded at"
            f" {_ms(theirs['loaded_ms'])})",
            _ratio(ours["tbt"], theirs["tbt"]),
            value=ours["tbt"],
            limit=TARGETS["tbt_ms"],
            unit=" ms",
        ),
        Limit(
            f"phone: longest task while scrolling every figure into view {of}",
            f"{_ms(ours['scroll_task'])} (longest while loading {_ms(ours['load_task'])})",
            f"{was} {_ms(theirs['scroll_task'])} (while loading {_ms(theirs['load_task'])})",
            _ratio(ours["scroll_task"], theirs["scroll_task"]),
            value=ours["scroll_task"],
            limit=TARGETS["scroll_task_ms"],
            unit=" ms",
        ),
        Limit(
            f"phone: figure in view to drawn, max (median) {of}",
            f"{_ms(ours['delay_max'])} ({_ms(ours['delay_median'])}; {ours['seen']} of"
            f" {ours['figures']} figures seen, {ours['undrawn']} never drawn)",
            f"{was} {_ms(theirs['delay_max'])} ({_ms(theirs['delay_median'])};"
            f" {theirs['undrawn']} never drawn)",
            _ratio(ours["delay_max"], theirs["delay_max"]),
            value=float("inf") if ours["undrawn"] else ours["delay_max"],
            limit=TARGETS["draw_delay_ms"],
            unit=" ms",
        ),
        Limit(
            f"phone: largest contentful paint {of}",
            f"{_ms(ours['lcp'])} (first contentful paint {_ms(ours['fcp'])})",
            f"{was} {_ms(theirs['lcp'])} (FCP {_ms(theirs['fcp'])})",
            _ratio(ours["lcp"], theirs["lcp"]),
            value=ours["lcp"],
            limit=TARGETS["lcp_ms"],
            unit=" ms",
        ),
        Limit(
            f"phone: layout shift, whole visit {of}",
            f"{ours['cls']:.4f} (while loading {ours['cls_load']:.4f})",
            f"{was} {theirs['cls']:.4f} (while loading {theirs['cls_load']:.4f})",
            _ratio(ours["cls"], theirs["cls"]),
            value=ours["cls"],
            limit=TARGETS["cls"],
        ),
        Limit(
            f"phone: bytes on the wire at load {of}",
            f"{_kb(ours['bytes_load'])} ({kinds})",
            f"{was} {_kb(theirs['bytes_load'])}",
            _ratio(ours["bytes_load"], theirs["bytes_load"]),
            value=None if ours["bytes_load"] is None else ours["bytes_load"] / 1000,
            limit=TARGETS["load_kb"],
            unit=" KB",
        ),
        Row(
            f"phone: bytes on the wire once every figure was seen {of}",
            _kb(ours["bytes_all"]),
            f"{was} {_kb(theirs['bytes_all'])}",
            _ratio(ours["bytes_all"], theirs["bytes_all"]),
        ),
    ]
    if latency is not None:
        mine, other = latency
        shown = [
            v
            if isinstance(v, str)
            else f"median {_ms(v['median'])}, p90 {_ms(v['p90'])} ({v['inputs']} key presses)"
            for v in (mine, other)
        ]
        found.append(
            Row(
                "phone: slider key press to redraw (one visit)",
                shown[0],
                f"{was} {shown[1]}",
                None
                if isinstance(mine, str) or isinstance(other, str)
                else _ratio(mine["median"], other["median"]),
            )
        )
    return found


def _failed(what: str, error: Exception) -> str:
    return f"{what} failed: {type(error).__name__}: {error}".replace("|", "/").replace("\n", " ")


def measure(
    browser: Any,
    now: Path,
    then: Path,
    before: str = BEFORE,
    loads: int = LOADS,
    presses: int = PRESSES,
) -> list[Row]:
    """The phone rows for the built site in ``now`` beside the one in ``then`` (built from
    ``before``), both served gzipped; visits alternate between the two."""
    with (
        gzip_served(now / "output", site_policy(now)) as ours_url,
        gzip_served(then / "output", site_policy(then)) as their_url,
    ):
        ours: list[dict[str, Any]] = []
        theirs: list[dict[str, Any]] = []
        for _ in range(loads):
            ours.append(visit(browser, ours_url))
            theirs.append(visit(browser, their_url))
        latency: list[dict[str, Any] | str] = []
        for url in (ours_url, their_url):
            try:
                latency.append(slider_latency(browser, url, presses))
            except Exception as error:
                latency.append(_failed("latency", error))
    return rows(summary(ours), summary(theirs), before, loads, (latency[0], latency[1]))


def phone_rows(browser: Any, output: Path, before: str = BEFORE, loads: int = LOADS) -> list[Row]:
    """`make bench`'s phone rows for the site built in ``output``; a failure is one row saying
    so, the other rows still print."""
    try:
        with site_at(before) as then:
            return measure(browser, output.parent, then, before, loads)
    except Exception as error:
        return [Row("phone profile (issue 16)", _failed("bench/phone.py", error))]


# --- Where a long task's time goes (--trace).

TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "v8",
    "toplevel",
]
PARTS = {  # trace events that say what a task did, and how they are named here
    "EvaluateScript": "evaluate",
    "v8.compile": "compile",
    "v8.compileModule": "compile",
    "FunctionCall": "call",
    "RunMicrotasks": "microtasks",
    "ParseHTML": "parse HTML",
    "ParseAuthorStyleSheet": "parse CSS",
    "UpdateLayoutTree": "style",
    "Layout": "layout",
    "Paint": "paint",
    "PrePaint": "paint",
    "MinorGC": "GC",
    "MajorGC": "GC",
    "V8.GC_SCAVENGER": "GC",
    "V8.GC_MARK_COMPACTOR": "GC",
}


def _label(event: dict[str, Any]) -> str:
    name = PARTS[event["name"]]
    data = event.get("args", {}).get("data", {}) or {}
    url = data.get("url") or event.get("args", {}).get("fileName") or ""
    where = urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1]
    if name == "call" and data.get("functionName"):
        where = f"{where}:{data['functionName']}"
    return f"{name} {where}".strip()


def long_tasks(events: list[dict[str, Any]], longer_than_ms: float = 50.0) -> list[dict[str, Any]]:
    """The renderer main threads' tasks longer than ``longer_than_ms`` in a Chrome trace, longest
    first, each with its time split by the innermost telling event (``PARTS``) running: a
    layout a script forces counts as layout, not as the script; what no telling event covers
    is "other"."""
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e.get("args", {}).get("name") == "CrRendererMain"
    }
    spans = sorted(
        (
            e
            for e in events
            if e.get("ph") == "X" and (e.get("pid"), e.get("tid")) in mains and "dur" in e
        ),
        key=lambda e: (e["pid"], e["tid"], e["ts"], -e["dur"], e["name"] != "RunTask"),
    )
    found: list[dict[str, Any]] = []
    task: dict[str, Any] = {"thread": None, "end": float("-inf"), "parts": {}}
    running: list[dict[str, Any]] = []  # telling events open in the task, innermost last

    def settle(until: float) -> None:
        while running and running[-1]["end"] <= until:
            part = running.pop()
            task["parts"][part["label"]] = task["parts"].get(part["label"], 0.0) + part["own"]

    for event in spans:
        thread, start = (event["pid"], event["tid"]), event["ts"]
        if thread != task["thread"] or start >= task["end"]:
            settle(float("inf"))
            if event["name"] != "RunTask":
                task = {"thread": None, "end": float("-inf"), "parts": {}}
                continue
            task = {"thread": thread, "start": start, "end": start + event["dur"], "parts": {}}
            if event["dur"] / 1000 > longer_than_ms:
                found.append(task)
            continue
        settle(start)
        if event["name"] in PARTS:
            end = min(start + event["dur"], running[-1]["end"] if running else task["end"])
            if running:
                running[-1]["own"] -= end - start
            running.append({"end": end, "label": _label(event), "own": end - start})
    settle(float("inf"))
    tasks = []
    for one in found:
        duration = (one["end"] - one["start"]) / 1000
        parts = {k: v / 1000 for k, v in sorted(one["parts"].items(), key=lambda kv: -kv[1])}
        parts["other"] = max(0.0, duration - sum(parts.values()))
        tasks.append({"start_ms": one["start"] / 1000, "ms": duration, "parts": parts})
    return sorted(tasks, key=lambda t: -t["ms"])


def traced(browser: Any, url: str) -> list[dict[str, Any]]:
    """One phone visit of the post, loading then scrolling, traced: its long tasks."""
    with tempfile.TemporaryDirectory(prefix="vg-phone-trace-") as tmp:
        path = Path(tmp) / "trace.json"
        with phone_page(browser) as (page, _):
            browser.start_tracing(page=page, path=str(path), categories=TRACE_CATEGORIES)
            try:
                page.goto(url + POST, wait_until="load", timeout=LOAD_CAP_MS * 2)
                page.evaluate(QUIET, [QUIET_MS, LOAD_CAP_MS])
                for figure in page.locator("figure.vg-figure").all():
                    figure.evaluate("f => f.scrollIntoView()")
                    page.wait_for_timeout(PAUSE_MS * 2)
            finally:
                browser.stop_tracing()
        trace = json.loads(path.read_text())
    return long_tasks(trace["traceEvents"] if isinstance(trace, dict) else trace)


def print_trace(name: str, tasks: list[dict[str, Any]], count: int = 8) -> None:
    print(f"\n{name}: {len(tasks)} tasks over 50 ms; the longest {min(count, len(tasks))}:")
    origin = min((t["start_ms"] for t in tasks), default=0.0)
    for task in tasks[:count]:
        parts = ", ".join(f"{k} {v:.0f}" for k, v in list(task["parts"].items())[:5] if v >= 1)
        print(f"  {task['ms']:7.0f} ms at +{task['start_ms'] - origin:7.0f} ms: {parts}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python bench/phone.py", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--loads", type=int, default=LOADS, help=f"visits of each page ({LOADS})")
    parser.add_argument("--before", default=BEFORE, help=f"the reference's git revision ({BEFORE})")
    parser.add_argument(
        "--presses", type=int, default=PRESSES, help=f"key presses per slider ({PRESSES})"
    )
    parser.add_argument(
        "--output", type=Path, help="a built site's output/ to measure as ours (default: build)"
    )
    parser.add_argument(
        "--trace", action="store_true", help="also trace one visit of each and print long tasks"
    )
    args = parser.parse_args(argv)
    if args.loads < 1 or args.presses < 1:
        parser.error("--loads and --presses must be at least 1")
    try:
        check_revision(args.before)
    except ValueError as error:
        parser.error(str(error))
    if args.output is not None and not (args.output / POST / "index.html").is_file():
        parser.error(f"--output {args.output}: no built post {POST}index.html in it")
    if not Path(CHROMIUM).exists():
        sys.exit(f"bench: {CHROMIUM} is missing: `make chromium` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with site_now(args.output) as now, site_at(args.before) as then:
                print(table(measure(browser, now, then, args.before, args.loads, args.presses)))
                for name, root in (
                    (("ours", now), (f"at {args.before}", then)) if args.trace else ()
                ):
                    with gzip_served(root / "output", site_policy(root)) as url:
                        print_trace(name, traced(browser, url))
        except RuntimeError as error:  # a site that does not build
            sys.exit(f"bench/phone.py: {error}")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

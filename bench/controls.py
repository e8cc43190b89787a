"""The controls' cost to a reader: the bytes the figures add to the post, and redraw times.

``payload(output_dir)`` measures a built site; ``latency(site_url, browser)`` drives a served one
in Chromium. ``python -m bench.controls`` builds the site into a temporary folder, serves it,
runs both and prints a small table (targets: at most 60 KB gzipped, a median of at most 16 ms).

Payload: every figure fragment on the post (its ``<figure>`` and the data block after it)
plus the shared controls script the page loads once, raw and gzipped (level 9) together, as the
reader's browser receives them. BokehJS itself is not counted: every Bokeh page pays it.

Latency, one sample per key press on a slider: from the ``keydown`` event's timestamp to the end
of the first paint of the figure's plot after its data or axis range changed (BokehJS's
``repainted`` signal of the plot view), or, for a table, to the change of its text (the DOM is
updated synchronously with it). ``median_ms_to_model_update`` stops the clock earlier, at the
first change of a data source, range or table: the callbacks' share, before BokehJS paints
(which it throttles to one paint per animation frame). Both clocks are the page's
``performance.now()``. Presses alternate right and left, so the figure stays near its defaults;
each waits for the previous redraw.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

POST = "posts/rnns-and-vanishing-gradients/"
SHARED_JS = "assets/js/vg-controls.js"
# A figure and its data block; the code under it (a <details> between them) is not the
# controls' payload and is left out.
FRAGMENT = re.compile(
    r'(<figure class="vg-figure".*?</figure>)\s*(?:<details class="vg-code".*?</details>\s*)?'
    r"(<script[^>]*>.*?</script>)",
    re.S,
)


def fragments(page: str) -> list[str]:
    """Each figure on ``page`` with its data block, the code under it left out."""
    return [figure + data for figure, data in FRAGMENT.findall(page)]


TARGET_GZIP_KB = 60.0
TARGET_MEDIAN_MS = 16.0
PRESSES = 40  # per slider: 14 sliders, 560 samples


def payload(output_dir: Path) -> dict[str, Any]:
    """Bytes the figures and their controls add to the built post, raw and gzipped."""
    page = (Path(output_dir) / POST / "index.html").read_text(encoding="utf-8")
    parts = [f.encode() for f in fragments(page)]
    shared_file = Path(output_dir) / SHARED_JS
    shared = shared_file.read_bytes() if shared_file.exists() else b""
    total = b"".join(parts) + shared
    gzipped = len(gzip.compress(total, compresslevel=9, mtime=0))
    return {
        "figures": len(parts),
        "fragments_KB": round(sum(map(len, parts)) / 1024, 1),
        "shared_js_KB": round(len(shared) / 1024, 1),
        "raw_KB": round(len(total) / 1024, 1),
        "gzip_KB": round(gzipped / 1024, 1),
        "target_gzip_KB": TARGET_GZIP_KB,
    }


# In the page: time every keydown, and the redraw that follows it, for one figure.
_RECORDER = """id => {
  const root = JSON.parse(
    document.querySelector(`script.vg-item[data-figure="${id}"]`).textContent).root_id;
  const doc = root === undefined ? null
    : Bokeh.documents.find(d => d.roots().some(r => r.id === root));
  const rec = window.__vgLatency = {samples: [], updates: [], input: null, changed: null};
  if (!window.__vgKeydown) {
    window.__vgKeydown = true;
    document.addEventListener("keydown", e => {
      const r = window.__vgLatency; r.input = e.timeStamp; r.changed = null;
    }, {capture: true});
  }
  const done = () => {
    if (rec.input === null || rec.changed === null) return;
    rec.samples.push(performance.now() - rec.input);
    rec.updates.push(rec.changed - rec.input);
    rec.input = null;
  };
  if (doc === null) {  // HTML only (a table): redrawn once the page's table is rewritten
    new MutationObserver(() => {
      rec.changed ??= performance.now();
      requestAnimationFrame(() => setTimeout(done));
    }).observe(document.querySelector(`figure#${id} .vg-static`), {childList: true, subtree: true});
    return 1;
  }
  for (const model of doc.all_models) {
    const changed = () => { rec.changed ??= performance.now(); };
    if (model.type === "ColumnDataSource") {
      model.properties.data.change.connect(changed);
    } else if (model.type === "Range1d") {
      model.properties.start.change.connect(changed);
      model.properties.end.change.connect(changed);
    } else if (model.type === "Div") {
      model.properties.text.change.connect(() => { changed(); done(); });
    }
  }
  const walk = function* (view) {
    yield view;
    for (const child of view.children?.() ?? []) yield* walk(child);
  };
  let plots = 0;
  for (const top of Bokeh.index) {
    for (const view of walk(top)) {
      if (view.model.document === doc && view.repainted !== undefined) {
        view.repainted.connect(done);
        plots += 1;
      }
    }
  }
  return plots;
}"""


def latency(site_url: str, browser: Any, presses: int = PRESSES) -> dict[str, Any]:
    """Median and 90th percentile, in ms, from a key press on a slider to the redrawn figure."""
    from tests.reader import open_page, wait_for_figures
    from vanishing_post.engine.registry import FIGURES

    visit = open_page(browser, site_url, POST, viewport={"width": 1100, "height": 900})
    samples: list[float] = []
    updates: list[float] = []
    by_figure: dict[str, float] = {}
    try:
        on_page = visit.page.evaluate(
            "() => [...document.querySelectorAll('figure.vg-figure')]"
            ".map(f => [f.id, f.dataset.figure])"
        )
        wait_for_figures(visit, len(on_page))
        for figure_id, name in on_page:
            sliders = [p for p in FIGURES[name].params if p.control and p.kind is not str]
            if not sliders:
                continue
            visit.page.evaluate(_RECORDER, figure_id)
            for param in sliders:
                handle = visit.page.locator(f"figure#{figure_id}").get_by_label(
                    param.label, exact=True
                )
                handle.focus()
                for i in range(presses):
                    count = visit.page.evaluate("() => window.__vgLatency.samples.length")
                    handle.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                    visit.page.wait_for_function(
                        "n => window.__vgLatency.samples.length > n", arg=count, timeout=10000
                    )
            found = visit.page.evaluate("() => window.__vgLatency.samples")
            by_figure[name] = round(statistics.median(found), 1)
            samples += found
            updates += visit.page.evaluate("() => window.__vgLatency.updates")
        errors = list(visit.console_errors)
    finally:
        visit.page.context.close()
    ordered = sorted(samples)
    return {
        "inputs": len(samples),
        "median_ms": round(statistics.median(ordered), 2),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
        "median_ms_to_model_update": round(statistics.median(updates), 2),
        "target_median_ms": TARGET_MEDIAN_MS,
        "console_errors": len(errors),
        "median_ms_by_figure": ", ".join(f"{k} {v}" for k, v in by_figure.items()),
    }


def main(argv: list[str] | None = None) -> int:
    """Build the site (or use --output), serve it, and print payload and latency."""
    import tempfile

    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    parser = argparse.ArgumentParser(prog="python -m bench.controls", description=__doc__)
    parser.add_argument("--output", type=Path, help="a built site's output/ (default: build one)")
    parser.add_argument("--presses", type=int, default=PRESSES, help="key presses per slider")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vg-controls-") as tmp:
        output = args.output
        if output is None:
            from tests.sites import build, copy_site

            done = build(copy_site(Path(tmp) / "site"))
            if done.returncode != 0:
                print(done.log, file=sys.stderr)
                return 1
            output = done.output
        sizes = payload(output)
        with _served(output) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                times = latency(url, browser, args.presses)
            finally:
                browser.close()
    rows = [
        ("payload, raw", f"{sizes['raw_KB']} KB", f"{sizes['figures']} figures + shared JS"),
        ("payload, gzipped", f"{sizes['gzip_KB']} KB", f"target <= {TARGET_GZIP_KB:g} KB"),
        ("latency, median", f"{times['median_ms']} ms", f"target <= {TARGET_MEDIAN_MS:g} ms"),
        ("latency, p90", f"{times['p90_ms']} ms", f"{times['inputs']} key presses"),
        ("latency by figure", "median ms", times["median_ms_by_figure"]),
    ]
    width = max(len(r[0]) for r in rows)
    for measure, value, note in rows:
        print(f"{measure:<{width}}  {value:>10}  {note}")
    return 0


def _served(directory: Path) -> Any:
    """A context manager serving ``directory`` on 127.0.0.1, yielding its URL."""
    import contextlib
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    @contextlib.contextmanager
    def serve() -> Any:
        handler = functools.partial(Quiet, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()
            server.server_close()

    return serve()


if __name__ == "__main__":
    sys.exit(main())

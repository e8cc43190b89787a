"""`make bench`: the site's build times, page weight and drawing times, side by side, in one run.

Each number is a median of several runs on this machine, and each verdict a ratio against a
floor measured in the same run, never an absolute time: the cold build against a bare build of
the same site with its figures turned off (VG_FIGURES=off) plus `import hvplot.pandas`, by wall
clock: what the author waits for, the build drawing figures on every core (its CPU seconds, every
process it starts included, Chromium's too, are shown beside, not judged); the no-op rebuild
against the bare site's, by
CPU seconds (one process each; steadier than wall clock on a shared machine); the post's bytes
against BokehJS's own. The table is printed and written to bench/results.md.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import importlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, POST  # noqa: E402
from tests.sites import copy_site  # noqa: E402
from vanishing_post.engine.scripts import BOKEHJS  # noqa: E402

RESULTS = ROOT / "bench" / "results.md"
BARE = {"VG_FIGURES": "off"}
TARGETS = {"cold": 1.5, "noop": 1.2, "weight": 1.15, "latency_ms": 16.0}


@dataclass
class Row:
    """One line of the table: what, ours, what we compare with, their ratio, the target."""

    measure: str
    ours: str
    reference: str = ""
    ratio: float | None = None
    target: float | None = None

    def cells(self) -> list[str]:
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}x"
        if self.target is None or self.ratio is None:
            target, verdict = ("", "") if self.target is None else (f"<= {self.target}x", "")
        else:
            target = f"<= {self.target}x"
            verdict = "met" if self.ratio <= self.target else "MISSED"
        return [self.measure, self.ours, self.reference, ratio, target, verdict]


@dataclass
class Took:
    """How long a command took: wall-clock seconds, the CPU seconds it and every process it
    started used, and the most memory they held at once (bytes, shared pages counted once)."""

    wall: float
    cpu: float
    memory: int = 0


# Runs a command as a child subreaper (Linux): the processes it starts that outlive their own
# parents (the pool's forkserver, Chromium's) are reaped here, so their CPU time is counted.
REAPER = (
    "import ctypes, os, subprocess, sys\n"
    "ctypes.CDLL(None).prctl(36, 1)\n"  # PR_SET_CHILD_SUBREAPER
    "code = subprocess.call(sys.argv[1:])\n"
    "while True:\n"
    "    try:\n"
    "        os.wait()\n"
    "    except ChildProcessError:\n"
    "        break\n"
    "sys.exit(code)\n"
)
SAMPLE_S = 0.05  # how often the memory of a timed command's processes is read


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Took:
    """Time ``command``; a failure stops the bench with its output."""
    from tests.processes import tree_memory

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        running = subprocess.Popen(
            [sys.executable, "-c", REAPER, *command],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
        memory = 0
        while running.poll() is None:
            memory = max(memory, tree_memory(running.pid))
            time.sleep(SAMPLE_S)
        wall = time.perf_counter() - start
        out.seek(0)
        log = out.read()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if running.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed in {cwd}:\n{log}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Took(wall, cpu, memory)


NIKOLA = [sys.executable, "-m", "nikola", "build", "--strict"]
IMPORT_HVPLOT = [sys.executable, "-c", "import hvplot.pandas"]


SCALE_POSTS, SCALE_FIGURES = 10, 3  # posts added for the scale row, figures in each


def scaled_site(folder: Path) -> tuple[Path, int]:
    """A copy of the site with ``SCALE_POSTS`` more posts of ``SCALE_FIGURES`` figures each
    (the registry's figures in turn), and how many figures it holds in all."""
    from vanishing_post.engine.registry import FIGURES

    root = copy_site(folder)
    names = sorted(FIGURES)
    for post in range(SCALE_POSTS):
        figures = [names[(post * SCALE_FIGURES + i) % len(names)] for i in range(SCALE_FIGURES)]
        body = "\n\n".join(f"{{{{% figure {name} %}}}}" for name in figures)
        (root / "posts" / f"scale-{post}.md").write_text(
            f"<!--\n.. title: Scale {post}\n.. slug: scale-{post}\n"
            f".. date: 2026-11-{post + 1:02d} 09:00:00 UTC\n.. template: figures.tmpl\n-->\n\n"
            f"Figures to count.\n\n{body}\n"
        )
    shortcodes = sum(p.read_text().count("{{% figure ") for p in (root / "posts").iterdir())
    return root, shortcodes


def builds(work: Path, runs: int, noop_runs: int) -> dict[str, list[Took]]:
    """Cold builds of the site, of the bare site and of the site with more posts, then no-op
    rebuilds, interleaved."""
    kinds = ("cold", "bare", "hvplot", "scale", "noop", "bare_noop")
    times: dict[str, list[Took]] = {k: [] for k in kinds}
    for run in range(runs):
        times["cold"].append(timed(NIKOLA, copy_site(work / f"full-{run}")))
        times["bare"].append(timed(NIKOLA, copy_site(work / f"bare-{run}"), BARE))
        times["hvplot"].append(timed(IMPORT_HVPLOT, ROOT))
        times["scale"].append(timed(NIKOLA, scaled_site(work / f"scale-{run}")[0]))
    for _ in range(noop_runs):  # cheap, and noisier on a shared machine: more of them
        times["noop"].append(timed(NIKOLA, work / "full-0"))
        times["bare_noop"].append(timed(NIKOLA, work / "bare-0", BARE))
    return times


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1, on a free port."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def bokehjs_reference() -> tuple[int, int]:
    """Raw and gzipped bytes of the BokehJS files a page with figures loads (the installed
    bokeh's ``scripts.BOKEHJS``)."""
    import bokeh

    static = Path(bokeh.__file__).parent / "server" / "static" / "js"
    bodies = [(static / f"{stem}.min.js").read_bytes() for stem in BOKEHJS]
    return sum(map(len, bodies)), sum(len(gzip.compress(b, 6)) for b in bodies)


def loaded(browser, url: str, post: str = POST) -> dict[str, bytes]:
    """Every response the post's page loads in Chromium (fresh context, no cache), by URL."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    bodies: dict[str, bytes] = {}
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url + post, wait_until="networkidle")
    for response in responses:
        with contextlib.suppress(Exception):
            bodies[response.url] = response.body()
    context.close()
    return bodies


def weight(browser, full_url: str, bare_url: str, post: str = POST) -> dict[str, tuple[int, int]]:
    """The post's bytes (raw, gzipped) by part: BokehJS, the theme, the figures.

    The figures' share of the HTML is the full page minus the bare page (figures turned off);
    the rest of the HTML is the theme's. Stylesheets and scripts are sorted by name.
    """
    full, bare = loaded(browser, full_url, post), loaded(browser, bare_url, post)
    parts = {"BokehJS": [0, 0], "theme": [0, 0], "figures": [0, 0]}

    def add(part: str, raw: int, packed: int) -> None:
        parts[part][0] += raw
        parts[part][1] += packed

    page_full, page_bare = full.pop(full_url + post), bare.get(bare_url + post, b"")
    add("theme", len(page_bare), len(gzip.compress(page_bare, 6)))
    add(
        "figures",
        len(page_full) - len(page_bare),
        len(gzip.compress(page_full, 6)) - len(gzip.compress(page_bare, 6)),
    )
    for url, body in full.items():
        name = url.rsplit("/", 1)[-1]
        if name.startswith("bokeh"):
            part = "BokehJS"
        elif name.startswith(("vg.css", "favicon")):
            part = "theme"
        else:
            part = "figures"
        add(part, len(body), len(gzip.compress(body, 6)))
    return {k: (v[0], v[1]) for k, v in parts.items()}


# A page draws a figure once it is in the window (engine/embed.js): the page is scrolled to its
# first figure as soon as it is parsed, and "every figure" is every figure then in the window.
DRAWN = """() => new Promise(resolve => {
  const start = performance.now();
  document.querySelector('figure.vg-figure').scrollIntoView();
  const step = () => {
    const now = performance.now();
    const figures = [...document.querySelectorAll('figure.vg-figure')].filter(f => {
      const box = f.getBoundingClientRect();
      return box.top < innerHeight && box.bottom > 0; });
    const shown = figures.some(f => [...f.querySelectorAll('img')].some(
      i => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().height > 0));
    const drawn = figures.filter(f => f.classList.contains('vg-drawn')).length;
    if (window.__first === undefined && (shown || drawn > 0)) window.__first = now;
    if (figures.length && drawn === figures.length) {
      resolve({first: window.__first, all: now});
    } else if (now - start > 60000) {
      resolve({first: window.__first ?? null, all: null});
    } else {
      requestAnimationFrame(step);
    }
  };
  step();
})"""


def drawing_times(browser, url: str, loads: int) -> dict[str, list[float]]:
    """Milliseconds from navigation to the first figure shown and to every figure drawn."""
    times: dict[str, list[float]] = {"first": [], "all": []}
    for _ in range(loads):
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        page.goto(url + POST, wait_until="domcontentloaded")
        found = page.evaluate(DRAWN)
        context.close()
        for key in times:
            if found[key] is not None:
                times[key].append(found[key])
    return times


def twins_row() -> Row:
    """Seconds per pair of static twins, the old path (matplotlib) against the new (the live
    figure photographed in Chromium), in fresh processes, side by side (bench/twins.py)."""
    from bench.twins import OLD, compare

    both = compare()
    old, new = both["old"], both["new"]
    return Row(
        f"time per pair of twins, new path (median of 3, {new['figures']:.0f} figures)",
        f"{new['wall']:.3f} s (CPU {new['cpu']:.3f} s, Chromium's included); Chromium's start"
        f" once a build {new['start_wall']:.2f} s (CPU {new['start_cpu']:.2f} s)",
        f"old path (matplotlib, {OLD}) {old['wall']:.3f} s (CPU {old['cpu']:.3f} s)",
        new["wall"] / old["wall"],
    )


def least_row(runs: int, cpu_floor: float, floor: float) -> Row:
    """The least a cold build can take here, its twins drawn in Chromium (bench/least.py):
    judged against the cold build's target, it says whether any schedule could meet it."""
    from bench.least import least, measure

    taken = [measure() for _ in range(runs)]
    part = {k: median([m[k] for m in taken]) for k in taken[0]}
    cores = os.cpu_count() or 1
    return Row(
        f"cold build, the least on this machine: the work it cannot skip over {cores} cores"
        f" (median of {runs})",
        f"{least(cpu_floor, part, cores):.2f} s = (floor's CPU {cpu_floor:.2f} s + Chromium's"
        f" start {part['start']:.2f} s + making the {part['figures']:.0f} figures"
        f" {part['making']:.2f} s + drawing and photographing them {part['drawing']:.2f} s)"
        f" / {cores}",
        f"floor {floor:.2f} s",
        least(cpu_floor, part, cores) / floor,
        TARGETS["cold"],
    )


def controls() -> object | None:
    """bench/controls.py (issue 3: payload and latency of the controls), when it has landed."""
    try:
        return importlib.import_module("bench.controls")
    except ModuleNotFoundError:
        return None


def kb(n: float) -> str:
    return f"{n / 1000:,.1f} KB"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run(
    runs: int, noop_runs: int, loads: int, phone_loads: int = 3, before: str | None = None
) -> list[Row]:
    from playwright.sync_api import sync_playwright

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="vg-bench-") as tmp:
        work = Path(tmp)
        taken = builds(work, runs, noop_runs)
        t = {k: median([x.wall for x in v]) for k, v in taken.items()}
        c = {k: median([x.cpu for x in v]) for k, v in taken.items()}
        floor, cpu_floor = t["bare"] + t["hvplot"], c["bare"] + c["hvplot"]
        rows.append(  # what the author waits for: the figures are drawn on both cores
            Row(
                f"cold build, wall clock (median of {runs})",
                f"{t['cold']:.2f} s",
                f"floor {floor:.2f} s = bare build {t['bare']:.2f} s"
                f" + import hvplot.pandas {t['hvplot']:.2f} s",
                t["cold"] / floor,
                TARGETS["cold"],
            )
        )
        rows.append(  # the work done, every process's CPU seconds together: shown, not judged
            Row(
                f"cold build, CPU seconds (median of {runs})",
                f"{c['cold']:.2f} s",
                f"floor {cpu_floor:.2f} s",
                c["cold"] / cpu_floor,
            )
        )
        rows.append(least_row(runs, cpu_floor, floor))
        site_figures = sum(
            p.read_text().count("{{% figure ") for p in (work / "full-0" / "posts").iterdir()
        )
        _, scaled = scaled_site(work / "count")
        memory = {k: median([x.memory for x in v]) / 1e6 for k, v in taken.items()}
        rows.append(
            Row(
                f"scale: the site plus {SCALE_POSTS} posts of {SCALE_FIGURES} figures, cold build"
                f" (median of {runs})",
                f"{t['scale']:.2f} s for {scaled} figures, {t['scale'] / scaled:.3f} s a figure"
                f" (CPU {c['scale']:.2f} s); peak memory {memory['scale']:.0f} MB",
                f"the site alone {t['cold']:.2f} s for {site_figures} figures, "
                f"{t['cold'] / site_figures:.3f} s a figure; peak memory {memory['cold']:.0f} MB",
                (t["scale"] / scaled) / (t["cold"] / site_figures),
            )
        )
        rows.append(twins_row())
        rows.append(
            Row(
                f"no-op rebuild (median of {noop_runs})",
                f"{t['noop']:.2f} s (CPU {c['noop']:.2f} s)",
                f"bare site's no-op rebuild {t['bare_noop']:.2f} s (CPU {c['bare_noop']:.2f} s)",
                c["noop"] / c["bare_noop"],
                TARGETS["noop"],
            )
        )
        raw_ref, gz_ref = bokehjs_reference()
        with (
            served(work / "full-0" / "output") as full_url,
            served(work / "bare-0" / "output") as bare_url,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            parts = weight(browser, full_url, bare_url)
            total = [sum(p[i] for p in parts.values()) for i in (0, 1)]
            detail = ", ".join(f"{k} {kb(v[0])}" for k, v in parts.items())
            rows.append(
                Row(
                    "post page weight, raw",
                    f"{kb(total[0])} ({detail})",
                    f"{' + '.join(f'{stem}.min.js' for stem in BOKEHJS)} {kb(raw_ref)}",
                    total[0] / raw_ref,
                    TARGETS["weight"],
                )
            )
            detail = ", ".join(f"{k} {kb(v[1])}" for k, v in parts.items())
            rows.append(
                Row(
                    "post page weight, gzipped",
                    f"{kb(total[1])} ({detail})",
                    f"the same two files gzipped {kb(gz_ref)}",
                    total[1] / gz_ref,
                )
            )
            posts = sorted((work / "full-0" / "output" / "posts").glob("*/index.html"))
            each = {
                page.parent.name: weight(browser, full_url, bare_url, f"posts/{page.parent.name}/")
                for page in posts
            }
            rows.append(
                Row(
                    "each post's figures, gzipped",
                    ", ".join(f"{slug} {kb(parts['figures'][1])}" for slug, parts in each.items()),
                    f"BokehJS gzipped {kb(gz_ref)}",
                )
            )
            drawn = drawing_times(browser, full_url, loads)
            first, every = median(drawn["first"]), median(drawn["all"])
            rows.append(
                Row(
                    f"first figure shown, the page scrolled to it once parsed"
                    f" (median of {len(drawn['first'])} loads)",
                    f"{first:.0f} ms",
                    f"every figure in that window drawn {every:.0f} ms",
                    first / every,
                )
            )
            module = controls()
            if module is None:
                rows.append(
                    Row(
                        "control latency, input to redraw",
                        "pending (bench/controls.py)",
                    )
                )
                rows.append(Row("controls payload", "pending (bench/controls.py)"))
            else:
                rows += controls_rows(module, browser, full_url, work / "full-0" / "output")
            rows += phone_rows(browser, work / "full-0" / "output", phone_loads, before)
            browser.close()
        shutil.rmtree(work, ignore_errors=True)
    rows += frames_rows()
    return rows


def phone_rows(browser, output: Path, loads: int, before: str | None) -> list[Row]:
    """Issue 16's rows (bench/phone.py): the post on a throttled phone, ours beside the site
    as it was before figures were drawn lazily; a failure is one row saying so."""
    try:
        from bench import phone

        return phone.phone_rows(browser, output, before or phone.BEFORE, loads)
    except Exception as error:
        return [Row("phone profile (issue 16)", _failed(error, "bench/phone.py"))]


def frames_rows() -> list[Row]:
    """Each figure with frames: its fragment against ``hv.save`` of the same HoloMap
    (bench/frames.py), gzipped; hv.save's page also needs Panel's scripts."""
    from bench.frames import measure

    rows = []
    for name, row in measure().items():
        ours, saved, needs = row["ours"], row["hv.save"], row["needs bytes"]
        rows.append(
            Row(
                f"frames payload, {name} ({row['frames']} frames), gzipped",
                f"{kb(ours[1])} (raw {kb(ours[0])})",
                f"hv.save {kb(saved[1])} (raw {kb(saved[0])}) + Panel's scripts {kb(needs[1])}",
                ours[1] / saved[1],
            )
        )
    return rows


def controls_rows(module, browser, url: str, output: Path) -> list[Row]:
    """Rows from issue 3's bench/controls.py: its dicts shown as they come, medians judged.

    Either call failing shows as its row's text, so the other rows still print.
    """
    rows = []
    try:
        latency = module.latency(url, browser)
    except Exception as error:
        rows.append(Row("control latency, input to redraw", _failed(error)))
    else:
        median_ms = latency.get("median_ms")
        rows.append(
            Row(
                "control latency, input to redraw",
                ", ".join(_shown(k, v) for k, v in latency.items()),
                f"one frame {TARGETS['latency_ms']:.0f} ms",
                median_ms / TARGETS["latency_ms"] if isinstance(median_ms, int | float) else None,
                1.0,
            )
        )
    try:
        payload = module.payload(output)
    except Exception as error:
        rows.append(Row("controls payload", _failed(error)))
    else:
        rows.append(Row("controls payload", ", ".join(_shown(k, v) for k, v in payload.items())))
    return rows


def _shown(key: str, value: object) -> str:
    return f"{key} {value:.1f}" if isinstance(value, float) else f"{key} {value}"


def _failed(error: Exception, what: str = "bench/controls.py") -> str:
    return f"{what} failed: {type(error).__name__}: {error}".replace("|", "/")


def table(rows: list[Row]) -> str:
    head = ["measure", "this site", "compared with", "ratio", "target", "verdict"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None, write: Callable[[str], object] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind (default 3)")
    parser.add_argument("--noop-runs", type=int, default=9, help="no-op rebuilds (default 9)")
    parser.add_argument("--loads", type=int, default=5, help="page loads timed (default 5)")
    parser.add_argument(
        "--phone-loads", type=int, default=3, help="visits of each page on the phone (default 3)"
    )
    parser.add_argument(
        "--before", help="git revision of the phone rows' reference (default: bench/phone.py's)"
    )
    args = parser.parse_args(argv)
    if min(args.runs, args.noop_runs, args.loads, args.phone_loads) < 1:
        parser.error("--runs, --noop-runs, --loads and --phone-loads must be at least 1")
    if args.before is not None:
        from bench.phone import check_revision

        try:
            check_revision(args.before)
        except ValueError as error:
            parser.error(str(error))
    if not Path(CHROMIUM).exists():
        sys.exit(f"bench: {CHROMIUM} is missing: `make chromium` installs Debian's chromium")
    rows = run(args.runs, args.noop_runs, args.loads, args.phone_loads, args.before)
    import platform

    text = (
        "# `make bench` results\n\n"
        f"One run of `make bench` on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} cores), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
        "Times are medians; verdicts are ratios against floors measured in the same run, "
        "of wall-clock seconds for the cold build (what the author waits for: it draws the "
        "figures on every core, in a pool of processes and in headless Chromium; the CPU seconds "
        "of every process it starts are shown too) and "
        "of CPU seconds for the no-op rebuild (one process; steadier on a shared machine). "
        "Page weight is what Chromium loads for the post, served uncompressed; gzipped sizes "
        "are each response gzipped at level 6. The phone rows (bench/phone.py) are a phone's "
        "visits over Slow 4G with its CPU slowed 4x, the site served gzipped, beside the site "
        "at the reference revision built in the same run, judged against issue 16's limits."
        "\n\n" + table(rows) + "\n"
    )
    RESULTS.write_text(text)
    write(table(rows))
    write(f"\n(written to {RESULTS.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the section "So how do you fix this?" costs a cold build, and its payload.

`python bench/network_section.py [--runs N]` prints two measures (medians of N runs):

* cold `nikola build --strict` of a copy of the site, with the section and with the section cut
  out of the post, alternated; wall-clock and CPU seconds (children's user + system, steadier
  on a shared machine), and the difference;
* the section's own work in one warm process (HoloViews already imported by the post's other
  figures): each figure's Bokeh model and HTML fragment, its two static twins drawn from that
  model, the quoted numbers;

and the gzipped bytes of the section's three figure fragments. The target is at most 1 s added.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.sites import copy_site  # noqa: E402

POST = Path("posts") / "rnns-and-vanishing-gradients.rst"
SECTION = "So how do you fix this?\n"
AFTER = "What to take away\n"
FIGURES = ("activations", "layer-gradients", "skip-connections")


def without_section(root: Path) -> None:
    """Cut the section out of the post in the site copy at ``root``."""
    post = root / POST
    text = post.read_text()
    post.write_text(text[: text.index(SECTION)] + text[text.index(AFTER) :])


def cold_build(root: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one cold `nikola build --strict` in ``root``."""
    for part in ("output", "cache"):
        shutil.rmtree(root / part, ignore_errors=True)
    for db in root.glob(".doit.db*"):
        db.unlink()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "nikola", "build", "--strict"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def section_work() -> dict[str, float]:
    """Seconds of the section's own work, in a process where HoloViews is already warm: each
    figure as a build makes it (``drawing``: one Bokeh model for the fragment and the twins)."""
    from vanishing_post.content import quantities
    from vanishing_post.engine.drawing import Job, work

    with tempfile.TemporaryDirectory() as tmp:

        def job(name: str) -> Job:
            wide, narrow = Path(tmp, f"{name}.png"), Path(tmp, f"{name}-narrow.png")
            return Job(name, {}, f"bench-{name}", 1, "png", wide, narrow, fragment=True)

        made: list[float] = []  # when each fragment was handed over
        work(job("decay"), lambda key, html: None)  # what the post's other figures paid
        times = {}
        start = time.perf_counter()
        for name in quantities.QUANTITIES:
            quantities.quantity_text(name)
        times["numbers"] = time.perf_counter() - start
        for name in FIGURES:
            start = time.perf_counter()
            work(job(name), lambda key, html: made.append(time.perf_counter()))
            times[f"{name} model+html"] = made[-1] - start
            times[f"{name} twins"] = time.perf_counter() - made[-1]
    times["total"] = sum(times.values())
    return times


def section_work_fresh() -> dict[str, float]:
    """``section_work`` in a new process: nothing cached from an earlier run."""
    done = subprocess.run(
        [sys.executable, __file__, "--work"], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def payload() -> dict[str, int]:
    """Gzipped bytes of each of the section's figure fragments."""
    from vanishing_post.engine.embed import figure_html

    return {
        name: len(gzip.compress(figure_html(name, {}, key=f"bench-{name}").encode(), 9, mtime=0))
        for name in FIGURES
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", action="store_true", help="print one run of section_work")
    args = parser.parse_args()
    if args.work:
        print(json.dumps(section_work()))
        return
    runs = args.runs
    with tempfile.TemporaryDirectory() as tmp:
        sites = {"with": copy_site(Path(tmp) / "with"), "without": copy_site(Path(tmp) / "without")}
        without_section(sites["without"])
        measured: dict[str, list[tuple[float, float]]] = {"with": [], "without": []}
        for _ in range(runs):
            for variant, root in sites.items():
                measured[variant].append(cold_build(root))
    for variant, samples in measured.items():
        walls, cpus = zip(*samples, strict=True)
        print(
            f"cold build {variant:8} wall {statistics.median(walls):6.2f} s  "
            f"cpu {statistics.median(cpus):6.2f} s  (walls: "
            + ", ".join(f"{w:.2f}" for w in walls)
            + ")"
        )
    for i, kind in enumerate(("wall", "cpu")):
        added = statistics.median(
            a[i] - b[i] for a, b in zip(measured["with"], measured["without"], strict=True)
        )
        print(f"section adds (median of paired differences), {kind}: {added:.2f} s")
    work = [section_work_fresh() for _ in range(runs)]
    for key in work[0]:
        print(
            f"section work, warm process: {key:24} {statistics.median(w[key] for w in work):.3f} s"
        )
    for name, size in payload().items():
        print(f"payload gzipped: {name:18} {size / 1024:.1f} KB")


if __name__ == "__main__":
    main()

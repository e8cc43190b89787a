"""The least wall-clock time a cold build of the site can take on this machine, its twins drawn
by BokehJS in Chromium: the CPU seconds of the work no such build can skip, spread evenly over
every core, with nothing else running and no waiting.

That work is the floor's (a bare build and ``import hvplot.pandas``; `make bench` measures it),
starting Chromium with the site's BokehJS (``twins.Studio.open``), making every figure of the
site's posts (its page fragment, in one process that has imported the plotting libraries), and
BokehJS drawing each at every twin width with the picture of its plots taken. Left out, as work
a build could do without: checking the controls in the studio, making the pictures compact,
writing files, and Nikola's own work beyond the bare build's.

If this least is over the cold build's target (1.5x the floor), no scheduling of the same work
meets the target on this machine. ``python -m bench.least`` prints the parts, in CPU seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def parts() -> dict[str, float]:
    """CPU seconds of starting the studio, making the site's figures and drawing them there,
    in this process (run it in a fresh one) and the browser's; and how many figures."""
    sys.path.insert(0, str(ROOT))
    from plugins.vg_twins.vg_twins import figure_shortcodes
    from tests.processes import tree_cpu
    from tests.sites import conf_value
    from vanishing_post.engine import twins
    from vanishing_post.engine.drawing import make_fragment
    from vanishing_post.engine.markup import render_figure
    from vanishing_post.engine.registry import content_modules, load
    from vanishing_post.engine.render import holoviews

    load(content_modules(ROOT / "conf.py"))
    holoviews()
    jobs = [
        (name, raw, f"{post.stem}-{number}", number)
        for post in sorted((ROOT / "posts").iterdir())
        for number, name, raw in figure_shortcodes(post.read_text(encoding="utf-8"))
    ]
    started = time.process_time()
    fragments = [render_figure(make_fragment(*job)) for job in jobs]
    making = time.process_time() - started

    stylesheets = [ROOT / path for path in conf_value("VG_TWIN_STYLESHEETS")]
    before = tree_cpu()
    studio = twins.Studio(conf_value("VG_TWIN_WIDTHS"), stylesheets)
    studio.open()
    opened = tree_cpu()
    try:
        # what Studio.shoot does for each figure, less the check of its controls
        [pages] = studio._sets
        for html in fragments:
            studio._place(pages, html)
            for page in pages.values():
                box = page.evaluate("() => vgStudio.drawn()")
                if box and box["picture"]:
                    studio._picture(page, twins._clip(twins._snapped(box, studio.scale)))
        drawn = tree_cpu()
    finally:
        studio.close()
    return {
        "figures": len(jobs),
        "start": opened - before,
        "making": making,
        "drawing": drawn - opened,
    }


def measure() -> dict[str, float]:
    """``parts`` in a fresh process."""
    code = "import json; from bench.least import parts; print(json.dumps(parts()))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"bench.least: failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def least(floor_cpu: float, measured: dict[str, float], cores: int | None = None) -> float:
    """Seconds: the floor's CPU seconds and the measured parts, over every core."""
    work = floor_cpu + measured["start"] + measured["making"] + measured["drawing"]
    return work / (cores or os.cpu_count() or 1)


def main() -> None:
    measured = measure()
    shown = ", ".join(f"{k} {v:.2f}" for k, v in measured.items() if k != "figures")
    print(f"{measured['figures']:.0f} figures: {shown} (CPU seconds)")


if __name__ == "__main__":
    main()

"""What a figure with frames (a HoloMap, hvplot's ``groupby=``) costs a page, against
HoloViews' own ``hv.save`` of the same object.

Ours: the figure's fragment (its document, its frames' changing data, the controls), raw and
gzipped; the page's BokehJS and vg-controls.js are shared with every other figure. ``hv.save``:
the HTML file it writes for the same HoloMap (Panel's widgets, every frame embedded), raw and
gzipped, and the scripts it needs beyond BokehJS (Panel's, from a CDN). Every registered figure
with frames is measured; ``python -m bench.frames`` prints them.
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 9, mtime=0))


def measure() -> dict[str, dict[str, object]]:
    """Per figure with frames: our fragment's bytes and hv.save's, raw and gzipped."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("TQDM_DISABLE", "1")  # hv.save's progress bars
    import panel

    from vanishing_post.engine import registry
    from vanishing_post.engine.embed import figure_parts
    from vanishing_post.engine.figure import sampled
    from vanishing_post.engine.markup import render_figure
    from vanishing_post.engine.render import holoviews

    registry.load(registry.content_modules(ROOT / "conf.py"))
    hv = holoviews()
    panel_dist = Path(panel.__file__).parent / "dist"
    found = {}
    for name, spec in registry.FIGURES.items():
        if spec.draw is None:
            continue
        values = spec.values({})
        drawn = spec.draw(values)
        if not isinstance(drawn, hv.HoloMap | hv.DynamicMap):
            continue
        if isinstance(drawn, hv.DynamicMap):  # as the engine samples it for the page
            drawn = sampled(name, drawn, values)
        # without the code under it: hv.save's page has none
        ours = render_figure(figure_parts(name, {"code": "no"}, key=f"bench-{name}")).encode()
        with tempfile.TemporaryDirectory() as folder:
            saved_path = Path(folder, f"{name}.html")
            hv.save(drawn, saved_path, backend="bokeh")
            saved = saved_path.read_bytes()
        scripts = re.findall(rb'<script[^>]+src="([^"]+)"', saved)
        extra = sorted({s.decode() for s in scripts if b"panel" in s.lower()})
        needed = [panel_dist / url.rsplit("/", 1)[-1] for url in extra]
        found[name] = {
            "frames": len(drawn.data),
            "ours": (len(ours), _gz(ours)),
            "hv.save": (len(saved), _gz(saved)),
            "hv.save needs": extra,
            # the same scripts as the installed panel ships them (the page loads them from a CDN)
            "needs bytes": (
                sum(p.stat().st_size for p in needed if p.exists()),
                sum(_gz(p.read_bytes()) for p in needed if p.exists()),
            ),
        }
    return found


def main() -> None:
    for name, row in measure().items():
        ours, saved = row["ours"], row["hv.save"]
        print(
            f"{name}: {row['frames']} frames; ours {ours[0] / 1000:.1f} KB"
            f" ({ours[1] / 1000:.1f} KB gzipped); hv.save {saved[0] / 1000:.1f} KB"
            f" ({saved[1] / 1000:.1f} KB gzipped) + {', '.join(row['hv.save needs']) or 'nothing'}"
            f" ({row['needs bytes'][1] / 1000:.1f} KB gzipped)"
        )


if __name__ == "__main__":
    main()

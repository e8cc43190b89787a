"""Every registered figure's controls, in Chromium, against Python, at sampled settings.

For each figure with controls (hand-written JavaScript or frames), a page holds the figure at its
defaults and, beside it, the figure Python drew for a sampled setting. The first figure's
controls are set to that setting; its data (every source's columns, every table's text) must
then equal the second's to 1e-12 relative. No figure is named here: the registry says which
figures there are, their parameters say which settings to try.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.reader import DOCUMENT
from vanishing_post.engine.embed import figure_parts
from vanishing_post.engine.markup import render_figure
from vanishing_post.engine.params import FigureError
from vanishing_post.engine.registry import FIGURES
from vanishing_post.engine.scripts import page_js
from vanishing_post.engine.twins import bokehjs_files

SAMPLES = 3  # settings tried per figure, beside its defaults' round trip
RTOL = 1e-12


def _with_controls() -> list[str]:
    return sorted(n for n, spec in FIGURES.items() if any(p.control for p in spec.params))


def _samples(name: str) -> list[dict[str, Any]]:
    """Settings of the figure's controls its checks accept: each end of every range and random
    values on the controls' steps (a seed per figure: the same settings every run)."""
    spec = FIGURES[name]
    controls = [p for p in spec.params if p.control]
    draw = random.Random(name)
    found: list[dict[str, Any]] = []
    for attempt in range(200):
        raw = {}
        for p in controls:
            if p.choices:
                raw[p.name] = draw.choice(p.choices)
            else:
                steps = round((p.high - p.low) / p.step)
                at = (0, steps)[attempt % 2] if attempt < 2 else draw.randint(0, steps)
                value = p.low + at * p.step
                raw[p.name] = int(value) if p.kind is int else round(value, 10)
        try:
            spec.values(raw)
        except FigureError:
            continue
        if raw not in found:
            found.append(raw)
        if len(found) == SAMPLES:
            break
    return found


CASES = [(name, i) for name in _with_controls() for i in range(len(_samples(name)))]


@pytest.fixture(scope="module")
def page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A page with BokehJS and the page script, figures placed into it as each test asks."""
    folder = tmp_path_factory.mktemp("figures")
    scripts = "".join(f"<script>{p.read_text()}</script>" for p, _ in bokehjs_files())
    (folder / "page.html").write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{scripts}"
        f"<script>{page_js()}</script></head><body><main id='figures'></main></body></html>"
    )
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    visit = context.new_page()
    errors: list[str] = []
    visit.on("pageerror", lambda error: errors.append(str(error)))
    visit.goto(Path(folder, "page.html").as_uri())
    visit.errors = errors
    yield visit
    context.close()


PLACE = """(html) => new Promise((done) => {
  const main = document.getElementById("figures");
  main.replaceChildren(document.createRange().createContextualFragment(html));
  vgControls.embed(main);
  const look = () => main.querySelectorAll("figure.vg-drawn").length === 2
    && Bokeh.documents.every((d) => d.is_idle) ? done() : setTimeout(look, 10);
  look();
})"""
# The figure "live" at its defaults, its controls set to `setting`; then what it shows beside
# what the figure "drawn" (Python's, at that setting) shows: every data source's columns, and
# the table of a figure that is HTML only.
SET_AND_COMPARE = (
    """async (setting) => {
  const documentOf = """
    + DOCUMENT
    + """;
  const models = (doc) => [...doc.all_models].sort((a, b) =>
    Number(a.id.split("-").pop()) - Number(b.id.split("-").pop()));
  const controls = Object.fromEntries(Object.values(vgControls.controlsOf("live"))
    .filter((c) => c.name in setting).map((c) => [c.name, c]));
  const settle = async () => {
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  };
  const key = (c) => ("labels" in c ? "active" : "value");
  const wanted = (c) => ("labels" in c ? c.labels.indexOf(String(setting[c.name]))
    : setting[c.name]);
  for (let pass = 0; pass < 4; pass++) {
    for (const c of Object.values(controls)) {
      if (c[key(c)] !== wanted(c)) { c[key(c)] = wanted(c); await settle(); }
    }
  }
  const unset = Object.values(controls).filter((c) => c[key(c)] !== wanted(c)).map((c) => c.name);
  const shown = (figure) => {
    const doc = documentOf(figure);
    if (doc === null) return [document.querySelector(`figure#${figure} .vg-static`).innerHTML];
    return models(doc).filter((m) => "data" in m || ("text" in m && "css_classes" in m))
      .map((m) => ("data" in m ? Object.fromEntries(Object.entries(m.data).map(([k, v]) =>
        [k, Array.from(v, (x) => (ArrayBuffer.isView(x) || Array.isArray(x) ? Array.from(x) : x))]))
        : m.text));
  };
  return {unset, live: shown("live"), drawn: shown("drawn")};
}"""
)


def _close(live: Any, drawn: Any, where: str) -> str | None:
    """Where ``live`` differs from ``drawn`` beyond RTOL, or None."""
    if isinstance(drawn, float | int) and isinstance(live, float | int):
        if live == drawn or abs(live - drawn) <= RTOL * max(abs(live), abs(drawn)):
            return None
        return f"{where}: {live!r} in the browser, {drawn!r} from Python"
    if isinstance(drawn, dict) and isinstance(live, dict):
        if set(drawn) != set(live):
            return f"{where}: columns {sorted(live)} in the browser, {sorted(drawn)} from Python"
        return next((w for k in drawn if (w := _close(live[k], drawn[k], f"{where}.{k}"))), None)
    if isinstance(drawn, list) and isinstance(live, list):
        if len(drawn) != len(live):
            return f"{where}: {len(live)} values in the browser, {len(drawn)} from Python"
        pairs = zip(live, drawn, strict=True)
        return next(
            (w for i, (a, b) in enumerate(pairs) if (w := _close(a, b, f"{where}[{i}]"))), None
        )
    return None if live == drawn else f"{where}: {live!r} in the browser, {drawn!r} from Python"


@pytest.mark.parametrize(("name", "sample"), CASES)
def test_every_control_shows_what_python_draws_for_its_setting(page, name, sample) -> None:
    setting = _samples(name)[sample]
    defaults = render_figure(figure_parts(name, {}, key="live"))
    drawn = render_figure(figure_parts(name, setting, key="drawn"))
    page.evaluate(PLACE, defaults + drawn)
    found = page.evaluate(SET_AND_COMPARE, setting)
    assert found["unset"] == [], f"{name}: controls that would not take {setting}"
    assert len(found["live"]) == len(found["drawn"])
    assert _close(found["live"], found["drawn"], f"figure '{name}' at {setting}") is None
    assert page.errors == []

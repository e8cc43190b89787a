"""What a reader does in the browser, as Playwright helpers: open the post, look at a figure."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

SERIES_COLOURS = {"tan": (0xDD, 0xB3, 0x77), "blue": (0x46, 0x87, 0xB7), "red": (0xCE, 0x7B, 0x6D)}


@dataclass
class Visit:
    """An open page and everything the browser reported while showing it."""

    page: Any
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    offsite_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)


def open_page(browser: Any, base_url: str, path: str, **context: Any) -> Visit:
    """Open ``path`` of the site in a fresh browser context and wait until it is idle."""
    page = browser.new_context(**context).new_page()
    visit = Visit(page, base_url)
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
    page.on(
        "request",
        lambda r: (
            r.url.startswith(("data:", "blob:", base_url)) or visit.offsite_requests.append(r.url)
        ),
    )
    page.on("requestfailed", lambda r: visit.failed_requests.append(r.url))
    page.on("response", lambda r: r.status >= 400 and visit.failed_requests.append(r.url))
    page.goto(base_url + path, wait_until="networkidle")
    return visit


def wait_for_figures(visit: Visit, count: int) -> None:
    """Wait until BokehJS has drawn ``count`` documents and every view is idle."""
    visit.page.wait_for_function(
        """count => window.Bokeh !== undefined && Bokeh.documents.length === count
           && Bokeh.documents.every(doc => doc.is_idle)""",
        arg=count,
        timeout=20000,
    )


def figure_pixels(visit: Visit, figure_id: str) -> Image.Image:
    """What the reader sees of one figure, as an image."""
    locator = visit.page.locator(f"figure#{figure_id} .vg-live")
    locator.scroll_into_view_if_needed()
    return Image.open(io.BytesIO(locator.screenshot())).convert("RGB")


def series_colours_seen(image: Image.Image, tolerance: int = 12) -> set[str]:
    """Which of our series colours appear in ``image`` (the lines actually drawn)."""
    seen = set()
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    for count, (r, g, b) in colours:
        for name, (cr, cg, cb) in SERIES_COLOURS.items():
            if count >= 20 and max(abs(r - cr), abs(g - cg), abs(b - cb)) <= tolerance:
                seen.add(name)
    return seen


def figure_text(visit: Visit, figure_id: str) -> str:
    """The text a reader reads in a figure, Bokeh's shadow roots included."""
    return visit.page.evaluate(
        """id => {
             const parts = [];
             const walk = node => {
               for (const child of node.childNodes) {
                 if (child.nodeType === Node.TEXT_NODE) parts.push(child.textContent);
                 else if (child.nodeType === Node.ELEMENT_NODE && child.tagName !== 'SCRIPT'
                          && child.tagName !== 'STYLE') walk(child);
               }
               if (node.shadowRoot) walk(node.shadowRoot);
             };
             walk(document.querySelector(`figure#${id} .vg-live`));
             return parts.join(' ');
           }""",
        figure_id,
    )

"""Where a built site keeps each figure's static twins.

A module of its own because both ends need it: the page fragment names the twins' addresses
(plugins/vg_figures), and the twins' tasks write there (plugins/vg_twins). Kept apart from
``twins.py``, an edit to how twins are drawn redraws no page fragment.
"""

from __future__ import annotations

from pathlib import Path

# <output>/figures/<post slug>-<n>.png. PNG, not SVG: feed readers and link previews (og:image)
# show PNG everywhere. Here rather than in conf.py because every page that shows a figure
# depends on it, and the package's files are already each page's dependencies (a conf.py value
# would need a dependency of its own, re-rendering every post once).
SITE_FOLDER = "figures"
SITE_FORMAT = "png"


def site_paths(key: str) -> tuple[str, str]:
    """Where a built site keeps the twins of the figure ``key``: (wide, phone), from its root."""
    return f"{SITE_FOLDER}/{key}.{SITE_FORMAT}", f"{SITE_FOLDER}/{key}-narrow.{SITE_FORMAT}"


def site_addresses(key: str) -> tuple[str, str]:
    """The addresses a page gives the twins of the figure ``key``: (wide, phone)."""
    wide, narrow = site_paths(key)
    return "/" + wide, "/" + narrow


LAYOUTS = "vg_layouts"  # in the site's cache folder: not published, read by the pages


def layout_path(cache_folder: str | Path, key: str) -> Path:
    """Where a build keeps what the studio measured of the figure ``key``'s live layout."""
    return Path(cache_folder) / LAYOUTS / f"{key}.json"


def stamp_path(cache_folder: str | Path, key: str) -> Path:
    """Where a build notes what the figure ``key``'s twins and layout are drawn from: what its
    page depends on. Written as the figure is handed over (before any page is checked), it is
    there even while the layout itself is being drawn again; it changes only when what the
    layout is drawn from does."""
    return Path(cache_folder) / LAYOUTS / f"{key}.drawn"

"""A figure cache on disk, so a rebuild after a prose edit draws no figure again.

An entry is a figure's HTML fragment, keyed on everything the fragment is made from: the
package's own files (any edit to ``vanishing_post/`` recomputes every figure: its modules are
shared by all of them), the versions of Python and the libraries that draw, and the figure's
name, arguments and place on the page. A hit imports nothing but the standard library: no
pandas, HoloViews, hvplot or panel.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent
SOURCE_SUFFIXES = (".py", ".js", ".html", ".css")
LIBRARIES = ("bokeh", "holoviews", "hvplot", "panel", "pandas", "numpy", "jinja2", "markupsafe")


def package_files(package: Path = PACKAGE) -> list[Path]:
    """The files figures are made from, in a stable order."""
    return sorted(
        p
        for p in package.rglob("*")
        if p.suffix in SOURCE_SUFFIXES and "__pycache__" not in p.parts and p.is_file()
    )


def sources_digest(package: Path = PACKAGE) -> str:
    """One hash of every source file of the package, names included."""
    digest = hashlib.sha256()
    for path in package_files(package):
        digest.update(str(path.relative_to(package)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Python's and each drawing library's version: a new bokeh makes new fragments."""
    found = {"python": sys.version}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found


class FigureCache:
    """Figures' HTML by key, in ``folder``; ``make`` runs only on a miss."""

    def __init__(self, folder: Path, package: Path = PACKAGE) -> None:
        self.folder = Path(folder)
        self.package = package
        self._context: dict[str, Any] | None = None
        self.hits = 0
        self.misses = 0

    def context(self) -> dict[str, Any]:
        """What every key shares: the package's sources and the libraries' versions."""
        if self._context is None:
            self._context = {
                "sources": sources_digest(self.package),
                "versions": library_versions(),
            }
        return self._context

    def key(self, name: str, raw: Mapping[str, Any], key: str, number: int | None) -> str:
        """The entry's name: a hash of the shared context and this figure's own inputs."""
        figure = {"name": name, "raw": {k: str(v) for k, v in raw.items()}}
        figure.update(key=key, number=number)
        text = json.dumps({**self.context(), "figure": figure}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def mark(self, name: str, value: str) -> str:
        """A file in the cache holding ``value``, rewritten only when it changes: a dependency."""
        path = self.folder / name
        try:
            if path.read_text(encoding="utf-8") == value:
                return str(path)
        except OSError:
            pass
        self._write(path, value)
        return str(path)

    def html(
        self,
        name: str,
        raw: Mapping[str, Any],
        key: str,
        number: int | None,
        make: Callable[[], str],
    ) -> str:
        """The cached fragment, or ``make()``'s, stored whole (never half-written) for next time."""
        entry = self.folder / f"{self.key(name, raw, key, number)}.html"
        try:
            html = entry.read_text(encoding="utf-8")
        except OSError:
            pass
        else:
            self.hits += 1
            return html
        html = make()
        self.misses += 1
        self._write(entry, html)
        return html

    def _write(self, path: Path, text: str) -> None:
        """Write whole or not at all: another build never reads half an entry."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=self.folder, suffix=".tmp", delete=False
        ) as part:
            part.write(text)
        os.replace(part.name, path)

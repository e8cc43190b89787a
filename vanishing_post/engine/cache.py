"""A figure cache on disk, so a rebuild after a prose edit draws no figure again.

An entry is a figure's parts (``embed.figure_parts``: Bokeh's div and data block, caption, alt
text, twins' addresses) as JSON, with their hash (an entry that is not whole is drawn again,
never served), keyed on everything the fragment is made from: the
package's files that figure is made from (``sources.py``: its own module, what that imports,
the rendering path; an edit to ``network.py`` redraws the network figures only, one to
``embed.py`` every figure), the versions of Python and the libraries that draw, and the
figure's name, arguments and place on the page. A hit imports nothing but the standard library:
no numpy, pandas, HoloViews, hvplot or panel.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from vanishing_post.engine.files import note, write_whole
from vanishing_post.engine.sources import PACKAGE, Sources, package_files

# An entry: the parts, and the hash of their JSON (an entry cut short or changed is drawn again).
DIGEST, PARTS = "sha256", "parts"
LIBRARIES = ("bokeh", "holoviews", "hvplot", "panel", "pandas", "numpy", "jinja2", "markupsafe")


def sources_digest(package: Path = PACKAGE, files: Iterable[Path] | None = None) -> str:
    """One hash of ``files`` (all the package's by default), their names included."""
    digest = hashlib.sha256()
    for path in sorted(package_files(package) if files is None else files):
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
        self.sources = Sources(package)
        self._versions: dict[str, str] | None = None
        self._digests: dict[str, str] = {}
        self.hits = 0
        self.misses = 0

    def context(self, name: str) -> dict[str, Any]:
        """What figure ``name`` is made from besides its arguments: the package's files it is
        made from and the libraries' versions (each worked out once per cache)."""
        if self._versions is None:
            self._versions = library_versions()
        if name not in self._digests:
            files = self.sources.figure_files(name)
            self._digests[name] = sources_digest(self.sources.root, files)
        return {"sources": self._digests[name], "versions": self._versions}

    def key(self, name: str, raw: Mapping[str, Any], key: str, number: int | None) -> str:
        """The entry's name: a hash of what the figure is made from and its own inputs."""
        figure = {"name": name, "raw": {k: str(v) for k, v in raw.items()}}
        figure.update(key=key, number=number)
        text = json.dumps({**self.context(name), "figure": figure}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def mark(self, name: str, value: str) -> str:
        """A file in the cache holding ``value``, rewritten only when it changes: a dependency."""
        path = self.folder / name
        try:
            note(path, value)
        except OSError as error:
            raise unusable(path, "written", error, self.folder) from None
        return str(path)

    def has(self, name: str, raw: Mapping[str, Any], key: str, number: int | None) -> bool:
        """Whether the figure's parts are stored already."""
        return self._entry(name, raw, key, number).is_file()

    def get(
        self, name: str, raw: Mapping[str, Any], key: str, number: int | None
    ) -> dict[str, Any] | None:
        """The stored parts, or None: none stored, or an entry that is not whole (its hash
        does not match), which is then drawn again. FigureError naming the cache if it
        cannot be read at all."""
        path = self._entry(name, raw, key, number)
        try:
            stored = json.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except OSError as error:
            raise unusable(path, "read", error, self.folder) from None
        except ValueError:  # cut short, or not text: drawn again
            return None
        if not isinstance(stored, dict) or stored.get(DIGEST) != _digest(stored.get(PARTS)):
            return None
        return stored[PARTS]

    def _entry(self, name: str, raw: Mapping[str, Any], key: str, number: int | None) -> Path:
        return self.folder / f"{self.key(name, raw, key, number)}.json"

    def parts(
        self,
        name: str,
        raw: Mapping[str, Any],
        key: str,
        number: int | None,
        make: Callable[[], dict[str, Any]],
    ) -> dict[str, Any]:
        """The figure's cached parts (``embed.figure_parts``), or ``make()``'s, stored whole
        (never half-written) for next time."""
        found = self.get(name, raw, key, number)
        if found is not None:
            self.hits += 1
            return found
        made = make()
        self.misses += 1
        entry = {DIGEST: _digest(made), PARTS: made}
        self._write(self._entry(name, raw, key, number), json.dumps(entry, sort_keys=True))
        return made

    def _write(self, path: Path, text: str) -> None:
        """Write whole or not at all: another build never reads half an entry. FigureError
        naming the cache if it cannot be written."""
        try:
            write_whole(path, text.encode("utf-8"))
        except OSError as error:
            raise unusable(path, "written", error, self.folder) from None


def unusable(
    path: Path, done: str, error: OSError, folder: Path, cache: str = "figure cache"
) -> Exception:
    """The one-line error for a cache the build cannot use (param, which defines it, is
    imported only then: a hit imports nothing but the standard library)."""
    from vanishing_post.engine.params import FigureError

    return FigureError(
        f"{cache} {path}: cannot be {done} ({error.strerror}), allowed: a folder the "
        f"build may read and write, with room (delete {folder} to start afresh)"
    )


def _digest(parts: Any) -> str:
    """The hash an entry keeps of its parts, to know it whole when read back."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()

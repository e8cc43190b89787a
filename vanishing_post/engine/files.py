"""Files written whole: what a build writes is either all there or not there at all.

Each file is written beside its place under a new name (never through a link planted at a
predictable one), then renamed into place; another build, a server or a reader never sees half
a file. Standard library only: the build's own process and the plugins use it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_whole(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (its folder made if need be), readable by all."""
    write_all({Path(path): data})


def write_all(files: dict[Path, bytes]) -> None:
    """Write each file whole, and all of them or none: each goes to a new file beside its
    place, then all are renamed in."""
    written: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, partial = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=".part"
            )
            written.append((partial, path))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(partial, 0o644)
        for partial, path in written:
            os.replace(partial, path)
    finally:
        for partial, _ in written:
            Path(partial).unlink(missing_ok=True)


def note(path: str | Path, text: str) -> bool:
    """``path`` holding ``text``, written whole only when it holds something else (so that
    what depends on it is not redone); whether it was written."""
    try:
        if Path(path).read_text(encoding="utf-8") == text:
            return False
    except (OSError, ValueError):
        pass
    write_whole(path, text.encode("utf-8"))
    return True

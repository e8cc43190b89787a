"""One ``nikola build`` at a time in a site's folder.

Two builds in one folder (``make serve`` rebuilding while an author runs ``nikola build``) would
write doit's database and the output at once, and can leave the database unreadable for every
later build. A build holds an exclusive lock on ``<CACHE_FOLDER>/build.lock`` from before it
opens that database until its process ends (the system releases it, even after a kill); a
second build waits for it, saying so in one line, and stops with one line after
``VG_BUILD_WAIT_S`` seconds (conf.py).
"""

from __future__ import annotations

import fcntl
import os
import sys
import time

from nikola.plugin_categories import ConfigPlugin
from nikola.utils import LOGGER

LOCK = "build.lock"
POLL_S = 0.2
_held: list[int] = []  # the lock's file, open for as long as the process runs


def hold(path: str, wait_s: float, say=print) -> None:
    """Take the lock at ``path``, waiting up to ``wait_s`` seconds for the build that has it;
    SystemExit with one line if it is not let go by then."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    deadline = time.monotonic() + wait_s
    waiting = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(handle)
                raise SystemExit(
                    f"ERROR: another build in this folder has held {path} for {wait_s:g} s;"
                    " allowed: one build at a time (wait for it, or stop it)"
                ) from None
            if not waiting:
                say(f"Waiting for another build in this folder to finish ({path})")
                waiting = True
            time.sleep(POLL_S)
    _held.append(handle)


class BuildLock(ConfigPlugin):
    """Takes the folder's build lock as ``nikola build`` loads its plugins."""

    name = "vg_lock"

    def set_site(self, site):
        super().set_site(site)
        if sys.argv[1:2] == ["build"]:  # as Nikola itself reads its command line (--strict)
            path = os.path.join(site.config["CACHE_FOLDER"], LOCK)
            hold(path, float(site.config.get("VG_BUILD_WAIT_S", 600)), LOGGER.info)
        return None

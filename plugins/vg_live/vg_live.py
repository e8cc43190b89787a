"""Live preview (``make serve``, i.e. ``nikola auto``) that follows every source of the post.

``nikola auto`` watches posts, templates, themes and plugins; the figures come from
``vanishing_post/`` too, so it is added. And Nikola 8.3.3 skips only watchdog's "opened" and
"closed" events: the watchdog we pin also reports "closed_no_write" whenever a build merely
reads a watched file, so every rebuild would start another, for ever. Reads are skipped here.
"""

from __future__ import annotations

import sys
from pathlib import Path

from nikola.plugin_categories import ConfigPlugin

PACKAGE = Path(__file__).resolve().parents[2] / "vanishing_post"
READS = frozenset({"opened", "closed", "closed_no_write"})


class LivePreview(ConfigPlugin):
    """Registers ``vanishing_post/`` with ``nikola auto`` and keeps its watcher to changes."""

    name = "vg_live"

    def set_site(self, site):
        super().set_site(site)
        self.register_auto_watched_folder(str(PACKAGE))
        auto = site.plugin_manager.get_plugin_by_name("auto", "Command")
        module = sys.modules.get(type(auto.plugin_object).__module__) if auto else None
        handler = getattr(module, "NikolaEventHandler", None)
        if handler is not None and not getattr(handler, "skips_reads", False):
            dispatch = handler.dispatch

            def dispatch_changes(self, event):
                if event.event_type not in READS:
                    dispatch(self, event)

            handler.dispatch = dispatch_changes
            handler.skips_reads = True
        return None

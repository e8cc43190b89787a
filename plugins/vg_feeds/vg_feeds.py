"""Feeds carry each figure as a feed reader shows it: its twin (or table), caption and code.

Nikola builds every feed from the post's HTML (``generic_rss_feed``); this plugin hands each
item to ``vanishing_post.engine.markup.for_feeds``, which leaves out what only the figure's
scripts use and makes the phone twin's address absolute (Nikola rewrites src and href, not
srcset). A feed is written again when that module changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from nikola.plugin_categories import ConfigPlugin

ROOT = Path(__file__).resolve().parents[2]
MADE_BY = ROOT / "vanishing_post" / "engine" / "markup.py"  # for_feeds: a feed depends on it


class FeedFigures(ConfigPlugin):
    """Wraps Nikola's feed builder with ``for_feeds``."""

    name = "vg_feeds"

    def set_site(self, site):
        super().set_site(site)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        feed = site.generic_rss_feed

        def plain_feed(*args, **kwargs):
            from vanishing_post.engine.markup import for_feeds

            rss = feed(*args, **kwargs)
            for item in rss.items:
                if item.description:
                    item.description = for_feeds(item.description, item.link)
            return rss

        site.generic_rss_feed = plain_feed
        generate = site.gen_tasks

        def feed_tasks(*args, **kwargs):
            for task in generate(*args, **kwargs):
                if any(str(target).endswith(".xml") for target in task.get("targets", ())):
                    task["file_dep"] = [*task.get("file_dep", ()), str(MADE_BY)]
                yield task

        site.gen_tasks = feed_tasks
        return None

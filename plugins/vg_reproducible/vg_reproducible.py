"""Byte-identical builds: feeds and sitemaps dated from the sources, never from the clock.

Nikola stamps each feed's ``lastBuildDate`` with the time of the build and each sitemap entry
with its output file's modification time, so two builds of one commit differ. Both get one date
instead: ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds convention), else the newest
post's date. That date is a declared input of every task that writes a feed or a sitemap
(``.xml``): a new ``SOURCE_DATE_EPOCH``, or a newest post that changed, rewrites them at the
next build, as a clean build would write them.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping

from nikola.plugin_categories import ConfigPlugin
from nikola.utils import config_changed

UTC = datetime.UTC


def source_date(
    environ: Mapping[str, str], post_dates: Iterable[datetime.datetime]
) -> datetime.datetime:
    """The date a build carries: ``SOURCE_DATE_EPOCH`` if set, else the newest post's date."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            raise SystemExit(
                f"ERROR: SOURCE_DATE_EPOCH={epoch!r}: allowed: whole seconds since 1970"
            ) from None
    dates = [d.astimezone(UTC) for d in post_dates]
    return max(dates, default=datetime.datetime(1970, 1, 1, tzinfo=UTC))


class ReproducibleDates(ConfigPlugin):
    """Wraps Nikola's feed builder and the sitemap's dates with :func:`source_date`."""

    name = "vg_reproducible"

    def set_site(self, site):
        super().set_site(site)
        feed = site.generic_rss_feed

        def dated_feed(*args, **kwargs):
            rss = feed(*args, **kwargs)
            # PyRSS2Gen writes naive datetimes as UTC
            rss.lastBuildDate = self.date().replace(tzinfo=None)
            return rss

        site.generic_rss_feed = dated_feed
        sitemap = site.plugin_manager.get_plugin_by_name("sitemap", "LateTask")
        if sitemap is not None:
            # Nikola's own format: UTC, to the minute
            sitemap.plugin_object.get_lastmod = lambda path: self.date().strftime(
                "%Y-%m-%dT%H:%M:00Z"
            )
        source_date(os.environ, ())  # a bad SOURCE_DATE_EPOCH stops the build before it starts
        generate = site.gen_tasks

        def dated_tasks(*args, **kwargs):
            for task in generate(*args, **kwargs):
                if any(str(target).endswith(".xml") for target in task.get("targets", ())):
                    dated = config_changed({"date": self.date().isoformat()}, self.name)
                    task["uptodate"] = [*task.get("uptodate", ()), dated]
                yield task

        site.gen_tasks = dated_tasks
        return None

    def date(self) -> datetime.datetime:
        self.site.scan_posts()  # the posts' dates (read once; a no-op once they are)
        return source_date(os.environ, (post.date for post in self.site.timeline))

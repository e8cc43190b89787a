"""Byte-identical builds: two clean builds of the same sources give the same files, byte for byte.

The second copy is made with other file times and in another folder, as a fresh clone elsewhere
would be; feeds and sitemaps carry SOURCE_DATE_EPOCH or the newest post's date, not the clock.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.sites import Build, build, copy_site, environment

pytestmark = pytest.mark.slow  # a real build, a browser or the drawing processes

NOVEMBER_2030 = 1920000000  # 2030-11-04 05:20 UTC


def newest_post(root: Path) -> datetime:
    """The newest post's date, as its metadata gives it (``.. date: ... UTC``)."""
    dates = [
        re.search(r"^\.\. date: (.+) UTC$", post.read_text(), re.MULTILINE).group(1)
        for post in sorted((root / "posts").iterdir())
    ]
    newest = max(datetime.strptime(date, "%Y-%m-%d %H:%M:%S") for date in dates)
    return newest.replace(tzinfo=UTC)


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The site built again, elsewhere, from sources with other modification times."""
    root = copy_site(tmp_path_factory.mktemp("again") / "elsewhere")
    for path in root.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    done = build(root)
    if done.returncode != 0:
        pytest.fail(f"nikola build --strict failed ({done.returncode}):\n{done.log}")
    return done


def test_two_clean_builds_are_identical_file_by_file(site: Build, second: Build) -> None:
    first, again = files(site.output), files(second.output)
    assert sorted(first) == sorted(again)
    differ = [name for name in first if first[name] != again[name]]
    assert differ == []


@pytest.mark.parametrize("name", ["rss.xml", "categories/rnn.xml"])
def test_feeds_are_dated_by_the_newest_post(site: Build, name: str) -> None:
    newest = format_datetime(newest_post(site.root), usegmt=True)
    assert f"<lastBuildDate>{newest}</lastBuildDate>" in (site.output / name).read_text()


@pytest.mark.parametrize("name", ["sitemap.xml", "sitemapindex.xml"])
def test_sitemaps_are_dated_by_the_newest_post(site: Build, name: str) -> None:
    dates = re.findall(r"<lastmod>([^<]*)</lastmod>", (site.output / name).read_text())
    assert dates and set(dates) == {f"{newest_post(site.root):%Y-%m-%dT%H:%M:%SZ}"}


def test_source_date_epoch_dates_feeds_and_sitemaps_at_the_next_build(second: Build) -> None:
    """The date is a declared input: setting SOURCE_DATE_EPOCH, then unsetting it, rewrites
    the feeds and sitemaps of a built site with nothing else changed, as clean builds would."""
    before = files(second.output)
    done = build(second.root, environment(SOURCE_DATE_EPOCH=str(NOVEMBER_2030)))
    assert done.returncode == 0, done.log
    rss = (second.output / "rss.xml").read_text()
    assert "<lastBuildDate>Mon, 04 Nov 2030 05:20:00 GMT</lastBuildDate>" in rss
    assert "<lastmod>2030-11-04T05:20:00Z</lastmod>" in (second.output / "sitemap.xml").read_text()
    done = build(second.root, environment(SOURCE_DATE_EPOCH=None))
    assert done.returncode == 0, done.log
    assert files(second.output) == before


@pytest.mark.parametrize("value", ["yesterday", "1.5e9", "99999999999999999999"])
def test_a_bad_source_date_epoch_stops_the_build_in_one_line(tmp_path: Path, value: str) -> None:
    root = copy_site(tmp_path / "site")
    done = build(root, environment(SOURCE_DATE_EPOCH=value))
    assert done.returncode != 0
    assert f"ERROR: SOURCE_DATE_EPOCH={value!r}: allowed: whole seconds since 1970" in done.log
    assert "Traceback" not in done.log
    assert not (root / "output").exists()

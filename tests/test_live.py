"""Live preview: `nikola auto` (what `make serve` runs) rebuilds when a post, a template or
vanishing_post/ changes, and then settles instead of rebuilding for ever."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import POST
from tests.sites import build, copy_site

pytestmark = pytest.mark.slow  # a real build, a browser or the drawing processes

WAIT = 120  # seconds a rebuild may take on a busy machine before the test gives up


@dataclass
class Preview:
    root: Path
    url: str
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def rebuilds(self) -> int:
        return self.text().count("REBUILDING SITE")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def until(condition: Callable[[], bool], what: str, preview: Preview) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"nikola auto: {what} within {WAIT} s:\n{preview.text()[-4000:]}")
        time.sleep(0.5)


def settled(preview: Preview, quiet: float = 5.0) -> None:
    """Wait until no rebuild has started for ``quiet`` seconds (fails if it never stops)."""
    seen, since = preview.rebuilds(), time.monotonic()

    def quiet_enough() -> bool:
        nonlocal seen, since
        now = preview.rebuilds()
        if now != seen:
            seen, since = now, time.monotonic()
        text = preview.text()
        finished = text.count("Rebuild successful") + text.count("Rebuild failed")
        return time.monotonic() - since >= quiet and finished >= now

    until(quiet_enough, "stop rebuilding", preview)


def page(preview: Preview) -> str:
    with urllib.request.urlopen(preview.url + POST, timeout=30) as response:
        return response.read().decode()


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    root = copy_site(tmp_path_factory.mktemp("live"))
    first = build(root)
    if first.returncode != 0:
        pytest.fail(f"nikola build --strict failed ({first.returncode}):\n{first.log}")
    port = free_port()
    log = root / "auto.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "nikola", "auto", "--address", "127.0.0.1", "--port", str(port)],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Preview(root, f"http://127.0.0.1:{port}/", log)
    try:
        until(lambda: "Serving on" in running.text(), "start serving", running)
        settled(running)
        yield running
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path} no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1))


EDITS = {
    "a post": lambda root: replace(
        root / "posts" / "rnns-and-vanishing-gradients.rst",
        "Stack enough layers",
        "LIVE-POST Stack enough layers",
    ),
    "a template": lambda root: replace(
        root / "templates" / "figures.tmpl",
        '<%block name="extra_head">',
        '<%block name="extra_head">\n<meta name="live-template" content="LIVE-TEMPLATE">',
    ),
    "vanishing_post": lambda root: (
        root / "vanishing_post" / "engine" / "templates" / "figure.html"
    ).write_text(
        (root / "vanishing_post" / "engine" / "templates" / "figure.html").read_text()
        + "<!-- LIVE-PACKAGE -->\n"
    ),
}
MARKS = {"a post": "LIVE-POST", "a template": "LIVE-TEMPLATE", "vanishing_post": "LIVE-PACKAGE"}


@pytest.mark.parametrize("edited", list(EDITS))
def test_an_edit_is_rebuilt_and_served_then_the_preview_settles(preview: Preview, edited) -> None:
    assert MARKS[edited] not in page(preview)
    EDITS[edited](preview.root)
    until(lambda: MARKS[edited] in page(preview), f"serve the edit to {edited}", preview)
    settled(preview)

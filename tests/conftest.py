"""Shared fixtures: one real build of the site, a local server for it, and Debian's Chromium."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tests.sites import ROOT, Build, build, conf_value, copy_site
from vanishing_post.engine import registry

# The site's content registers its figures, numbers and scripts, as a build's plugins load it.
registry.load(registry.content_modules(ROOT / "conf.py"))

# No test is timed (speed targets live in `make bench`): not Hypothesis' either, whose 200 ms
# limit per example a test run beside builds and browsers could cross.
settings.register_profile("untimed", deadline=None)
settings.load_profile("untimed")

CHROMIUM = "/usr/bin/chromium"
# A reader's Chromium: without the twins' pins (engine/twins.py: no scrollbars, no font hinting),
# so the tests see what a reader sees, and the twins are checked against it.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
POST = "posts/rnns-and-vanishing-gradients/"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Build:
    """The site as committed, built once for the whole run by a real `nikola build`: the test
    processes (pytest-xdist) share the run's folder, and one build in it. No test changes it."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    done = built_once(shared / "site")
    if done.returncode != 0:
        pytest.fail(f"nikola build --strict failed ({done.returncode}):\n{done.log}")
    return done


def built_once(root: Path) -> Build:
    """The site built in ``root`` by the first process to ask; the others wait for it (a lock
    on a file beside it) and read how it ended."""
    ended = root.with_suffix(".json")
    with root.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ended.exists():
            record = json.loads(ended.read_text())
            return Build(root, record["returncode"], record["log"])
        shutil.rmtree(root, ignore_errors=True)  # what a process that died building left
        done = build(copy_site(root))
        ended.write_text(json.dumps({"returncode": done.returncode, "log": done.log}))
        return done


# What a host should send with the pages (conf.py): every browser test runs under it.
POLICY = conf_value("VG_CONTENT_SECURITY_POLICY")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The site's files, sent with a Content-Security-Policy, quietly."""

    def __init__(self, *args: Any, policy: str, **kwargs: Any) -> None:
        self.policy = policy
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path, policy: str = POLICY) -> Iterator[str]:
    """``folder`` served over HTTP on 127.0.0.1, on a free port, under ``policy``."""
    handler = functools.partial(_Handler, directory=str(folder), policy=policy)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(site: Build) -> Iterator[str]:
    """The built site served over HTTP, as a host sends it (``POLICY``)."""
    with serve(site.output) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (Playwright cannot download browsers here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def post(browser: Any, site_url: str) -> Iterator[Any]:
    """The post open in Chromium at a desktop width, every figure drawn; one page per module."""
    from tests.reader import open_page, wait_for_figures

    visit = open_page(browser, site_url, POST, viewport={"width": 1100, "height": 900})
    wait_for_figures(visit)
    yield visit
    visit.page.context.close()


@pytest.fixture(scope="session")
def axe_js() -> str:
    """axe-core from the npm registry (package-lock.json), to inject into a page."""
    script = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():  # `make test` installs it; a bare pytest run installs it here
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    version = json.loads((ROOT / "package-lock.json").read_text())["packages"][
        "node_modules/axe-core"
    ]["version"]
    installed = json.loads((script.parent / "package.json").read_text())["version"]
    assert installed == version, "node_modules is stale: run `npm ci`"
    return script.read_text()


@pytest.fixture(scope="module")
def figure() -> Iterator[Callable[..., Any]]:
    """``figure(name, **raw)``: a registered figure's Bokeh model, built once per parameters."""
    from vanishing_post.engine.registry import FIGURES

    built: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] = {}

    def get(name: str, **raw: Any) -> Any:
        key = (name, tuple(sorted(raw.items())))
        if key not in built:
            spec = FIGURES[name]
            built[key] = spec.build(spec.values(raw))
        return built[key]

    yield get
    built.clear()


# The fast tier (`make check`): every test but those that need a real build, a browser or the
# drawing processes (marked slow here, by the fixtures they use, or by their module).
SLOW_FIXTURES = {"site", "site_url", "browser", "post", "studio"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)

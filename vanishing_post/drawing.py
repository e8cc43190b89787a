"""A build's figures drawn in two processes beside it: each figure's Bokeh model built once, for
its page fragment and for its static twins, by whichever drawing process is free.

The build hands over one ``Job`` per figure whose twins are out of date, and per table on the
same page, with the fragment when the figure cache lacks it (plugins/vg_twins). ``start`` forks
the first drawing process, which imports the plotting libraries and then forks the second, so
both have them for one import; the build itself imports none of them and goes on meanwhile
(a build that will surely draw starts them before it has read its posts). ``fragment`` waits
for the fragment a page needs; ``finish`` (plugins/vg_twins_wait) waits for every job and
raises, naming each, if a twin could not be drawn. Pure of Nikola; Linux (``fork``).
"""

from __future__ import annotations

import atexit
import os
import queue
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vanishing_post.params import TITLE, lookup
from vanishing_post.registry import FIGURES

DRAWERS = 2  # drawing processes: one per core of the machine this is built on
WAIT_S = 1.0  # how often a wait looks whether the process it waits for is still there
ABANDON_S = 10.0  # the longest an ended build waits for the drawing processes to stop


@dataclass(frozen=True)
class Job:
    """One figure on one page: its twins to write (a table has none) and, if ``fragment``, its
    HTML to make."""

    name: str
    raw: Mapping[str, str]  # the shortcode's arguments as written, the title too
    key: str  # the figure's id on the page, which its twins are named after
    number: int
    fmt: str
    wide: Path | None
    narrow: Path | None
    fragment: bool


def work(job: Job, made: Callable[[str, str | None], None]) -> str | None:
    """Do ``job``: hand its fragment (None if it failed) to ``made`` as soon as it is ready,
    then write its twins. What went wrong with the twins, naming them, or None.

    A fragment that fails is left to the page, which makes it again and reports the mistake
    as any figure's (one line for an author's, the build stopped for a bug).
    """
    from vanishing_post import embed, twins
    from vanishing_post.site_paths import site_addresses

    spec = lookup(FIGURES, job.name)
    drawing = model = problem = None
    try:
        model = spec.build(spec.values({k: v for k, v in job.raw.items() if k != TITLE.name}))
        if job.wide is not None:
            drawing = twins.sketch(model)  # read before the fragment takes the model over
    except Exception as error:
        problem = _failed(job, error)
    if job.fragment:
        html = None
        if problem is None:
            wide, narrow = site_addresses(job.key)
            try:
                html = embed.figure_html(
                    job.name, job.raw, job.key, job.number, wide, narrow, model=model
                )
            except Exception:
                html = None
        made(job.key, html)
    if drawing is not None:
        try:
            twins.save(drawing, job.fmt, job.wide, job.narrow)
        except Exception as error:
            problem = _failed(job, error)
    return problem


def _failed(job: Job, error: Exception) -> str:
    where = job.wide.name if job.wide is not None else job.key
    return f"figure '{job.name}' ({where}): {type(error).__name__}: {error}"


class Drawer:
    """The jobs of one build and the two processes drawing them."""

    def __init__(self) -> None:
        self._jobs: Any = None
        self._reports: Any = None
        self._process: Any = None
        self._asked: dict[str, Job] = {}  # fragments a job will make, by figure key
        self._made: dict[str, str | None] = {}
        self._failed: list[str] = []
        self._drawers = DRAWERS  # the drawing processes still to report they are done
        self._stop: Any = None  # set when the build ends before finish(): stop after this job

    @property
    def busy(self) -> bool:
        """Whether drawing processes were started that ``finish`` has not waited for yet."""
        return self._process is not None

    def start(self) -> None:
        """Start the drawing processes, if not yet: their import then overlaps the build."""
        if self._process is not None:
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._jobs, self._reports, self._stop = context.Queue(), context.Queue(), context.Event()
        self._process = context.Process(
            target=_first_drawer, args=(self._jobs, self._reports, self._stop), daemon=True
        )
        self._process.start()
        atexit.register(self.abandon)  # before multiprocessing's own exit kills them mid-file

    def submit(self, job: Job) -> None:
        """Hand ``job`` over; returns at once."""
        self.start()
        if job.fragment:
            self._asked[job.key] = job
            self._made.pop(job.key, None)  # one an earlier, failed build left behind
        self._jobs.put(job)

    def fragment(self, key: str, name: str, raw: Mapping[str, Any]) -> str | None:
        """The fragment of figure ``key`` once made, if a job was asked for it with this name
        and these arguments; None when the caller must make it."""
        job = self._asked.pop(key, None)
        if job is None or (job.name, dict(job.raw)) != (name, {k: str(v) for k, v in raw.items()}):
            return None
        while key not in self._made and self._drawers == DRAWERS and self._receive():
            pass
        return self._made.pop(key, None)

    def finish(self) -> None:
        """Wait for every job; RuntimeError naming each twin that could not be drawn."""
        if self._process is None:
            return
        for _ in range(DRAWERS):  # behind every job: one stop for each drawing process
            self._jobs.put(None)
        while self._drawers and self._receive():
            pass
        if self._drawers:
            code = self._process.exitcode
            self._failed.append(f"the drawing processes stopped (exit code {code})")
        self._process.join()
        atexit.unregister(self.abandon)
        failed = self._failed
        self.__init__()
        if failed:
            raise RuntimeError("static twins not drawn: " + "; ".join(failed))

    def abandon(self) -> None:
        """Stop the drawing processes as soon as each has written the twins it is drawing, for
        a build that ended early (an author's mistake): no half-written file is left behind."""
        if self._process is None:
            return
        self._stop.set()
        self._process.join(ABANDON_S)
        if self._process.is_alive():
            self._process.kill()
        atexit.unregister(self.abandon)
        self.__init__()

    def _receive(self) -> bool:
        """Take one report, waiting for it; False once none can come (the processes are gone)."""
        while True:
            try:
                kind, *rest = self._reports.get(timeout=WAIT_S)
                break
            except queue.Empty:
                if self._process.is_alive():
                    continue
                try:  # what it sent as it stopped
                    kind, *rest = self._reports.get(timeout=WAIT_S)
                    break
                except queue.Empty:
                    return False
        if kind == "made":
            self._made[rest[0]] = rest[1]
        elif kind == "failed":
            self._failed.append(rest[0])
        elif kind == "lost":  # the second process died: its job's fragment will never come
            self._failed.append(rest[0])
            self._drawers -= 1
        else:
            self._drawers -= 1
        return True


def _first_drawer(jobs: Any, reports: Any, stop: Any) -> None:
    """The first drawing process: import, fork the second, then both work jobs until a stop."""
    _die_with_parent()
    from vanishing_post.figures import _holoviews
    from vanishing_post.twins import preload

    _holoviews()
    preload()
    second = os.fork()
    if second == 0:
        try:
            _die_with_parent()
            _work_jobs(jobs, reports, stop, None)
        finally:
            reports.close()
            reports.join_thread()  # everything sent before this process ends
            os._exit(0)
    _work_jobs(jobs, reports, stop, second)


def _work_jobs(jobs: Any, reports: Any, stop: Any, second: int | None) -> None:
    """Work jobs until a stop (in the queue, or ``stop`` set), reporting each fragment and
    failure; the first process also watches the second, and reports it lost if it dies."""

    def made(key: str, html: str | None) -> None:
        reports.put(("made", key, html))

    while True:
        try:
            job = jobs.get(timeout=WAIT_S)
        except queue.Empty:
            second = _watch(second, reports, wait=False)
            if stop.is_set():
                break
            continue
        if job is None or stop.is_set():
            break
        problem = work(job, made)
        if problem:
            reports.put(("failed", problem))
        second = _watch(second, reports, wait=False)
    _watch(second, reports, wait=True)
    reports.put(("done",))


def _watch(second: int | None, reports: Any, *, wait: bool) -> int | None:
    """The second process's id while it runs; None once it has ended (reported if it died)."""
    if second is None:
        return None
    pid, status = os.waitpid(second, 0 if wait else os.WNOHANG)
    if pid == 0:
        return second
    if status != 0:
        reports.put(("lost", f"the second drawing process died (wait status {status})"))
    return None


def _die_with_parent() -> None:
    """Linux: end when the process that started this one ends, even if it is killed, so no
    drawing process outlives a failed build."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass


DRAWER = Drawer()  # the build's drawer (plugins vg_twins, vg_figures and vg_twins_wait)

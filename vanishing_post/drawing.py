"""A build's figures drawn on both cores: each figure's Bokeh model built once, for its page
fragment and for its static twins, by whichever of two processes is free.

Before any page is rendered, the site's build hands over one ``Job`` per figure whose twins are
out of date (plugins/vg_twins), asking for its fragment too when the figure cache lacks it. The
first job imports the plotting libraries, then the process forks, so both processes have them
for one import. The second process works through the jobs while the first renders pages; when
a page needs a fragment a job makes (``fragment``), the first works jobs too until that one is
made. ``finish`` (plugins/vg_twins_wait) works what is left, waits for the second process, and
raises, naming each, if a twin could not be drawn. Pure of Nikola.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vanishing_post.params import TITLE, lookup
from vanishing_post.registry import FIGURES


@dataclass(frozen=True)
class Job:
    """One figure on one page: its twins to write and, if ``fragment``, its HTML to make."""

    name: str
    raw: Mapping[str, str]  # the shortcode's arguments as written, the title too
    key: str  # the figure's id on the page, which its twins are named after
    number: int
    fmt: str
    wide: Path
    narrow: Path
    fragment: bool


def work(job: Job, made: Callable[[str, str | None], None]) -> str | None:
    """Do ``job``: hand its fragment (None if it failed) to ``made`` as soon as it is ready,
    then write its twins. What went wrong with the twins, naming them, or None.

    A fragment that fails is left to the page, which makes it again and reports the mistake
    as any figure's (one line for an author's, the build stopped for a bug).
    """
    from vanishing_post import embed, twins
    from vanishing_post.site_paths import site_paths

    spec = lookup(FIGURES, job.name)
    drawing = problem = None
    try:
        model = spec.build(spec.values({k: v for k, v in job.raw.items() if k != TITLE.name}))
        drawing = twins.sketch(model)  # read before the fragment takes the model over
    except Exception as error:
        problem = _failed(job, error)
    if job.fragment:
        html = None
        if drawing is not None:
            wide, narrow = site_paths(job.key)
            try:
                html = embed.figure_html(
                    job.name, job.raw, job.key, job.number, "/" + wide, "/" + narrow, model=model
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
    return f"figure '{job.name}' ({job.wide.name}): {type(error).__name__}: {error}"


class Drawer:
    """The jobs of one build, shared by this process and a second one it forks on the first."""

    def __init__(self) -> None:
        self._jobs: Any = None
        self._report: Any = None
        self._process: Any = None
        self._asked: dict[str, Job] = {}  # fragments a job will make, by figure key
        self._made: dict[str, str | None] = {}
        self._failed: list[str] = []
        self._done = False

    @property
    def busy(self) -> bool:
        """Whether jobs were handed over that ``finish`` has not waited for yet."""
        return self._process is not None

    def submit(self, job: Job) -> None:
        """Hand ``job`` over; returns at once."""
        if self._process is None:
            self._start()
        if job.fragment:
            self._asked[job.key] = job
            self._made.pop(job.key, None)  # one an earlier, failed build left behind
        self._jobs.put(job)

    def fragment(self, key: str, name: str, raw: Mapping[str, Any]) -> str | None:
        """The fragment of figure ``key`` if a job was asked for it with this name and these
        arguments, once made (working jobs meanwhile); None when the caller must make it."""
        job = self._asked.pop(key, None)
        if job is None or (job.name, dict(job.raw)) != (name, {k: str(v) for k, v in raw.items()}):
            return None
        while key not in self._made:
            self._receive(wait=False)
            if key in self._made or self._work_one():
                continue
            if not self._receive(wait=True):
                break  # the second process stopped: finish() says so
        return self._made.pop(key, None)

    def finish(self) -> None:
        """Wait for every job; RuntimeError naming each twin that could not be drawn."""
        if self._process is None:
            return
        # One stop for each process, behind the jobs: each works jobs until it takes a stop,
        # so every job is done once, by whichever process was free.
        self._jobs.put(None)
        self._jobs.put(None)
        while (job := self._jobs.get()) is not None:
            self._work(job)
        while not self._done:
            if not self._receive(wait=True) and not self._done:
                self._failed.append(
                    f"the drawing process stopped (exit code {self._process.exitcode})"
                )
                break
        self._process.join()
        self._report.close()
        failed = self._failed
        self.__init__()
        if failed:
            raise RuntimeError("static twins not drawn: " + "; ".join(failed))

    def _start(self) -> None:
        import multiprocessing

        from vanishing_post.figures import _holoviews
        from vanishing_post.twins import preload

        _holoviews()  # imported before the fork: both processes have it for one import
        preload()
        context = multiprocessing.get_context("fork")
        self._jobs = context.Queue()
        self._report, theirs = context.Pipe()
        self._process = context.Process(target=_drawing, args=(self._jobs, theirs), daemon=True)
        self._process.start()
        theirs.close()

    def _work_one(self) -> bool:
        """Work the next job if one is waiting; whether there was one."""
        try:
            job = self._jobs.get_nowait()
        except queue.Empty:
            return False
        if job is None:  # not before finish(); kept for the process it was meant for
            self._jobs.put(None)
            return False
        self._work(job)
        return True

    def _work(self, job: Job) -> None:
        problem = work(job, self._made.__setitem__)
        if problem:
            self._failed.append(problem)

    def _receive(self, *, wait: bool) -> bool:
        """Take the second process's reports (one at least if ``wait``); False once it is gone."""
        try:
            while not self._done and (wait or self._report.poll()):
                wait = False
                kind, *rest = self._report.recv()
                if kind == "made":
                    self._made[rest[0]] = rest[1]
                elif kind == "failed":
                    self._failed.append(rest[0])
                else:
                    self._done = True
        except (EOFError, OSError):
            return False
        return True


def _drawing(jobs: Any, report: Any) -> None:
    """The second process: work jobs until a stop, reporting each fragment and failure."""
    while (job := jobs.get()) is not None:
        problem = work(job, lambda key, html: report.send(("made", key, html)))
        if problem:
            report.send(("failed", problem))
    report.send(("done",))


DRAWER = Drawer()  # the build's drawer (plugins vg_twins, vg_figures and vg_twins_wait)

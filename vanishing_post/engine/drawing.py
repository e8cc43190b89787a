"""A build's figures drawn beside it: page fragments made by a pool of processes, one per core,
and static twins photographed from those fragments by one headless Chromium.

The build hands over one ``Job`` per figure whose twins are out of date, and per table on the
same page, with its fragment when the figure cache holds it (plugins/vg_twins). The pool
(``concurrent.futures``) forks its processes from a forkserver that has imported the plotting
libraries once; the build's own process imports none of them and goes on meanwhile (a build
that will surely draw starts the forkserver and the browser before it has read its posts).
The twins are photographed in one thread of the build by ``twins.Studio``, each as soon as its
fragment exists. ``fragment`` waits for the fragment a page needs; ``finish``
(plugins/vg_twins_wait) waits for every job and raises, naming each, if a twin could not be
drawn. Pure of Nikola.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import queue
import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import CancelledError as Cancelled
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as Late
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vanishing_post.engine import twins
from vanishing_post.engine.markup import render_figure
from vanishing_post.engine.params import FigureError

# What the forkserver imports once, before forking the pool's processes: the build's own main
# module (each process would import it again otherwise), the plotting libraries and the
# engine's rendering path; then the site's content modules (``use``), which register figures.
PRELOAD = (
    "__main__",
    "holoviews",
    "holoviews.plotting.bokeh",
    "hvplot.pandas",
    "vanishing_post.engine.registry",
    "vanishing_post.engine.embed",
)
# The longest a page waits for its fragment, and the end of the build for a twin (the pool may
# be importing); the site sets its own (conf.py, VG_DRAW_WAIT_S).
WAIT_S = 300.0
CLOSE_S = 30.0  # the longest an ending build waits for the browser to close
# Figures the studio draws at once, each in pages of its own: one per two cores (one figure
# keeps a core busy between BokehJS and the photograph; on two cores, the fragments need the other).
IN_FLIGHT = max(1, (os.cpu_count() or 1) // 2)


@dataclass(frozen=True)
class Job:
    """One figure on one page: its twins to write, by width (None for a table: it has none),
    where to write its layout, and its parts (``embed.figure_parts``) when the figure cache
    holds them (else a pool process makes them)."""

    name: str
    raw: Mapping[str, str]  # the shortcode's arguments as written, the title too
    key: str  # the figure's id on the page, which its twins are named after
    number: int
    twins: Mapping[str, Path] | None
    layout: Path
    fragment: Mapping[str, Any] | None = None


def make_fragment(
    name: str, raw: Mapping[str, str], key: str, number: int
) -> dict[str, Any] | None:
    """The parts of figure ``name``, as the page would make them; None if that fails: the page
    then makes them itself and reports the mistake as any figure's."""
    from vanishing_post.engine import embed
    from vanishing_post.engine.render import holoviews
    from vanishing_post.engine.site_paths import site_addresses

    holoviews()
    wide, narrow = site_addresses(key)
    try:
        return embed.figure_parts(name, raw, key, number, wide, narrow)
    except Exception:
        return None


@dataclass
class _Figure:
    """What became of one job: its fragment for the page, its twins' outcome."""

    job: Job
    fragment: Future = field(default_factory=Future)  # the HTML, or None
    twins: Future | None = None  # done once written; its exception names what failed


class Drawer:
    """The jobs of one build, the processes making their fragments and the studio
    photographing their twins."""

    def __init__(
        self,
        widths: Mapping[str, Sequence[int]] = twins.WIDTHS,
        stylesheets: Iterable[Path] = (),
        content: Sequence[str] = (),
        wait_s: float = WAIT_S,
    ) -> None:
        self.use(widths, stylesheets, content, wait_s)
        self.make = make_fragment  # what a pool process runs for a figure
        self._pool: ProcessPoolExecutor | None = None
        self._camera: _Camera | None = None
        self._dispatch: ThreadPoolExecutor | None = None  # hands fragments to the pool
        self._figures: dict[str, _Figure] = {}
        self._stopping = False

    def use(
        self,
        widths: Mapping[str, Sequence[int]],
        stylesheets: Iterable[Path],
        content: Sequence[str] = (),
        wait_s: float = WAIT_S,
    ) -> None:
        """The twins' widths, the stylesheets of the pages they are drawn for, the content
        modules whose figures the pool's processes make (imported once, before they fork), and
        the longest to wait for one figure."""
        self._wait_s = float(wait_s)
        self._widths = {name: tuple(w) for name, w in widths.items()}
        self._stylesheets = [Path(p) for p in stylesheets]
        self._content = list(content)

    @property
    def busy(self) -> bool:
        """Whether work was started that ``finish`` has not waited for yet."""
        return self._pool is not None

    def start(self) -> None:
        """Start the pool's forkserver importing and the browser loading, if not yet: both
        then overlap the build. TwinError at once if there is no Chromium on this machine."""
        if self._pool is not None:
            return
        twins.find_chromium()  # a VG_CHROMIUM that is not a program: said before any work
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([*PRELOAD, *self._content])
        from multiprocessing import forkserver

        forkserver.ensure_running()  # imports now, while the build reads its posts
        self._pool = ProcessPoolExecutor(os.cpu_count() or 1, context, initializer=_die_with_parent)
        self._camera = _Camera(twins.Studio(self._widths, self._stylesheets))
        self._dispatch = ThreadPoolExecutor(1, thread_name_prefix="vg-dispatch")
        atexit.register(self.abandon)

    def submit(self, job: Job) -> None:
        """Hand ``job`` over; returns at once."""
        self.start()
        figure = _Figure(job)
        self._figures[job.key] = figure
        if job.fragment is not None:
            self._photograph(figure)
            figure.fragment.set_result(job.fragment)
            return
        # the pool's first process is forked once the forkserver's import is done: ask from
        # a thread of its own, so that the build does not wait for the import here
        self._dispatch.submit(self._make, self._pool, figure)

    def _make(self, pool: ProcessPoolExecutor, figure: _Figure) -> None:
        job = figure.job
        try:
            made = pool.submit(self.make, job.name, dict(job.raw), job.key, job.number)
        except RuntimeError:  # the build stopped early: the pool is shut
            figure.fragment.set_result(None)
            return
        made.add_done_callback(lambda done: self._made(figure, done))

    def _made(self, figure: _Figure, made: Future) -> None:
        """A pool process made (or failed to make) ``figure``'s fragment: its twins are asked
        for before the page is told, so ``finish`` never misses them."""
        error = None if made.cancelled() else made.exception()
        parts = None if made.cancelled() or error is not None else made.result()
        if error is not None:
            figure.twins = Future()
            figure.twins.set_exception(error)
        elif parts is not None:
            self._photograph(figure)
        figure.fragment.set_result(parts)

    def _photograph(self, figure: _Figure) -> None:
        """Draw ``figure`` in the studio's thread (photographing its plots, measuring its
        layout), then have a pool process make the pictures compact and write them with the
        layout (the build's own process stays free for its pages)."""
        if self._stopping:
            return
        written: Future = Future()
        figure.twins = written
        shot = self._camera.shoot(figure.job, figure.fragment)
        shot.add_done_callback(lambda done: self._write(figure.job, done, written))

    def _write(self, job: Job, shot: Future, written: Future) -> None:
        if shot.cancelled() or shot.exception() is not None:
            written.set_exception(shot.exception() if not shot.cancelled() else Cancelled())
            return
        pool = self._pool
        try:
            twin_paths = dict(job.twins) if job.twins else None
            saved = pool.submit(twins.write, shot.result(), twin_paths, job.layout)
        except RuntimeError as error:  # the build stopped early: the pool is shut
            written.set_exception(error)
            return
        saved.add_done_callback(lambda done: _copy(done, written))

    def fragment(self, key: str, name: str, raw: Mapping[str, Any]) -> dict[str, Any] | None:
        """The parts of figure ``key`` once made, if a job was asked for them with this name
        and these arguments; None when the caller must make them."""
        figure = self._figures.get(key)
        if figure is None or (figure.job.name, dict(figure.job.raw)) != (
            name,
            {k: str(v) for k, v in raw.items()},
        ):
            return None
        try:
            return figure.fragment.result(timeout=self._wait_s)
        except Late:
            self._kill_workers()
            raise FigureError(
                f"figure '{name}' ({key}): not made within {self._wait_s:g} s (VG_DRAW_WAIT_S"
                " in conf.py), allowed: a figure whose code returns"
            ) from None

    def twins_of(self, key: str) -> None:
        """Return once the twins and the layout of figure ``key`` are written, if a job draws
        them (the page then reads the layout); one that failed is reported by ``finish``, but
        a browser that could not start is a TwinError at once: no page without its twins."""
        figure = self._figures.get(key)
        if figure is None:
            return
        try:
            figure.fragment.result(timeout=self._wait_s)
            if figure.twins is not None:
                figure.twins.result(timeout=self._wait_s)
        except Exception:
            pass
        if self._camera.opened.done() and self._camera.opened.exception() is not None:
            raise self._camera.opened.exception()

    def finish(self) -> None:
        """Wait for every job; TwinError if the browser could not start, RuntimeError naming
        each twin that could not be drawn."""
        if self._pool is None:
            return
        failed = []
        try:
            for figure in self._figures.values():
                figure.fragment.result(timeout=self._wait_s)  # its twins are asked for by then
                if figure.twins is None:
                    continue
                try:
                    figure.twins.result(timeout=self._wait_s)
                except Late:
                    self._kill_workers()
                    failed.append(_failed(figure.job, f"not drawn after {self._wait_s:g} s"))
                except Exception as error:
                    failed.append(_failed(figure.job, _reason(figure.job, error)))
            opened = self._camera.opened.exception()
        finally:
            self._stop(cancel=False)
        if isinstance(opened, twins.TwinError):  # the browser's fault, not the figures'
            raise opened
        if failed:
            raise RuntimeError("static twins not drawn: " + "; ".join(failed))

    def _kill_workers(self) -> None:
        """A figure was not made in time: its process may never return. concurrent.futures
        (Python 3.11) cannot stop a process in the middle of a call (terminate_workers comes in
        3.14), and Python's exit waits for the pool's processes before any exit handler runs:
        kill them now (the pool is then broken; what is left fails, each named)."""
        processes = getattr(self._pool, "_processes", None) or {}
        for process in list(processes.values()):
            process.kill()

    def abandon(self) -> None:
        """Stop for a build that ended early (an author's mistake): jobs not begun are dropped,
        twins being written are finished (each is written whole or not at all)."""
        if self._pool is not None:
            self._stop(cancel=True)

    def _stop(self, cancel: bool) -> None:
        """Shut the pool, then have the studio's thread close the browser and end."""
        self._stopping = True
        self._dispatch.shutdown(wait=True, cancel_futures=cancel)
        self._pool.shutdown(wait=True, cancel_futures=cancel)
        self._camera.stop(cancel)
        atexit.unregister(self.abandon)
        self._pool = self._camera = self._dispatch = None
        self._figures = {}
        self._stopping = False


class _Camera:
    """The one thread the studio lives in, from opening the browser to closing it (Playwright's
    objects belong to the thread that made them), drawing up to ``IN_FLIGHT`` figures at once.
    Not a ThreadPoolExecutor: a build that ends early closes the browser from its exit handler,
    after Python has shut every executor to new work; this thread is a daemon, so it is still
    there to be asked."""

    def __init__(self, studio: twins.Studio) -> None:
        self.opened: Future = Future()  # the browser started, or why not
        self._cancel = False
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(
            target=self._run, args=(studio,), name="vg-studio", daemon=True
        )
        self._thread.start()

    def shoot(self, job: Job, parts: Future) -> Future:
        """``studio.shoot`` of the figure ``parts`` make, in the studio's thread: its pictures
        and layouts by width."""
        future: Future = Future()
        self._jobs.put((future, job, parts))
        return future

    def stop(self, cancel: bool) -> None:
        """End after the figures asked for (none of those not begun, if ``cancel``), closing
        the browser."""
        self._cancel = cancel
        self._jobs.put(None)
        self._thread.join(CLOSE_S)

    def _run(self, studio: twins.Studio) -> None:
        try:
            try:
                studio.open()
                self.opened.set_result(None)
            except BaseException as error:
                self.opened.set_exception(error)
            ending = False
            while not ending and (asked := self._jobs.get()) is not None:
                batch = [asked]
                while len(batch) < IN_FLIGHT and not ending:
                    try:
                        more = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    ending = more is None
                    batch += [] if ending else [more]
                self._shoot(studio, batch)
        finally:
            studio.close()

    def _shoot(self, studio: twins.Studio, batch: list[tuple[Future, Job, Future]]) -> None:
        begun = [
            (future, job, parts)
            for future, job, parts in batch
            if not (self._cancel and future.cancel()) and future.set_running_or_notify_cancel()
        ]
        if not begun:
            return
        try:
            figures = [(job.name, render_figure(parts.result())) for _, job, parts in begun]
            results = studio.shoot_many(figures)
        except BaseException as error:
            results = [error] * len(begun)
        for (future, _, _), result in zip(begun, results, strict=True):
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)


def _copy(source: Future, target: Future) -> None:
    """What ``source`` ended with, into ``target``."""
    if source.cancelled():
        target.set_exception(Cancelled())
    elif source.exception() is not None:
        target.set_exception(source.exception())
    else:
        target.set_result(source.result())


def _failed(job: Job, reason: str) -> str:
    where = ", ".join(sorted(p.name for p in job.twins.values())) if job.twins else job.key
    return f"figure '{job.name}' ({where}): {reason}"


def _reason(job: Job, error: BaseException) -> str:
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(error, BrokenProcessPool):
        return "the drawing processes stopped (one of them died)"
    if isinstance(error, twins.TwinError):
        return str(error).removeprefix(f"figure '{job.name}': ")
    return f"{type(error).__name__}: {error}"


def _die_with_parent() -> None:
    """Linux: end when the forkserver ends (it ends with the build), even if the build is
    killed, so no drawing process outlives it."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass


DRAWER = Drawer()  # the build's drawer (plugins vg_twins, vg_figures and vg_twins_wait)

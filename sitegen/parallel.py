"""Doing one piece of work per story on every core, with results in story order.

Workers are forked, so they inherit what the work needs (the validated site and
the theme) from a module-level value set before the pool starts: nothing large
is pickled in, only story numbers, and each worker makes its per-process state
(a page renderer, with its compiled templates) once. Results come back in the
order of the stories, so the output is the same bytes as a serial build's.

The pool is used only where it pays and is safe: more than MIN_STORIES stories,
more than one CPU (or SITEGEN_JOBS), the "fork" start method, and the main
thread (forking a process that runs other threads, such as `sitegen serve`'s,
can copy a lock held mid-use). `SITEGEN_JOBS=1` forces a serial build.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from .meanwhile import job_count

Shared = TypeVar("Shared")
Result = TypeVar("Result")

MIN_STORIES = 8  # below this, starting workers costs more than it saves
CHUNKS_PER_WORKER = 4  # small enough chunks that a slow story does not leave a core idle
MAX_CHUNK = 4  # stories per task at most, so that an interrupted build stops at once

# Set in the parent right before the pool forks; read by the workers.
_inherited: tuple[Callable[[Any], Callable[[int], Any]], Any] | None = None
_worker: Callable[[int], Any] | None = None


def worker_count(items: int) -> int:
    """How many processes to use for `items` stories: 1 means serial, in this process."""
    jobs = job_count()
    if (
        jobs < 2
        or items <= MIN_STORIES
        or threading.current_thread() is not threading.main_thread()
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return 1
    return min(jobs, items)


def _start_worker() -> None:
    """In each worker: leave interrupts to the parent, and die with it; and collect
    cyclic garbage, which a worker's many pages make, even if the parent paused that."""
    gc.enable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):
        # Linux: a parent killed outright (SIGKILL) takes its workers along, rather than
        # leaving them waiting for work forever with the parent's stdout and stderr open.
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:
        os._exit(1)  # the parent died before the line above took effect


def _run(index: int) -> Any:
    """One story's work, in a worker, with the state made once per worker."""
    global _worker
    if _worker is None:
        assert _inherited is not None, "the pool must be started by in_story_order"
        make_worker, shared = _inherited
        _worker = make_worker(shared)
    return _worker(index)


def _serially(
    make_worker: Callable[[Shared], Callable[[int], Result]], shared: Shared, count: int
) -> Iterator[Result]:
    work = make_worker(shared)
    return (work(index) for index in range(count))


@contextlib.contextmanager
def in_story_order(
    make_worker: Callable[[Shared], Callable[[int], Result]],
    shared: Shared,
    count: int,
    jobs: int,
) -> Iterator[Iterator[Result]]:
    """Run `make_worker(shared)(i)` for i in range(count), in `jobs` processes.

    The work starts on entering; the caller may do other work meanwhile, then
    iterate over what this yields: the results in story order, each as soon as it
    is ready (the first story's exception, in that order, is raised).
    `make_worker` must be a module-level function (workers find it by name). With
    `jobs` 1 the work is done serially here, when the results are asked for. On
    leaving early (an exception, an interrupt) pending work is cancelled; the
    chunks under way (MAX_CHUNK stories at most) are finished, as workers ignore
    SIGINT and leave interrupts to us.
    """
    if jobs < 2:
        yield _serially(make_worker, shared, count)
        return
    global _inherited, _worker
    _inherited, _worker = (make_worker, shared), None
    executor = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
    )
    finished = False
    try:
        chunk = max(1, min(MAX_CHUNK, count // (jobs * CHUNKS_PER_WORKER)))
        results = executor.map(_run, range(count), chunksize=chunk)
        yield results
        finished = True
    finally:
        _inherited = None
        # Workers are never killed, only left to end their chunk: one killed while
        # sending its result back would leave the pool's reader thread waiting forever
        # for the rest, and Python waits for that thread at exit.
        executor.shutdown(wait=True, cancel_futures=not finished)

"""Doing one short piece of work in a forked child while this process does another.

A no-op build looks up the status of every input and of every output file: at
5,000 stories, 20,000 and 37,552 of them. Two threads took longer than one for
that (0.41-0.54 s against 0.22-0.30 s for the output's files), as each call
returns to the interpreter; a forked child has an interpreter of its own, so the
output's files are looked up there while this process looks up the inputs.

A child is forked only where that is safe and pays, as for parallel.py's workers:
more than one CPU (and not SITEGEN_JOBS=1), an `os.fork`, and no other thread in
this process (forking while `sitegen serve`'s threads run could copy a lock held
mid-use). Otherwise the work is done in this process, when its result is asked for.
How many processes may work at once (`job_count`) is said here for the render
workers and the Pagefind processes too.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import threading
from collections.abc import Callable, Iterator
from typing import TypeAlias, TypeVar

# What marshal writes and reads back as it was: the results a child can send.
Plain: TypeAlias = "bool | int | float | str | bytes | tuple[Plain, ...] | list[Plain] | None"
Result = TypeVar("Result", bound=Plain)

JOBS_VARIABLE = "SITEGEN_JOBS"


def job_count() -> int:
    """How many processes may work at once: SITEGEN_JOBS, or the CPUs this process may use."""
    setting = os.environ.get(JOBS_VARIABLE, "").strip()
    if not setting:
        if hasattr(os, "sched_getaffinity"):  # not on macOS
            return max(1, len(os.sched_getaffinity(0)))
        return os.cpu_count() or 1
    try:
        return max(1, int(setting))
    except ValueError:
        return 1


def can_fork() -> bool:
    """Whether a child may be forked to work alongside this process."""
    return job_count() >= 2 and _alone() and hasattr(os, "fork")


def _alone() -> bool:
    """Whether this process runs no thread but this one."""
    return threading.active_count() == 1


@contextlib.contextmanager
def meanwhile(work: Callable[[], Result]) -> Iterator[Callable[[], Result]]:
    """Start `work()` in a forked child; yield a function that waits for its result.

    The result, of plain values (those `marshal` writes), comes back through a pipe.
    If the child fails in any way, the work is done again here, so that an error is
    raised where it would be without a child. On leaving the block, a child whose
    result was not asked for is killed. Without a child (`can_fork`), `work()` runs
    here when its result is asked for.
    """
    if not can_fork():
        yield work
        return
    reading, writing = os.pipe()
    try:
        child = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        yield work
        return
    if child == 0:  # in the child, which never returns from this
        _run_child(work, reading, writing)
    os.close(writing)
    sent: list[bytes] = []  # what the child sent, once it has ended

    def result() -> Result:
        if not sent:
            with os.fdopen(reading, "rb", closefd=False) as stream:
                data = stream.read()
            _, status = os.waitpid(child, 0)
            sent.append(data if status == 0 else b"")
        found: Result = marshal.loads(sent[0]) if sent[0] else work()
        return found

    try:
        yield result
    finally:
        if not sent:
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
        os.close(reading)


def _run_child(work: Callable[[], Result], reading: int, writing: int) -> None:
    """In the child: do the work, send its result and end, without running anything the
    parent set to run at exit or flushing the parent's buffered output."""
    code = 1
    try:
        os.close(reading)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        data = marshal.dumps(work())
        with os.fdopen(writing, "wb") as stream:
            stream.write(data)
        code = 0
    finally:
        os._exit(code)

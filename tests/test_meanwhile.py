"""Work done in a forked child while the build goes on: its result, or the same error."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from sitegen import meanwhile as meanwhile_module
from sitegen.meanwhile import can_fork, job_count, meanwhile


@pytest.fixture
def two_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child is forked: two jobs, and no thread counted (an earlier test may have left
    an idle one in this process, which a child that only runs `work` does not touch)."""
    monkeypatch.setenv("SITEGEN_JOBS", "2")
    monkeypatch.setattr(meanwhile_module, "_alone", lambda: True)
    assert can_fork()


def gone(pid: int) -> bool:
    """Whether the process `pid` has ended and been reaped (a zombie still counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def child_pid(note: Path) -> int:
    """The pid a child wrote to `note` as it began."""
    for _ in range(500):
        if note.exists() and note.read_text():
            return int(note.read_text())
        time.sleep(0.01)
    raise AssertionError("the child did not begin")


@pytest.mark.usefixtures("two_jobs")
def test_the_work_is_done_in_another_process_while_this_one_goes_on() -> None:
    def work() -> tuple[int, float]:
        return os.getpid(), time.monotonic()

    with meanwhile(work) as result:
        time.sleep(0.3)
        asked = time.monotonic()
        pid, done = result()
    assert pid != os.getpid()
    assert done < asked  # begun on entering, not when asked for
    assert gone(pid)


@pytest.mark.usefixtures("two_jobs")
def test_a_failed_child_leaves_the_work_to_this_process_which_raises_its_error(
    tmp_path: Path,
) -> None:
    note = tmp_path / "pid"

    def work() -> int:
        if os.getpid() != parent:
            note.write_text(str(os.getpid()))
            os._exit(3)  # the child dies without a result
        raise LookupError("the error this process would raise")

    parent = os.getpid()
    with meanwhile(work) as result, pytest.raises(LookupError, match="would raise"):
        result()
    assert gone(child_pid(note))


@pytest.mark.usefixtures("two_jobs")
def test_a_child_whose_result_is_not_asked_for_is_stopped(tmp_path: Path) -> None:
    note = tmp_path / "pid"

    def work() -> None:
        note.write_text(str(os.getpid()))
        time.sleep(60)

    started = time.monotonic()
    with meanwhile(work):
        pid = child_pid(note)
        assert not gone(pid)
    assert gone(pid)  # killed and reaped at once, not waited for
    assert time.monotonic() - started < 30


def test_with_one_job_the_work_is_done_here_when_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SITEGEN_JOBS", "1")
    assert job_count() == 1 and not can_fork()
    asked = False

    def work() -> int:
        assert asked
        return os.getpid()

    with meanwhile(work) as result:
        asked = True
        assert result() == os.getpid()


def test_no_child_is_forked_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_JOBS", "2")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
        with meanwhile(os.getpid) as result:
            assert result() == os.getpid()
    finally:
        stop.set()
        other.join()

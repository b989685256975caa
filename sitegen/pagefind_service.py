"""Pagefind as a service: one `pagefind --service` process per index, given the pages
(what Pagefind reads of each, search.search_input) and giving back the files of
their index in memory, without writing to disk.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

# What gives the rest of an index's pages, waiting until they are known; None: not needed.
More = Callable[[], Sequence[tuple[str, str]] | None]
NICENESS = 10  # how much lower Pagefind's priority is than the build's (_below_this_process)
TIMEOUT_SECONDS = 300  # for one bundle; Pagefind indexes 1,000 story pages in some 6 s


def _page_url(path: str) -> str:
    """The URL Pagefind gives a page at `path` when it indexes a folder (`--site`)."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return "/" + path


class PagefindService:
    """One `pagefind --service` process: requests on its stdin, answers on its stdout.

    Each message is base64 of a JSON object, ended by a comma: the protocol of the
    `pagefind` Python package, whose own client is not used because it reads one answer
    per 100 ms (20 s for 200 pages) and hangs on an answer over 2 MiB (an index of
    some 150 pages). A thread writes the requests while this one reads the answers, so
    that neither pipe fills up.
    """

    def __init__(self, executable: Path) -> None:
        self.executable = executable
        self.timed_out = threading.Event()
        self.said: list[bytes] = []  # its stderr
        self.writer: threading.Thread | None = None
        self.lock = threading.Lock()  # over `process` and `stopped`
        self.process: subprocess.Popen[bytes] | None = None
        self.stopped = False

    def index(
        self, pages: Sequence[tuple[str, str]], more: More | None = None
    ) -> dict[str, bytes] | str:
        """The files of the index of `pages` (path, what Pagefind reads of the page), or
        what went wrong.

        With `more`, the pages are the first ones only: once Pagefind has read them,
        `more()` is waited for and gives the rest (None: the index is not needed after
        all). Pagefind does most of its work as each page comes, so a caller that knows
        the first pages early has them indexed while it makes the others.
        """
        with self.lock:
            if self.stopped:
                return "Pagefind was stopped"
            try:
                process = subprocess.Popen(
                    [str(self.executable), "--service"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    process_group=0,  # so that _kill ends what it started too
                )
            except OSError as error:
                return str(error)
            _below_this_process(process.pid)
            self.process = process
        assert process.stdin is not None and process.stdout is not None
        assert process.stderr is not None
        stderr = process.stderr
        drain = threading.Thread(target=lambda: self.said.append(stderr.read()))
        drain.start()
        timer = threading.Timer(TIMEOUT_SECONDS, self._stop, (process,))
        timer.start()
        result: dict[str, bytes] | str = "Pagefind was interrupted"
        try:
            result = self._exchange(process.stdin, process.stdout, pages, more)
        finally:
            timer.cancel()
            if isinstance(result, str):
                _kill(process)  # it may be waiting to read more pages, or to answer
            if self.writer is not None:
                self.writer.join()
            _close(process.stdin)  # the service ends at the end of its input
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _kill(process)
                process.wait()
            drain.join()
            process.stdout.close()
            stderr.close()
        if isinstance(result, str):
            said = b"".join(self.said).decode("utf-8", "replace").strip()
            return f"{result}\n{said}" if said else result
        return result

    def _exchange(
        self,
        requests: IO[bytes],
        answers: IO[bytes],
        pages: Sequence[tuple[str, str]],
        more: More | None,
    ) -> dict[str, bytes] | str:
        try:
            messages = _messages(answers)
            _send(requests, [{"message_id": 0, "payload": {"type": "NewIndex", "config": None}}])
            created = self._answer(messages, 0)
            if isinstance(created, str):
                return created
            index_id = created["index_id"]
            sent = 0  # pages sent so far
            batch = pages
            while True:
                requests_now = [
                    {
                        "message_id": number,
                        "payload": {
                            "type": "AddFile",
                            "index_id": index_id,
                            "url": _page_url(path),
                            "file_path": None,
                            "file_contents": page,
                        },
                    }
                    for number, (path, page) in enumerate(batch, start=sent + 1)
                ]
                if more is None:  # the last pages: then the index
                    getting = {"type": "GetFiles", "index_id": index_id}
                    requests_now.append({"message_id": sent + len(batch) + 1, "payload": getting})
                if self.writer is not None:
                    self.writer.join()
                self.writer = threading.Thread(target=_send, args=(requests, requests_now))
                self.writer.start()
                for number, (path, _) in enumerate(batch, start=sent + 1):
                    answer = self._answer(messages, number)
                    if isinstance(answer, str):
                        return f"{answer} (adding {path})"
                sent += len(batch)
                if more is None:
                    break
                rest, more = more(), None
                if rest is None:
                    return "the index was not needed after all"
                batch = rest
            got = self._answer(messages, sent + 1)
            if isinstance(got, str):
                return got
            return {str(file["path"]): base64.b64decode(file["content"]) for file in got["files"]}
        except (OSError, ValueError, KeyError, TypeError) as error:
            return f"Pagefind's answer could not be read: {error}"

    def _answer(self, answers: Iterator[dict[str, Any]], number: int) -> dict[str, Any] | str:
        """The payload of the answer to message `number`, or what went wrong."""
        answer = next(answers, None)
        if answer is None:
            if self.timed_out.is_set():
                return f"Pagefind took longer than {TIMEOUT_SECONDS} s"
            return "Pagefind stopped before it was done"
        payload: dict[str, Any] = answer["payload"]
        if payload.get("type") == "Error":
            return str(payload.get("message") or "Pagefind gave no reason")
        if answer.get("message_id") != number:
            return f"Pagefind answered message {answer.get('message_id')}, not {number}"
        return payload

    def _stop(self, process: subprocess.Popen[bytes]) -> None:
        self.timed_out.set()
        _kill(process)

    def stop(self) -> None:
        """End the process if it runs (its `index` then returns soon), or keep it from starting."""
        with self.lock:
            self.stopped = True
            if self.process is not None:
                _kill(self.process)


def _below_this_process(pid: int) -> None:
    """Give the Pagefind process a lower priority than this one's. A build makes its
    pages and a serve save shows them while Pagefind indexes: on a core both want,
    what a reader waits for comes first, and Pagefind takes the rest."""
    # AttributeError: no priorities here (Windows); OSError: the process is gone already.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """End the process and whatever it started (a wrapper script's Pagefind), if it runs."""
    if process.poll() is None:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)


def _send(stream: IO[bytes], messages: Iterable[dict[str, Any]]) -> None:
    try:
        for message in messages:
            stream.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        stream.flush()
    except OSError:
        pass  # the service ended: its answers (or their absence) say why


def _close(stream: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        stream.close()


def _messages(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The service's answers, one JSON object each, until it closes its output."""
    buffer = bytearray()
    searched = 0
    while True:
        comma = buffer.find(b",", searched)
        if comma < 0:
            searched = len(buffer)
            chunk = stream.read1(1 << 20)  # type: ignore[attr-defined]
            if not chunk:
                return
            buffer += chunk
            continue
        try:
            message = json.loads(base64.b64decode(bytes(buffer[:comma]), validate=True))
        except binascii.Error as error:
            raise ValueError(f"not base64: {error}") from error
        del buffer[: comma + 1]
        searched = 0
        yield message

"""Reads attached documents' text, each in a resource-limited child process, within a
wall-clock limit: a hostile file costs seconds, never intake. The children are forked by one
long-lived server process (document_server.py says why), started on first use and again after
anything goes wrong with it.
"""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Sequence

from .document_server import LENGTH
from .documents import MAX_CHARS, MAX_PAGES, OUTLOOK_MESSAGE, Reading, ToRead

log = logging.getLogger("mailbot.documents")

WALL_SECONDS = 20.0  # for all of one message's documents; each child's CPU limit is lower
_MARGIN = 10.0  # beyond a file's own time, for the server to answer before it is given up on


def read_documents(documents: Sequence[ToRead], *, seconds: float = WALL_SECONDS) -> list[Reading]:
    """Each document's text, or why it has none; never raises for a bad file. All of them
    together get `seconds`: a message of hostile files costs that at most, however many."""
    deadline = time.monotonic() + seconds
    readings = []
    for doc in documents:
        left = deadline - time.monotonic()
        if left <= 0:
            readings.append(Reading(doc.name, problem=f"the message's files took longer than "
                                                      f"{seconds:.0f} seconds to read"))
        else:
            readings.append(_reading(doc, _SERVER.ask(doc, left)))
    return readings


def read_documents_later(documents: Sequence[ToRead], *,
                        seconds: float = WALL_SECONDS) -> Future[list[Reading]]:
    """read_documents on the reader's own thread, in the order asked: the caller goes on while
    the children read (on the machine's other core), and waits only when it needs the text.
    Cancel what is no longer wanted: a queued reading is dropped, a running one finishes."""
    return _BACKGROUND.submit(read_documents, documents, seconds=seconds)


def _reading(doc: ToRead, answer: dict[str, Any] | None) -> Reading:
    if answer is None:
        return Reading(doc.name, problem="the document reader could not be started")
    if answer.get("timed_out"):
        log.warning("documents.timed_out", extra={"kind": doc.kind})
        return Reading(doc.name, problem="reading it took longer than a file may take")
    if answer.get("failed"):
        # Killed by its own memory or CPU limit, most often: a file built to exhaust a reader.
        log.warning("documents.reader_failed", extra={"kind": doc.kind})
        return Reading(doc.name, problem="it could not be read within the limits set for a file")
    if answer.get("picture_only"):
        return Reading(doc.name, picture_only=True)
    if answer.get("problem"):
        log.info("documents.unreadable", extra={"kind": doc.kind})
        return Reading(doc.name, problem=str(answer["problem"]))
    return Reading(doc.name, text=str(answer.get("text", "")),
                   as_message=doc.kind == OUTLOOK_MESSAGE)


class _Server:
    """The fork server: one per mailbot process, one request at a time."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def ask(self, doc: ToRead, seconds: float) -> dict[str, Any] | None:
        header = json.dumps({"kind": doc.kind, "max_pages": MAX_PAGES, "max_chars": MAX_CHARS,
                             "seconds": seconds, "size": len(doc.data)}).encode()
        with self._lock:
            try:
                process = self._running()
                if process.stdin is None or process.stdout is None:
                    raise OSError("the document server has no pipes")
                process.stdin.write(LENGTH.pack(len(header)) + header + doc.data)
                process.stdin.flush()
                answer = json.loads(self._receive(process.stdout.fileno(), seconds + _MARGIN))
            except (OSError, ValueError, TimeoutError) as exc:
                log.error("documents.server_failed", extra={"error": type(exc).__name__})
                self._stop()
                return None
        return answer if isinstance(answer, dict) else None

    def _running(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "mailbot.document_server"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        return self._process

    @staticmethod
    def _receive(fd: int, seconds: float) -> bytes:
        deadline, buffer, size = time.monotonic() + seconds, b"", None
        while size is None or len(buffer) < size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError("no answer from the document server")
            chunk = os.read(fd, 65536)
            if not chunk:
                raise OSError("the document server stopped")
            buffer += chunk
            if size is None and len(buffer) >= LENGTH.size:
                size = LENGTH.size + LENGTH.unpack(buffer[:LENGTH.size])[0]
        return buffer[LENGTH.size:size]

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(5)


_SERVER = _Server()
# One thread: the server answers one request at a time, and its waits release the GIL.
_BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="documents")

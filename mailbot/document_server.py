"""The document reader's fork server: `python -m mailbot.document_server`, started once by
document_reader.py and fed one file at a time on standard input.

Starting a fresh interpreter for each attached file cost 150-250 ms before a byte was read
(pypdf's import alone is 100 ms), and one message in ten carries a file: that tripled the
whole intake pass. This process loads the readers once and forks a child per file: the child
takes a session of its own, caps its memory and CPU (document_worker.limit_self), reads, answers
through a pipe and exits; this process kills the child's whole session (the text recogniser
too) when the file's time is up. It is single-threaded, so forking it is safe, unlike forking
the service itself. It exits when its standard input closes, that is when mailbot does.

Each request is a 4-byte length, a JSON header (kind, max_pages, max_chars, seconds, size) and
the file's bytes; each answer a 4-byte length and JSON: document_worker.answer_for's, or
{"timed_out": true}, or {"failed": true} when the child died without answering (its limits).
"""

from __future__ import annotations

import json
import os
import select
import signal
import struct
import sys
import time
from typing import Any, BinaryIO

from .document_worker import answer_for, limit_self

LENGTH = struct.Struct("!I")


def read_exact(stream: BinaryIO, size: int) -> bytes | None:
    """`size` bytes, or None at the end of the stream."""
    parts, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def main() -> int:
    for module in ("pypdf", "olefile", "PIL.Image", "striprtf.striprtf"):  # loaded once, for all
        try:
            __import__(module)
        except ImportError:
            pass
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while (length := read_exact(source, LENGTH.size)) is not None:
        header = read_exact(source, LENGTH.unpack(length)[0])
        request = json.loads(header or b"{}")
        data = read_exact(source, int(request["size"]))
        if data is None:
            return 0
        payload = json.dumps(read_in_child(request, data)).encode()
        sink.write(LENGTH.pack(len(payload)) + payload)
        sink.flush()
    return 0


def read_in_child(request: dict[str, Any], data: bytes) -> dict[str, Any]:
    """One file read by a forked child within `request["seconds"]`."""
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(readable)
            os.setsid()
            limit_self()
            answer = answer_for(request["kind"], data, int(request["max_pages"]),
                                int(request["max_chars"]))
            view = memoryview(json.dumps(answer).encode())
            while view:
                view = view[os.write(writable, view):]
        finally:
            os._exit(0)
    os.close(writable)
    chunks, deadline, finished = [], time.monotonic() + float(request["seconds"]), False
    while not finished:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([readable], [], [], left)[0]:
            break
        chunk = os.read(readable, 65536)
        chunks.append(chunk)
        finished = not chunk
    os.close(readable)
    if not finished:
        _kill(pid)
    os.waitpid(pid, 0)
    if not finished:
        return {"timed_out": True}
    try:
        answer = json.loads(b"".join(chunks))
    except ValueError:  # killed by its own limits halfway, or before a word
        return {"failed": True}
    return answer if isinstance(answer, dict) and answer else {"failed": True}


def _kill(pid: int) -> None:
    """The child and all it started (its own session); the child alone if it had none yet."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


if __name__ == "__main__":
    raise SystemExit(main())

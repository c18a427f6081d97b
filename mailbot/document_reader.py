"""Reads attached documents' text, each in a resource-limited child process
(document_worker.py), within a wall-clock limit: a hostile file costs seconds, never intake.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from typing import Sequence

from .documents import MAX_CHARS, MAX_PAGES, OUTLOOK_MESSAGE, Reading, ToRead

log = logging.getLogger("mailbot.documents")

WALL_SECONDS = 20.0  # for all of one message's documents; each child's CPU limit is lower


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
            readings.append(_read_one(doc, left))
    return readings


def _read_one(doc: ToRead, seconds: float) -> Reading:
    command = [sys.executable, "-m", "mailbot.document_worker", doc.kind, str(MAX_PAGES),
               str(MAX_CHARS)]
    try:
        # A session of its own, so a timeout stops the text recogniser it may have started too.
        child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        log.error("documents.not_started", extra={"error": type(exc).__name__})
        return Reading(doc.name, problem="the document reader could not be started")
    try:
        out, _ = child.communicate(doc.data, timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        log.warning("documents.timed_out", extra={"kind": doc.kind, "seconds": seconds})
        return Reading(doc.name, problem="reading it took longer than a file may take")
    try:
        answer = json.loads(out or b"{}")  # bounded by the worker
    except ValueError:
        answer = {}
    if child.returncode != 0 or not isinstance(answer, dict) or not answer:
        # Killed by its own memory or CPU limit, most often: a file built to exhaust a reader.
        log.warning("documents.reader_failed", extra={"kind": doc.kind, "rc": child.returncode})
        return Reading(doc.name, problem="it could not be read within the limits set for a file")
    if answer.get("picture_only"):
        return Reading(doc.name, picture_only=True)
    if answer.get("problem"):
        log.info("documents.unreadable", extra={"kind": doc.kind})
        return Reading(doc.name, problem=str(answer["problem"]))
    return Reading(doc.name, text=str(answer.get("text", "")),
                   as_message=doc.kind == OUTLOOK_MESSAGE)

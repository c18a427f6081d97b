"""Run calls at the same instant in threads: several mailbot instances starting or ticking at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def run_together(calls: Sequence[Callable[[], T]], *, timeout: float = 120) -> list[T]:
    """Each call in its own thread, released together by a barrier; results in call order.

    The first failure is re-raised in the caller's thread, so a test fails on it rather than
    on a missing result; a call still running after `timeout` seconds is a failure too.
    """
    start = threading.Barrier(len(calls))
    results: dict[int, T] = {}
    failures: list[BaseException] = []

    def run(i: int, call: Callable[[], T]) -> None:
        try:
            start.wait()
            results[i] = call()
        except BaseException as exc:  # noqa: BLE001 - re-raised below in the caller's thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    if failures:
        raise failures[0]
    hung = [i for i, t in enumerate(threads) if t.is_alive()]
    assert not hung, f"calls {hung} still running after {timeout} s (a deadlock?)"
    return [results[i] for i in range(len(calls))]

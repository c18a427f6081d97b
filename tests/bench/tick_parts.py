"""bench_tick.py with wall-clock timers around the tick's parts (no profiler, so no distortion).

    .venv/bin/python tests/bench/tick_parts.py --cases 100000 --boundaries 5 --no-assigned [--db postgres]

Takes bench_tick.py's arguments. Before each of its lines, prints the tick's total and the
seconds spent in each part: reading the candidates (`clocks.candidates`), evaluating them
(`_plans`), recording the levels (`levels.record`), storing the next checks, the audit append,
commits; `.exec` is the part's time inside SQLAlchemy's execute (the rest is Python around it).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlalchemy.engine.base as engine_base  # noqa: E402
from sqlalchemy.engine import Connection  # noqa: E402

import mailbot.service.tick as tick  # noqa: E402
from mailbot.store import audit, clocks, levels  # noqa: E402

SPENT: Counter[str] = Counter()
_INSIDE: list[str] = []


def _timed(module: Any, name: str, label: str | None = None) -> None:
    real: Callable[..., Any] = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        _INSIDE.append(label or name)
        try:
            return real(*args, **kwargs)
        finally:
            _INSIDE.pop()
            SPENT[label or name] += time.perf_counter() - started

    setattr(module, name, timed)


def _instrument() -> None:
    for name in ("_plans", "_tick_chunk"):
        _timed(tick, name)
    for name in ("candidates", "store_next_checks", "set_last_run"):
        _timed(clocks, name)
    _timed(levels, "record")
    _timed(audit, "append", "audit.append")
    execute, commit = Connection.execute, engine_base.Connection._commit_impl

    def timed_execute(self: Connection, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(self, *args, **kwargs)
        finally:
            if _INSIDE:
                SPENT[_INSIDE[-1] + ".exec"] += time.perf_counter() - started

    def timed_commit(self: Connection) -> None:
        started = time.perf_counter()
        try:
            commit(self)
        finally:
            SPENT["commit"] += time.perf_counter() - started

    Connection.execute = timed_execute  # type: ignore[method-assign]
    engine_base.Connection._commit_impl = timed_commit  # type: ignore[method-assign]


def main() -> None:
    _instrument()
    spec = importlib.util.spec_from_file_location("bench_tick", Path(__file__).with_name("bench_tick.py"))
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    real_tick = bench.deadline_tick

    def tick_with_parts(app: Any, *, now: Any) -> Any:
        SPENT.clear()
        started = time.perf_counter()
        report = real_tick(app, now=now)
        parts = " ".join(f"{name}={seconds:.2f}" for name, seconds in SPENT.most_common())
        print(f"  tick {time.perf_counter() - started:.2f} s: {parts}", flush=True)
        return report

    bench.deadline_tick = tick_with_parts
    bench.main()


if __name__ == "__main__":
    main()

"""Sealing one value at rest: the current sealer (AES-256-GCM) beside Fernet, which sealed values
before 2026-12-07, for values of a subject's, a letter's and a raw message's size.

    python -m tests.bench.bench_sealing [--repeat 20000]

Prints microseconds a value (best of three runs) for sealing and opening.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Callable

from cryptography.fernet import Fernet

from mailbot.store.sealing import FERNET_PREFIX, Sealer, new_key


def best_us(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(repeat):
            fn()
        runs.append((time.perf_counter() - started) / repeat * 1e6)
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20000)
    args = parser.parse_args()
    key = new_key().encode()
    sealer, fernet = Sealer([key]), Fernet(key)
    print("| bytes | seal (AESGCM) us | open us | Fernet seal us | Fernet open us |")
    print("|------:|-----------------:|--------:|---------------:|---------------:|")
    for size in (40, 500, 5_000, 50_000):
        data = os.urandom(size)
        sealed, token = sealer.seal(data), FERNET_PREFIX + fernet.encrypt(data)
        repeat = max(args.repeat * 40 // max(size, 40) if size > 5_000 else args.repeat, 200)
        row = [best_us(lambda: sealer.seal(data), repeat), best_us(lambda: sealer.open(sealed), repeat),
               best_us(lambda: fernet.encrypt(data), repeat), best_us(lambda: sealer.open(token), repeat)]
        print(f"| {size:5d} | " + " | ".join(f"{v:.1f}" for v in row) + " |")


if __name__ == "__main__":
    main()

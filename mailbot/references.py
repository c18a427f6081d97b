"""Case references, C-YYYY-NNNN: how one is written and read, and which numbers went unused.

A year's numbers come from one counter (store/casebook.py `next_reference`). On PostgreSQL a
number is taken in a short transaction of its own, so a case rolled back after taking one
leaves it unused: never given twice, but a gap in the register that an auditor will ask about.
`unused` names every such number, so each one is accounted for. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_REFERENCE = re.compile(r"^C-(\d{4})-(\d{4,})$", re.IGNORECASE)


def reference(year: int, number: int) -> str:
    """The reference of a year's number: C-2026-0042."""
    return f"C-{year}-{number:04d}"


def parse_reference(text: str) -> tuple[int, int] | None:
    """(year, number) of a reference as people type it (any case, spaces around); None if it
    is not one."""
    found = _REFERENCE.match(text.strip())
    return (int(found.group(1)), int(found.group(2))) if found else None


def unused(year: int, last: int, used: Iterable[str], first: int = 1) -> list[str]:
    """The references from `first` to the counter's `last` that no case has, in order (`first`:
    where this database began giving numbers, after an adopted mailbox's)."""
    taken = {parsed[1] for ref in used if (parsed := parse_reference(ref)) and parsed[0] == year}
    return [reference(year, n) for n in range(first, last + 1) if n not in taken]

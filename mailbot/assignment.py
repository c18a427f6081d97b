"""Who handles a new complaint. Pure.

Complaints are often about a named colleague: that colleague must never handle (or even be
sent) the complaint. Among the rest, prefer handlers who take the category, then the one
with the fewest open cases; ties go to the first in config order so the choice is stable.
When the complaint names every handler, it goes up to compliance (or a partner) who is not
named: a complaint nobody owns would wait unseen while its deadlines run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence


@dataclass(frozen=True)
class Candidate:
    name: str
    email: str
    roles: tuple[str, ...]
    categories: tuple[str, ...] = ()


def _name_parts(name: str) -> list[str]:
    return [p for p in re.split(r"[\s.\-']+", name) if len(p) >= 2]  # two letters: Li, Ng, Wu


def named_in(text: str, candidate: Candidate) -> bool:
    """True when the complaint names this person: full name, surname, or their address."""
    lowered = text.lower()
    if candidate.email.lower() in lowered:
        return True
    if re.search(rf"\b{re.escape(candidate.name.lower())}\b", lowered):
        return True
    parts = _name_parts(candidate.name)
    if len(parts) >= 2:
        surname = parts[-1].lower()
        return re.search(rf"\b(mr|mrs|ms|miss|dr)?\.?\s*{re.escape(surname)}\b",
                         lowered) is not None
    return False


def choose_handler(
    candidates: Sequence[Candidate],
    *,
    category: str | None,
    text: str,
    open_load: Mapping[str, int],
) -> Candidate | None:
    """Never a colleague the complaint names (the module docstring has the order of preference);
    the same inputs always pick the same person, so a retried decision does not move the case."""
    eligible = [c for c in candidates if "handler" in c.roles and not named_in(text, c)]
    if not eligible:
        senior = [
            c for c in candidates
            if {"compliance", "partner"} & set(c.roles) and not named_in(text, c)
        ]
        return min(senior, key=lambda c: (open_load.get(c.email.lower(), 0), candidates.index(c)),
                   default=None)
    specialists = [c for c in eligible if category and category in c.categories]
    pool = specialists or [c for c in eligible if not c.categories] or eligible
    return min(pool, key=lambda c: (open_load.get(c.email.lower(), 0), candidates.index(c)))

"""Where the letters and the classifier shipped with mailbot live.

In a checkout (or an editable install) they are the repository's top-level `templates/` and
`models/`; a wheel carries copies inside the package (`mailbot/_shipped/`, see setup.py),
because an installed package has no repository beside it.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """`templates` or `models`: the copy inside the package if there is one, else the checkout's."""
    inside = _PACKAGE / "_shipped" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name

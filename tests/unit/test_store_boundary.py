"""SQL lives in mailbot/store/: a service module calls named queries there, so it imports no
table and nothing from SQLAlchemy but the Connection it passes along (issue 20)."""

from __future__ import annotations

import ast
from pathlib import Path

import mailbot

SERVICE = Path(mailbot.__file__).parent / "service"
ALLOWED = {"Connection"}


def leaks(source: str) -> set[str]:
    """What a module imports from SQLAlchemy beyond ALLOWED, and any store table."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("sqlalchemy")}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("sqlalchemy"):
                found |= {f"{node.module}.{a.name}" for a in node.names if a.name not in ALLOWED}
            elif node.module.endswith("store.tables"):
                found |= {f"store.tables.{alias.name}" for alias in node.names}
    return found


def test_service_modules_import_only_a_connection_from_sqlalchemy() -> None:
    found = {path.name: leaks(path.read_text(encoding="utf-8"))
             for path in sorted(SERVICE.glob("*.py"))}
    assert {name: names for name, names in found.items() if names} == {}


def test_the_probe_sees_sql_written_in_a_module() -> None:
    source = ("from sqlalchemy import Connection, select, update\n"
              "import sqlalchemy.dialects\n"
              "from ..store.tables import cases\n")
    assert leaks(source) == {"sqlalchemy.select", "sqlalchemy.update", "sqlalchemy.dialects",
                             "store.tables.cases"}
    assert leaks("from sqlalchemy import Connection\n") == set()
    assert leaks("from sqlalchemy import Connection, Row\n") == {"sqlalchemy.Row"}

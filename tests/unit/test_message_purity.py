"""The email core stays pure: the standard library plus the two parsing libraries, nothing else.

test_core_purity.py checks at run time that no I/O library is loaded; this checks the
source, so a new dependency of the email modules is a decision someone makes on purpose.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import mailbot

EMAIL_CORE = ("message", "machine_mail", "mime_text", "trimming", "cli/inspect_mail")
ALLOWED = set(sys.stdlib_module_names) | {"inscriptis", "tnefparse", "mailbot"}
IO_MODULES = {"socket", "ssl", "imaplib", "smtplib", "asyncio", "subprocess", "urllib", "http"}
PACKAGE = Path(mailbot.__file__).parent


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots.add("mailbot" if node.level else (node.module or "").split(".")[0])
    return roots


@pytest.mark.parametrize("module", EMAIL_CORE)
def test_email_core_imports_only_stdlib_and_parsers(module: str) -> None:
    roots = _imported_roots(PACKAGE / f"{module}.py")
    assert roots <= ALLOWED, roots - ALLOWED
    assert not roots & IO_MODULES


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import socket\nfrom sqlalchemy import select\nfrom .errors import MalformedMessage\n")
    assert _imported_roots(sample) == {"socket", "sqlalchemy", "mailbot"}

"""The functional core imports no I/O library and never reads the clock.

Each module is imported in a fresh interpreter, so what another test imported first cannot
hide a dependency. `socket` itself is not checked: the standard library's email.utils
imports it for make_msgid, which the core never calls.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import mailbot

CORE = ["cases", "routing", "trust", "dedupe", "assignment", "deadlines", "working_days", "profiles",
        "commands", "message", "machine_mail", "trimming", "triage/__init__", "triage/suggestion",
        "triage/dates", "triage/rules", "triage/framing", "triage/salutations", "content_gate",
        "marks", "sender_auth", "draft_edit", "link_rewrites", "reply_reading", "folders",
        "reconnect", "addresses", "regimes", "notices", "triage/reading", "forwarded", "documents",
        "duty_clocks", "letters", "records"]

# Libraries that open sockets (or sit directly on them) and the project's own adapters' libraries.
IO_LIBRARIES = ["imapclient", "aiosmtplib", "aiosmtpd", "smtplib", "imaplib", "poplib", "ftplib", "sqlalchemy",
                "psycopg", "psycopg2", "alembic", "apscheduler", "requests", "urllib3", "httpx", "aiohttp",
                "http.client", "urllib.request", "ssl", "asyncio", "socketserver"]

PACKAGE = Path(mailbot.__file__).resolve().parent
ROOT = PACKAGE.parent

_PROBE = """
import json, sys
import importlib
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""


def loaded_after_import(module: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", _PROBE, module], capture_output=True, text=True, cwd=ROOT,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


def io_libraries_in(loaded: set[str]) -> list[str]:
    return sorted(lib for lib in IO_LIBRARIES if lib in loaded or any(m.startswith(lib + ".") for m in loaded))


def test_the_probe_sees_an_adapters_io_library() -> None:
    """Control: the store adapter does pull in SQLAlchemy, so an empty answer below means something."""
    assert "sqlalchemy" in io_libraries_in(loaded_after_import("mailbot.store"))


@pytest.mark.parametrize("name", CORE)
def test_core_module_imports_no_io_library(name: str) -> None:
    module = f"mailbot.{name}".removesuffix("/__init__").replace("/", ".")
    found = io_libraries_in(loaded_after_import(module))
    assert found == [], f"mailbot.{name} pulls in {found}"


_CLOCK_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
                ("time", "time"), ("time", "monotonic"), ("time", "perf_counter")}


def clock_reads(source: str) -> list[str]:
    """Calls like datetime.now(), date.today(), time.time() anywhere in the module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if (name, node.func.attr) in _CLOCK_CALLS:
                found.append(f"line {node.lineno}: {name}.{node.func.attr}()")
    return found


def test_the_clock_detector_finds_a_clock_read() -> None:
    assert clock_reads("from datetime import datetime\nx = datetime.now()\n") == ["line 2: datetime.now()"]
    assert clock_reads("import datetime\nx = datetime.date.today()\n") == ["line 2: date.today()"]
    assert clock_reads("import datetime\nx = datetime.time(17, 0)\n") == []  # a time of day, not the clock


@pytest.mark.parametrize("name", CORE)
def test_core_module_never_reads_the_clock(name: str) -> None:
    source = (PACKAGE / f"{name}.py").read_text(encoding="utf-8")
    assert clock_reads(source) == []

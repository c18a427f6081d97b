"""Docs are tested: every CLI command is in the README, and the README's commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from mailbot.cli import app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def _commands() -> list[str]:
    found = []
    root = get_command(app)
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", None)
        if subs:
            found += [f"{name} {sub}" for sub in subs]
        else:
            found.append(name)
    return sorted(found)


def test_every_cli_command_appears_in_the_readme() -> None:
    missing = []
    for command in _commands():
        group, _, sub = command.partition(" ")
        pattern = rf"`{re.escape(group)} [^`]*\b{re.escape(sub)}\b" if sub else rf"`{re.escape(group)}\b"
        if not re.search(pattern, README) and f"mailbot {command}" not in README:
            missing.append(command)
    assert missing == []


def test_the_readme_names_no_command_that_does_not_exist() -> None:
    known = {c.split(" ")[0] for c in _commands()}
    named = set(re.findall(r"`mailbot ([a-z][a-z-]+)", README))
    assert named - known == set()


def test_the_two_commands_exist_and_ci_calls_the_test_command() -> None:
    assert "./scripts/demo" in README and "./scripts/test" in README
    assert (ROOT / "scripts" / "demo").stat().st_mode & 0o111
    assert "./scripts/test" in (ROOT / ".ci" / "run").read_text()


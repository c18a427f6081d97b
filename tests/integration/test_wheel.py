"""An installed wheel works without the repository beside it: letters, model, migrations.

An IT admin may install mailbot from a wheel on a server that never sees the checkout. The
wheel is built here as pip builds it, installed into an empty folder, and used from there by
a child interpreter that can only find mailbot in that folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

CHECK = """
import sys
from pathlib import Path
from datetime import datetime, timezone

import mailbot
from mailbot.cli import wiring
from mailbot.compose import SHIPPED_TEMPLATES, Letters
from mailbot.config import parse_config

site = Path(sys.argv[1]).resolve()
assert Path(mailbot.__file__).resolve().is_relative_to(site), mailbot.__file__
assert SHIPPED_TEMPLATES.is_relative_to(site) and wiring.SHIPPED_MODEL_DIR.is_relative_to(site)
config = parse_config({"firm": {"name": "Example & Co", "complaints_address": "complaints@firm.example",
                                "domain": "firm.example"},
                       "approvals": {"authserv_id": "mx.firm.example"},
                       "handlers": [{"name": "Ann", "email": "ann@firm.example"}],
                       "paths": {"data_dir": sys.argv[2]}})
app = wiring.build_app(config)  # migrates a new SQLite database and loads the shipped model
suggestion = app.triage.suggest("Your bill charged me twice for the same conveyancing work and the fees are far too high.",
                                datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc))
print("model", app.triage.classifier is not None)
print("category", suggestion.category)
print("kinds", " ".join(Letters().kinds()))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # From a copy of the sources: a build/ folder left in the checkout would leak into the wheel.
    source = tmp_path_factory.mktemp("source") / "mailbot"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "tests",
                                                                 "__pycache__", "var", "*.sqlite3"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--disable-pip-version-check",
                    "-w", str(out), str(source)], check=True, capture_output=True, timeout=600)
    return next(out.glob("mailbot-*.whl"))


def test_the_wheel_carries_the_letters_the_model_and_the_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (REPO / "templates").glob("*.j2"):
        assert f"mailbot/_shipped/templates/{template.name}" in names
    assert {"mailbot/_shipped/models/triage.json", "mailbot/_shipped/models/triage.skops"} <= names
    assert any(n.startswith("mailbot/_shipped/models/seed/") for n in names)  # `mailbot train` starts from it
    assert any(n.startswith("mailbot/migrations/versions/0007") for n in names)


def test_an_installed_wheel_runs_without_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check",
                    "--target", str(site), str(wheel)], check=True, capture_output=True, timeout=300)
    # The child finds mailbot only in `site` (first on its path); its dependencies come from this venv.
    done = subprocess.run([sys.executable, "-c", CHECK, str(site), str(tmp_path / "data")], cwd=tmp_path,
                          env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert lines["model"] == "True"
    assert lines["category"].startswith("costs_")  # the shipped model read the complaint
    assert {"acknowledgement", "final_response", "approval_request"} <= set(lines["kinds"].split())

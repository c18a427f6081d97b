"""`mailbot deadlines show REF`: a case's clocks as the handler or the IT admin reads them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mailbot.cli import app as cli_app
from mailbot.cli import wiring
from mailbot.config import load_config
from tests.integration.test_reports import add_case, at, write_config


def _show(tmp_path: Path, profile: str | None, ref: str = "C-2026-0001") -> str:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'mailbot.sqlite3'}")
    firm = 'domain = "firm.example"\nsubdivision = "ENG"\n' + (f'profile = "{profile}"\n' if profile else "")
    if profile == "fca_disp":  # FCA: the complaints procedure and the FOS leaflet (DISP 1.2, 1.6)
        firm += ('complaints_procedure_url = "https://firm.example/complaints"\n'
                 'fos_leaflet_url = "https://firm.example/fos-leaflet.pdf"\n')
    config.write_text(config.read_text().replace('domain = "firm.example"\n', firm))  # England: 31 August is a bank holiday
    store = wiring.build_store(load_config(config))
    with store.transaction() as conn:  # Thursday 27 August 2026, 10:00 London; Monday 31 August is a bank holiday
        add_case(conn, "C-2026-0001", at("2026-08-27 09:00"), ack=at("2026-08-27 09:05"),
                 profile=profile or "ew_sra")
    store.dispose()
    result = CliRunner().invoke(cli_app, ["deadlines", "show", ref, "--config", str(config)])
    assert result.exit_code == (0 if ref == "C-2026-0001" else 1), result.output
    return result.output


def test_an_sra_case_shows_its_clocks_in_the_firms_time(tmp_path: Path) -> None:
    out = _show(tmp_path, None)
    assert "C-2026-0001 (ew_sra), received Thu 27 Aug 2026 10:00 BST" in out
    assert "acknowledge by" in out and "(done Thu 27 Aug 2026 10:05 BST)" in out
    assert "regulator deadline   Thu 22 Oct 2026 23:59 BST" in out  # 8 weeks, to the end of that day
    assert "summary resolution" not in out


def test_an_fca_case_shows_the_summary_resolution_window(tmp_path: Path) -> None:
    out = _show(tmp_path, "fca_disp")
    assert "summary resolution by Wed 02 Sep 2026 17:30 BST" in out  # 3 business days, skipping the bank holiday


def test_an_unknown_case_is_named(tmp_path: Path) -> None:
    assert "no case C-2026-0099" in _show(tmp_path, None, ref="C-2026-0099")

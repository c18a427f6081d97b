"""`mailbot cases files REF --out DIR --by EMAIL`: the files a client sent with a case's emails,
saved from the stored originals, byte for byte, and the export audited."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from mailbot.cli import app as cli_app
from mailbot.cli import wiring
from mailbot.config import load_config
from mailbot.service.decide import receive
from mailbot.store.tables import audit_events
from tests.document_samples import make_pdf
from tests.integration.test_reports import write_config

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
COMPLIANCE = "alex@firm.example"


def test_the_clients_files_are_saved_as_sent_and_the_export_is_audited(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'mailbot.sqlite3'}")
    app = wiring.build_app(load_config(config), with_classifier=False)
    letter, photo = make_pdf([["Dear Sirs,", "My file was lost."]]), b"\xff\xd8" + b"\1" * 5000
    msg = EmailMessage()
    msg["From"], msg["To"] = "jo@client.example", "complaints@firm.example"
    msg["Subject"], msg["Date"] = "Complaint", format_datetime(T0)
    msg.set_content("Please find my complaint attached.")
    msg.add_attachment(letter, maintype="application", subtype="pdf", filename="My letter.pdf")
    msg.add_attachment(photo, maintype="image", subtype="jpeg", filename="../../etc/damage.jpg")
    ref = receive(app, bytes(msg), now=T0, internaldate=T0).case_ref
    assert ref is not None
    app.store.dispose()
    out = tmp_path / "files"
    result = CliRunner().invoke(cli_app, ["cases", "files", ref, "--out", str(out), "--by",
                                          COMPLIANCE, "--config", str(config)])
    assert result.exit_code == 0, result.output
    # A name with a path in it stays inside --out, its slashes made harmless.
    assert sorted(p.name for p in out.iterdir()) == ["01-My letter.pdf", "02-.._.._etc_damage.jpg"]
    assert (out / "01-My letter.pdf").read_bytes() == letter, "byte for byte"
    assert (out / "02-.._.._etc_damage.jpg").read_bytes() == photo
    again = CliRunner().invoke(cli_app, ["cases", "files", ref, "--out", str(out), "--by",
                                         COMPLIANCE, "--config", str(config)])
    assert again.exit_code == 1 and "not overwritten" in again.output
    store = wiring.build_store(load_config(config))
    with store.transaction() as conn:
        events = conn.execute(select(audit_events).where(
            audit_events.c.kind == "case.files_exported")).all()
    store.dispose()
    assert events[0].actor == COMPLIANCE and events[0].detail["files"] == 2

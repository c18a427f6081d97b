"""Learning from handlers: a correction by email becomes a training example for `mailbot train`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from mailbot.cli import wiring
from mailbot.service.learning import correction_examples
from tests.e2e.harness import make_firm
from tests.servers.dovecot import DovecotServer

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
TEXT = "Your invoice is double the estimate you gave me in January and nobody warned me the costs had gone up."


def test_a_category_correction_becomes_a_training_example(dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    firm = make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path)
    firm.client_writes("My bill", TEXT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    assert correction_examples(firm.app) == []
    request = next(m for m in firm.inbox(firm.handler) if "Approval needed" in str(m["Subject"]))
    firm.reply_as(firm.handler, request, "category costs_information\nurgency high", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    (example,) = correction_examples(firm.app)
    assert example["category"] == "costs_information" and example["urgency"] == "high"
    assert "double the estimate" in example["text"]


def test_a_correction_teaches_what_triage_read(dovecot: DovecotServer, make_smtp_server,  # type: ignore[no-untyped-def]
                                               tmp_path: Path) -> None:
    """A forwarded complaint is learnt from its forwarded words, as triage read it, not from the
    "FYI" above them."""
    firm = make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path)
    firm.client_writes("Fwd: My bill", "FYI\n\n---------- Forwarded message ---------\n"
                       "From: Client <client@example.org>\nDate: Mon, 2 Feb 2026 at 10:00\n"
                       "Subject: My bill\nTo: Alex <alex@firm.example>\n\n" + TEXT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    request = next(m for m in firm.inbox(firm.handler) if "Approval needed" in str(m["Subject"]))
    firm.reply_as(firm.handler, request, "category costs_information", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    (example,) = correction_examples(firm.app)
    assert example["text"] == f"My bill\n\nFYI\n\n{TEXT}"


def test_a_firms_first_retrain_starts_from_the_shipped_model(tmp_path: Path) -> None:
    from mailbot.config import parse_config

    cfg = parse_config({"firm": {"name": "F", "complaints_address": "c@f.example", "domain": "f.example"},
                        "approvals": {"authserv_id": "mx.f.example"},
                        "handlers": [{"name": "H", "email": "h@f.example"}], "paths": {"data_dir": str(tmp_path)}})
    assert wiring.model_dir(cfg) == wiring.SHIPPED_MODEL_DIR
    target = wiring.trained_model_dir(cfg)
    assert target == tmp_path / "models"
    assert (target / "triage.json").read_bytes() == (wiring.SHIPPED_MODEL_DIR / "triage.json").read_bytes()
    assert wiring.model_dir(cfg) == target, "once a firm has its own model, it is the one in use"

"""The register, the regulator returns and the trend report, on real databases.

Small hand-built cases check the figures exactly; a seeded database of 5,000 cases checks
that the report renders at a realistic size. Helpers here are reused by test_exports.py.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from mailbot.cli import records, reporting, wiring
from mailbot.config import load_config
from mailbot.deadlines import WorkingCalendar
from mailbot.profiles import get_profile
from mailbot.reports import register as reg
from mailbot.reports import returns, trends
from mailbot.store import Store, casebook, raw_mail
from mailbot.store import outbox as outbox_q
from mailbot.store.tables import cases
from tests.bench.seed_cases import seed_cases

CAL = WorkingCalendar("GB", "ENG", "Europe/London")
PROFILE = get_profile("ew_sra")
HANDLER = "hal.jordan@firm.example"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def add_case(conn: Any, ref: str, received: datetime, *, client: str = "ann.client@example.org", category: str = "delay",
             secondary: tuple[str, ...] = (), ack: datetime | None = None, responded: datetime | None = None,
             closed: datetime | None = None, body: str = "Nobody answers my calls.", subject: str = "Complaint",
             client_name: str = "Ann Client", handler: str = HANDLER, raw: bytes | None = None, **fields: Any) -> int:
    """A case as the service leaves it: the client's message (with its raw bytes if given), our letters
    as sent rows, its dates."""
    state = "closed" if closed else "responded" if responded else "acknowledged" if ack else "new"
    raw_id = None
    if raw is not None:
        digest = hashlib.sha256(raw).hexdigest()
        raw_id = raw_mail.record_raw(conn, raw=raw, dedupe_key=digest, content_sha256=digest, message_id=f"{ref}@client",
                                   where=None, internaldate=received, now=received)
    case_id = casebook.create_case(conn, ref=ref, now=received, values={
        "category": category, "secondary_categories": list(secondary), "urgency": "normal", "is_complaint": True,
        "flags": [], "client_address": client, "client_name": client_name, "handler_email": handler,
        "subject": subject, "profile": "ew_sra", "received_at": received, "legal_hold": False})
    casebook.add_case_message(conn, case_id=case_id, direction="in", kind="complaint", message_id=f"{ref}@client",
                              from_addr=client, subject=subject, body=body, at=received, raw_message_id=raw_id)
    if raw_id is not None:
        raw_mail.mark_raw(conn, raw_id, status="processed", kind="human", case_id=case_id)
    for kind, sent in (("acknowledgement", ack), ("final_response", responded)):
        if sent:
            outbox_q.add_letter(conn, case_id=case_id, kind=kind, status="sent", requires_approval=kind != "acknowledgement",
                                handler_email=handler, sender="complaints@firm.example", recipients=[client],
                                message_id=f"{ref}-{kind}@firm.example", subject=f"Your complaint [{ref}]",
                                body_text=f"Our {kind} about {ref}.", reply_to="complaints@firm.example",
                                auto_submitted="auto-replied", attempts=1, created_at=sent, approved_at=sent,
                                approved_by="auto" if kind == "acknowledgement" else handler, sent_at=sent)
    casebook.update_case(conn, case_id, received, state=state, acknowledged_at=ack, responded_at=responded,
                         closed_at=closed, **fields)
    return case_id


def write_config(directory: Path, db_url: str) -> Path:
    path = directory / "mailbot.toml"
    path.write_text(
        '[firm]\nname = "Example & Co"\ncomplaints_address = "complaints@firm.example"\ndomain = "firm.example"\n'
        '[approvals]\nauthserv_id = "mx.firm.example"\n'
        f'[database]\nurl = "{db_url}"\n[paths]\ndata_dir = "{directory}"\n'
        f'[[handlers]]\nname = "Hal Jordan"\nemail = "{HANDLER}"\nroles = ["handler"]\n', encoding="utf-8")
    return path


def cli() -> typer.Typer:
    app = typer.Typer()
    records.register(app)
    reporting.register(app)
    return app


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli(), list(args))
    assert result.exit_code == 0, result.output
    return result


# -- the register -------------------------------------------------------------------------------

SECRET_BODY = "Mr Grimshaw lost the deeds to 14 Elm Road and lied about it"
SECRET_SUBJECT = "Grimshaw is hopeless"


def _register_cases(conn: Any) -> None:
    # Received 23:30 UTC on 30 June = 00:30 on 1 July in London (BST): the register shows 1 July.
    add_case(conn, "C-2025-0001", at("2025-06-30 23:30"), category="costs_excessive", secondary=("communication",),
             ack=at("2025-07-01 07:00"), responded=at("2025-07-21 10:00"), closed=at("2025-07-25 09:00"),
             body=SECRET_BODY, subject=SECRET_SUBJECT, client="grim.client@example.org", client_name="Gwen Grim",
             outcome="partly", redress="GBP 250 goodwill payment", root_cause="Estimate not updated",
             learning="Costs letters reviewed monthly", person_complained_about="Mark Ellis",
             area_of_law="family", resolved="no")
    # Acknowledged on Monday 10 March: the 3-working-day ack was due Thursday 6 March. Never answered.
    add_case(conn, "C-2025-0002", at("2025-03-03 10:00"), ack=at("2025-03-10 09:00"),
             learning="=HYPERLINK(\"http://evil.example\")")
    # Received Wednesday 30 July; on 1 August its acknowledgement is not yet due (Monday 4 August).
    add_case(conn, "C-2025-0003", at("2025-07-30 10:00"))


def test_register_rows_have_the_record_fields_and_no_complaint_text(store: Store) -> None:
    with store.transaction() as conn:
        _register_cases(conn)
        facts = reg.load_case_facts(conn, profile_for=reg.profiles_for(PROFILE), cal=CAL, now=at("2025-08-01 00:00"))
    rows = {r["reference"]: r for r in (reg.register_row(f, CAL) for f in facts)}
    first = rows["C-2025-0001"]
    assert (first["date_received"], first["date_acknowledged"], first["date_responded"], first["date_closed"]) == (
        "2025-07-01", "2025-07-01", "2025-07-21", "2025-07-25")
    assert first["substance"] == "Excessive costs; also Communication"
    assert first["area_complained_about"] == "family"  # the matter's area, never the category's
    assert first["person_complained_about"] == "Mark Ellis"
    assert first["actions"] == "acknowledgement 2025-07-01; final_response 2025-07-21"
    assert (first["outcome"], first["redress"]) == ("partly", "GBP 250 goodwill payment")
    assert first["finished"] == "yes"
    assert first["resolved"] == "no", "finished, not resolved: the client did not accept it"
    assert (first["root_cause"], first["learning"], first["handler"]) == ("Estimate not updated",
                                                                         "Costs letters reviewed monthly", HANDLER)
    assert (first["acknowledge_deadline"], first["respond_deadline"], first["regulator_deadline"]) == ("met", "met", "met")
    second = rows["C-2025-0002"]
    assert (second["acknowledge_deadline"], second["acknowledge_due"]) == ("missed", "2025-03-06")
    assert (second["respond_deadline"], second["regulator_deadline"]) == ("missed", "missed")
    assert second["finished"] == "no"
    assert (second["resolved"], second["area_complained_about"]) == ("unknown", "")
    third = rows["C-2025-0003"]
    assert (third["acknowledge_deadline"], third["acknowledge_due"]) == ("pending", "2025-08-04")

    buf = io.StringIO()
    assert reg.write_csv(rows.values(), buf) == 3
    text = buf.getvalue()
    for secret in (SECRET_BODY, SECRET_SUBJECT, "Grimshaw", "grim.client@example.org", "Gwen Grim", "ann.client@"):
        assert secret not in text
    parsed = {r["reference"]: r for r in csv.DictReader(io.StringIO(text))}
    assert parsed["C-2025-0002"]["learning"].startswith("'=")  # stays text in a spreadsheet


def test_register_command_writes_the_csv(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'mailbot.sqlite3'}")
    store = wiring.build_store(load_config(config))  # content sealed with the firm's key, as in service
    with store.transaction() as conn:
        _register_cases(conn)
    store.dispose()
    out = tmp_path / "exports" / "register.csv"
    run("register", "--csv", "--out", str(out), "--config", str(config), "--as-of", "2025-08-01T00:00:00+00:00")
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [r["reference"] for r in rows] == ["C-2025-0002", "C-2025-0001", "C-2025-0003"]  # by date received
    assert list(rows[0]) == list(reg.REGISTER_FIELDS)
    assert SECRET_BODY not in out.read_text(encoding="utf-8")
    listing = run("register", "--config", str(config)).output
    assert "C-2025-0001" in listing and "Grimshaw" not in listing


# -- regulator returns ----------------------------------------------------------------------------

def _returns_cases(conn: Any) -> None:
    """Period 1 Jan - 30 Jun 2025 (GMT/BST London). Expected figures are derived case by case."""
    # A: before the period; final response 10 Jan: after 3 business days (due Fri 27 Dec, 25/26 Dec are
    #    holidays), within 8 weeks (14 Feb). Closed in period, upheld, GBP 100.
    add_case(conn, "A", at("2024-12-20 10:00"), responded=at("2025-01-10 12:00"), outcome="upheld",
             redress="GBP 100 goodwill payment")
    # B: Mon 6 Jan, answered Wed 8 Jan: within 3 business days (due Thu 9 Jan 17:30). Not upheld.
    add_case(conn, "B", at("2025-01-06 10:00"), responded=at("2025-01-08 15:00"), outcome="not")
    # C: 3 Feb, answered 1 May: after 8 weeks (31 Mar). Partly upheld counts as upheld; GBP 250.50.
    add_case(conn, "C", at("2025-02-03 10:00"), responded=at("2025-05-01 10:00"), outcome="partly",
             redress="GBP 250.50 fee reduction")
    # D: 3 Mar, answered 10 Apr: within 8 weeks (28 Apr). Not upheld, no redress.
    add_case(conn, "D", at("2025-03-03 10:00"), responded=at("2025-04-10 10:00"), outcome="not")
    # E: received 20 Jun, never answered: still open.
    add_case(conn, "E", at("2025-06-20 10:00"))
    # F: received 25 Jun, answered 5 Jul (after the period): still open at the end of the period.
    add_case(conn, "F", at("2025-06-25 10:00"), responded=at("2025-07-05 10:00"), outcome="upheld", redress="GBP 999")
    # G: in the period, marked by a person as not a complaint: counted apart only.
    add_case(conn, "G", at("2025-02-10 10:00"), is_complaint=False, complaint_decided_by=HANDLER)
    # G2: in the period, read by triage as not a complaint and not yet checked: counted apart, to
    #     check (F11).
    add_case(conn, "G2", at("2025-02-11 10:00"), is_complaint=False)
    # H: received and closed before the period: nothing.
    add_case(conn, "H", at("2024-11-01 10:00"), closed=at("2024-12-01 10:00"), outcome="upheld", redress="GBP 5")
    # I: Tue 1 Apr, withdrawn and closed 2 Apr without a final response: received, and closed
    #    without a final response (F12): not "closed" in the return.
    add_case(conn, "I", at("2025-04-01 10:00"), closed=at("2025-04-02 10:00"),
             close_reason="withdrawn by phone")
    # L: Saturday 11 Jan, answered Thu 16 Jan 12:00: after the 3 business days following the day
    #    of receipt (Mon-Wed: due Wed 15 Jan 17:30; F10), within 8 weeks.
    add_case(conn, "L", at("2025-01-11 10:00"), responded=at("2025-01-16 12:00"), outcome="not")
    # J: after the period: nothing.
    add_case(conn, "J", at("2025-07-02 10:00"))
    # K: 1 Oct 2024, answered 1 Feb 2025: closed in period after 8 weeks, upheld, "£1,000" = GBP 1000.
    add_case(conn, "K", at("2024-10-01 10:00"), responded=at("2025-02-01 10:00"), outcome="upheld", redress="£1,000")


# received: B C D E F I L = 7; closed: A B C D K L = 6 (3 days: B; 8 weeks: A D L; later: C K);
# closed without a final response: I = 1; still open: E F = 2; upheld: A C K = 3; redress
# GBP 100 + 250.50 + 1000 = 1350.50; not complaints: G = 1; not yet checked: G2 = 1.
EXPECTED = {"received": 7, "closed": 6, "closed_within_3_business_days": 1,
            "closed_after_3_business_days_within_8_weeks": 3, "closed_after_8_weeks": 2,
            "still_open": 2, "upheld": 3, "upheld_percent": 50.0,
            "redress_total": {"GBP": "1350.50"},
            "not_complaints_excluded": 1,
            "unconfirmed_enquiries_to_check": 1, "closed_without_final_response": 1}


def test_returns_figures_on_a_hand_built_dataset(store: Store) -> None:
    with store.transaction() as conn:
        _returns_cases(conn)
        facts = reg.load_case_facts(conn, profile_for=reg.profiles_for(PROFILE), cal=CAL, now=at("2025-08-01 00:00"))
    figures = returns.compute_returns(facts, date(2025, 1, 1), date(2025, 6, 30), CAL)
    got = returns.as_json(figures)
    assert {k: got[k] for k in EXPECTED} == EXPECTED
    assert figures.redress_total == (("GBP", Decimal("1350.50")),)


def test_returns_command_prints_json_and_text(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'mailbot.sqlite3'}")
    store = wiring.build_store(load_config(config))
    with store.transaction() as conn:
        _returns_cases(conn)
    store.dispose()
    out = run("returns", "--from", "2025-01-01", "--to", "2025-06-30", "--json", "--config", str(config)).output
    got = json.loads(out)
    assert {k: got[k] for k in EXPECTED} == EXPECTED
    text = run("returns", "--from", "2025-01-01", "--to", "2025-06-30", "--config", str(config)).output
    assert re.search(r"within 3 business days\s+1\b", text) and "GBP 1,350.50" in text
    assert "TO CHECK: 1 message(s)" in text
    assert re.search(r"closed without a final response.*\s1\b", text)
    bad = CliRunner().invoke(cli(), ["returns", "--from", "2025-06-30", "--to", "2025-01-01", "--config", str(config)])
    assert bad.exit_code != 0 and "before it starts" in bad.output


# -- trend figures --------------------------------------------------------------------------------

def test_trend_figures_count_by_month_category_client_and_handler(store: Store) -> None:
    with store.transaction() as conn:
        add_case(conn, "T1", at("2025-01-06 10:00"), category="delay", client="rep@example.org", ack=at("2025-01-06 10:05"))
        add_case(conn, "T2", at("2025-01-20 10:00"), category="communication", client="rep@example.org",
                 ack=at("2025-01-23 10:00"), responded=at("2025-02-19 10:00"), root_cause="Calls not logged")
        add_case(conn, "T3", at("2025-03-03 10:00"), category="delay", client="solo@example.org", handler="x.y@firm.example")
        facts = reg.load_case_facts(conn, profile_for=reg.profiles_for(PROFILE), cal=CAL, now=at("2025-04-01 00:00"))
    t = trends.compute_trends(facts, date(2025, 1, 1), date(2025, 3, 31), CAL, handler_names={HANDLER: "Hal Jordan"})
    assert t.months == ("2025-01", "2025-02", "2025-03")
    by = dict(t.by_category)
    assert by["delay"] == (1, 0, 1) and by["communication"] == (1, 0, 0)
    assert t.ack_working_days[0] == (0, 3)  # same day; Mon 20 -> Thu 23 Jan
    assert t.unacknowledged == (0, 0, 1)
    assert dict(trends.ack_bands(t))["2-3 working days"] == (1, 0, 0)
    assert t.response_days[0] == (30.0,)
    assert (t.clients, t.repeat_clients) == (2, 1) and t.top_repeaters[0][1] == 2
    assert "rep@" not in repr(t.top_repeaters)
    assert {h.label: (h.received, h.open_now) for h in t.handler_load} == {"Hal Jordan": (2, 1), "x.y": (1, 1)}
    assert t.root_causes == (("Calls not logged", 1),) and t.root_cause_missing == 2


# -- the report on 5,000 seeded cases -------------------------------------------------------------

@pytest.fixture(scope="module")
def seeded_report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    directory = tmp_path_factory.mktemp("report")
    url = f"sqlite:///{directory / 'mailbot.sqlite3'}"
    seed_cases(url, 5000, end=at("2026-03-01 12:00"))
    config = write_config(directory, url)
    run("report", "--from", "2024-09-01", "--to", "2026-02-28", "--out", str(directory / "out"),
        "--config", str(config), "--as-of", "2026-03-01T12:00:00+00:00")
    yield config, directory / "out" / "report.html"


def test_report_renders_charts_from_5000_cases(seeded_report: tuple[Path, Path]) -> None:
    config, page = seeded_report
    html = page.read_text(encoding="utf-8")
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", html)
    assert len(images) == 6
    for data in images:
        png = base64.b64decode(data)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000  # a drawn chart, not an empty canvas
    for title in ("Complaints per month by category", "Time to acknowledge and to respond", "Deadlines met and missed",
                  "Root causes", "Repeat complainants", "Handler load"):
        assert f"<h2>{title}</h2>" in html
    assert "@example.org" not in html and "client0" not in html and "serial0" not in html  # no client address anywhere on the page
    assert "<link" not in html and "<script" not in html and "http" not in html  # self-contained
    store = wiring.build_store(load_config(config))
    with store.transaction() as conn:
        lo, hi = CAL.start_of(date(2024, 9, 1)), CAL.end_of(date(2026, 2, 28))
        complaints = select(func.count()).select_from(cases).where(  # complaints, not enquiries
            cases.c.received_at >= lo, cases.c.received_at <= hi,
            cases.c.is_complaint.is_not(False))
        in_period = conn.execute(complaints).scalar_one()
    store.dispose()
    assert f"{in_period} complaints received between 2024-09-01 and 2026-02-28" in html


def test_report_screenshot_for_a_human_to_look_at(seeded_report: tuple[Path, Path]) -> None:
    """Optional: needs Chromium (not installed by scripts/test). Writes tests/artifacts/report.png."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("Chromium is not installed; the screenshot is for people, not for the suite")
    _, page = seeded_report
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    profile = page.parent / "chromium-profile"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                    f"--screenshot={shot}", "--window-size=1400,3000", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

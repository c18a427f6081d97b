"""The deadline tick over many cases, on both engines: what it records, audits and queues, and
the letters step that writes the queued reminders and drafts.

The tick records levels in bulk, a chunk of cases per transaction. These tests check that it
fires exactly what the pure core (deadlines.due_actions) says is due, once per level, each in
its case's audit record (by way of one event per transaction), that its next_check_at cache skips nothing at the next boundary, and that
two instances ticking the same cases at once still record and act on each level once, and
that each queued draft is written once, or skipped with a reason when the case no longer needs it.
"""

from __future__ import annotations

import gc
import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, bindparam, func, select, update

from mailbot.cli import wiring
from mailbot.config import parse_config
from mailbot.deadlines import CaseClock, due_actions
from mailbot.service import deadline_letters, tick
from mailbot.service.context import App
from mailbot.store import Store, audit, clocks, levels, make_engine
from mailbot.store.tables import approval_tokens, audit_events, case_checks, cases, outbox, reminders_fired
from tests.together import run_together

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # a Monday morning
BOUNDARY = NOW.replace(hour=16, minute=31)  # just after close of business the same day
HANDLERS = ["h1@firm.example", "h2@firm.example", "h3@firm.example"]
COMPLIANCE = "compliance@firm.example"
N = 240


@pytest.fixture(params=["sqlite", "postgres"])
def engines(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    """Two engines on one database: two instances of mailbot sharing it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'mailbot.sqlite3'}"
        pair = (make_engine(url), make_engine(url))
    else:
        schema = request.getfixturevalue("pg_schema")
        pair = (schema.engine(), schema.engine())
    Store(pair[0]).upgrade()
    yield pair
    for engine in pair:
        engine.dispose()


def make_app(engine: Engine, tmp_path: Path) -> App:
    raw = {"firm": {"name": "Example & Co", "complaints_address": "complaints@firm.example", "domain": "firm.example"},
           "approvals": {"authserv_id": "mx.firm.example"},
           "handlers": [{"name": f"Handler {i}", "email": e} for i, e in enumerate(HANDLERS)]
           + [{"name": "Compliance", "email": COMPLIANCE, "roles": ["compliance"]}],
           "paths": {"data_dir": str(tmp_path)}}
    return wiring.build_app(parse_config(raw), store=Store(engine), with_classifier=False)


def seed(app: App, *, assigned: bool) -> None:
    """N open cases received over the last 10 weeks, so every kind of level is due for some."""
    rng = random.Random(11)
    rows = []
    for i in range(N):
        received = NOW - timedelta(minutes=rng.randint(0, 70 * 24 * 60))
        acknowledged = received + timedelta(hours=1) if rng.random() < 0.9 else None
        rows.append({"ref": f"C-2026-{i + 1:04d}", "state": rng.choice(["new", "acknowledged", "investigating", "awaiting_client"]),
                     "client_address": f"client{i}@example.org", "profile": "ew_sra", "received_at": received,
                     "acknowledged_at": acknowledged, "last_client_letter_at": acknowledged,
                     "awaiting_client_since": received + timedelta(days=2), "created_at": received, "updated_at": received,
                     "category": "delay", "urgency": "normal", "flags": [], "secondary_categories": [], "legal_hold": False,
                     "handler_email": HANDLERS[i % len(HANDLERS)] if assigned else None})
    with app.store.transaction() as conn:
        conn.execute(cases.insert(), rows)


def expected(app: App, now: datetime) -> list[tuple[str, str]]:
    """What the pure core says is newly due for every case, given what is already recorded."""
    with app.store.transaction() as conn:
        done: dict[int, set[str]] = {}
        for case_id, key in conn.execute(select(reminders_fired.c.case_id, reminders_fired.c.key)):
            done.setdefault(case_id, set()).add(key)
        rows = list(conn.execute(select(cases).order_by(cases.c.id)))
    out = []
    for r in rows:
        clock = CaseClock(ref=r.ref, state=r.state, received_at=r.received_at, acknowledged_at=r.acknowledged_at,
                          last_client_letter_at=r.last_client_letter_at, awaiting_client_since=r.awaiting_client_since,
                          responded_at=r.responded_at, closed_at=r.closed_at, fired=frozenset(done.get(r.id, ())))
        out += [(r.ref, a.key) for a in due_actions(clock, now, app.profile, app.calendar)]
    return out


def recorded(app: App) -> list[tuple[str, str]]:
    with app.store.transaction() as conn:
        query = select(cases.c.ref, reminders_fired.c.key).join(cases, cases.c.id == reminders_fired.c.case_id)
        return [(ref, key) for ref, key in conn.execute(query)]


def fired_events(app: App, *, in_trail: bool = True) -> list[tuple[str, str]]:
    """Every level as each case's audit record shows it (what an evidence pack lists), in chain
    order: those whose leaf a batch event holds (checked), or with in_trail=False those the
    audit trail never saw."""
    with app.store.transaction() as conn:
        entries = []
        for ref in conn.execute(select(cases.c.ref).order_by(cases.c.id)).scalars():
            for e in audit.for_case(conn, ref):
                if e.kind == "deadline.fired" and (e.batch is not None) == in_trail:
                    assert e.content_matches() == in_trail, (ref, e.detail)
                    entries.append((e.id, e.case_ref, e.detail["key"]))
        return [(ref, key) for _id, ref, key in sorted(entries)]


def batch_sizes(app: App) -> list[int]:
    with app.store.transaction() as conn:
        query = select(audit_events.c.detail).where(audit_events.c.kind == audit.LEVELS_FIRED).order_by(audit_events.c.id)
        return [detail["levels"] for detail in conn.execute(query).scalars()]


def letters(app: App, kind: str) -> list[Any]:
    with app.store.transaction() as conn:
        return list(conn.execute(select(outbox).where(outbox.c.kind == kind)))


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tick, "CASES_PER_CHUNK", 16)  # many transactions, so chunk edges are crossed
    monkeypatch.setattr(deadline_letters, "DRAFTS_PER_TRANSACTION", 5)


@pytest.mark.usefixtures("small_chunks")
def test_the_tick_fires_what_the_core_says_once_each_and_audits_it(engines: tuple[Engine, Engine], tmp_path: Path) -> None:
    app = make_app(engines[0], tmp_path)
    seed(app, assigned=False)
    want = expected(app, NOW)
    assert len(want) > N  # a backlog: several levels for many cases

    report = tick.deadline_tick(app, now=NOW)

    assert sorted(report.fired) == sorted(want)
    assert sorted(recorded(app)) == sorted(want)
    assert sorted(fired_events(app)) == sorted(report.fired)  # each level in its case's trail
    sizes = batch_sizes(app)  # one event per transaction that recorded levels, holding all of them
    assert len(sizes) == -(-N // tick.CASES_PER_CHUNK) and sum(sizes) == len(report.fired)
    with app.store.transaction() as conn:
        assert audit.verify(conn) == []
    again = tick.deadline_tick(app, now=NOW)
    assert again.fired == [] and again.evaluated == 0


@pytest.mark.usefixtures("small_chunks")
def test_the_next_boundary_fires_everything_newly_due_and_nothing_is_skipped(engines: tuple[Engine, Engine],
                                                                             tmp_path: Path) -> None:
    app = make_app(engines[0], tmp_path)
    seed(app, assigned=False)
    tick.deadline_tick(app, now=NOW)
    assert tick.deadline_tick(app, now=NOW + timedelta(minutes=5)).evaluated == 0  # no boundary passed

    for moment in (BOUNDARY, BOUNDARY + timedelta(days=1), BOUNDARY + timedelta(days=3)):
        want = expected(app, moment)
        report = tick.deadline_tick(app, now=moment)
        assert sorted(report.fired) == sorted(want), moment
    assert Counter(recorded(app)).most_common(1)[0][1] == 1
    assert sorted(fired_events(app)) == sorted(recorded(app))
    with app.store.transaction() as conn:
        assert audit.verify(conn) == []


@pytest.mark.usefixtures("small_chunks")
def test_assigned_cases_get_one_draft_per_case_and_one_reminder_per_person(engines: tuple[Engine, Engine],
                                                                            tmp_path: Path) -> None:
    app = make_app(engines[0], tmp_path)
    seed(app, assigned=True)
    want = expected(app, NOW)
    drafting = {ref for ref, key in want if key.split(":")[0] in tick.DRAFTS}

    report = tick.deadline_tick(app, now=NOW)

    assert sorted(report.fired) == sorted(want)
    assert letters(app, "approval_request") == letters(app, "reminder") == []  # the tick queues letters; it writes none
    assert (report.drafts_queued, report.notices_queued) == (len(drafting), len(want))
    with app.store.transaction() as conn:
        assert levels.queued(conn) == {"drafts": len(drafting), "reminder_lines": len(want)}

    written = deadline_letters.write_deadline_letters(app, now=NOW)

    assert (written.drafted, written.skipped) == (len(drafting), 0)
    requests = letters(app, "approval_request")
    assert len(requests) == len(drafting)  # the most pressing draft per case, not one per level
    with app.store.transaction() as conn:
        assert levels.queued(conn) == {"drafts": 0, "reminder_lines": 0}
        pending = Counter(conn.execute(select(outbox.c.case_id).where(outbox.c.status == "draft")).scalars())
        assert set(pending.values()) == {1}
        assert audit.verify(conn) == []
    reminders = letters(app, "reminder")
    assert sorted(r.recipients[0] for r in reminders) == sorted([*HANDLERS, COMPLIANCE])
    assert written.reminders_sent == len(reminders)
    lines = sum(r.body_text.count("C-2026-") for r in reminders if r.recipients[0] != COMPLIANCE)
    assert lines == len(want)  # every level a line in its handler's reminder
    again = deadline_letters.write_deadline_letters(app, now=NOW)  # a rerun writes nothing twice
    assert (again.drafted, again.reminders_sent) == (0, 0)


@pytest.mark.usefixtures("small_chunks")
def test_two_instances_ticking_at_once_act_on_each_level_once(engines: tuple[Engine, Engine], tmp_path: Path) -> None:
    apps = [make_app(engine, tmp_path) for engine in engines]
    seed(apps[0], assigned=True)
    tick.deadline_tick(apps[0], now=NOW - timedelta(days=3))  # an earlier tick: its drafts are superseded below
    deadline_letters.write_deadline_letters(apps[0], now=NOW - timedelta(days=3))
    want = expected(apps[0], NOW)
    drafting = {ref for ref, key in want if key.split(":")[0] in tick.DRAFTS}
    before = len(letters(apps[0], "approval_request"))

    reports = run_together([lambda app=app: tick.deadline_tick(app, now=NOW) for app in apps])
    before_reminders = len(letters(apps[0], "reminder"))
    writers = run_together([lambda app=app: deadline_letters.write_deadline_letters(app, now=NOW) for app in apps])

    both = reports[0].fired + reports[1].fired
    assert sorted(both) == sorted(want)  # every level acted on, none by both instances
    assert writers[0].drafted + writers[1].drafted == len(drafting)  # every draft written, none by both
    new_reminders = letters(apps[0], "reminder")[before_reminders:]
    assert sorted(r.recipients[0] for r in new_reminders) == sorted([*HANDLERS, COMPLIANCE])  # one each, not two
    assert Counter(recorded(apps[0])).most_common(1)[0][1] == 1
    assert Counter(fired_events(apps[0])).most_common(1)[0][1] == 1
    assert len(letters(apps[0], "approval_request")) - before == len(drafting)
    with apps[0].store.transaction() as conn:
        pending = Counter(conn.execute(select(outbox.c.case_id).where(outbox.c.status == "draft")).scalars())
        assert set(pending.values()) == {1}  # one pending draft per case, whichever instance wrote it
        assert audit.verify(conn) == []


def test_a_long_reminder_lists_the_most_urgent_and_earliest_first_and_counts_the_rest(
        engines: tuple[Engine, Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first start on a backlog queues dozens of lines per handler: the reminder shows the
    first few by urgency and due date, and says how many more, all of them marked sent."""
    monkeypatch.setattr(deadline_letters, "REMINDER_LINES_SHOWN", 5)
    app = make_app(engines[0], tmp_path)
    seed(app, assigned=True)
    with app.store.transaction() as conn:  # one case of the first handler is critical
        urgent_ref = conn.execute(select(cases.c.ref).where(cases.c.handler_email == HANDLERS[0]).order_by(cases.c.id.desc())
                                  .limit(1)).scalar_one()
        conn.execute(update(cases).where(cases.c.ref == urgent_ref).values(urgency="critical"))
    tick.deadline_tick(app, now=NOW)
    deadline_letters.write_deadline_letters(app, now=NOW)

    with app.store.transaction() as conn:  # the first handler's lines, most urgent then earliest due first
        theirs = conn.execute(select(cases.c.ref, cases.c.urgency, reminders_fired.c.due_at)
                              .join(cases, cases.c.id == reminders_fired.c.case_id)
                              .where(cases.c.handler_email == HANDLERS[0])).all()
        assert levels.queued(conn)["reminder_lines"] == 0  # every line sent, shown or not
    first = [ref for ref, _u, _due in sorted(theirs, key=lambda r: (r.urgency != "critical", r.due_at, r.ref))[:5]]
    (reminder,) = [r for r in letters(app, "reminder") if r.recipients[0] == HANDLERS[0]]
    listed = [line.split()[0] for line in reminder.body_text.splitlines() if line.strip().startswith("C-2026-")]
    assert listed == first and first[0] == urgent_ref
    assert f"... and {len(theirs) - 5} more not listed here" in reminder.body_text
    assert f"Reminder: {len(theirs)} complaint deadlines" in reminder.subject


def test_a_level_another_instance_recorded_meanwhile_is_not_acted_on(engines: tuple[Engine, Engine], tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The candidates are read before the levels are recorded; whatever lands in between is skipped."""
    app, other = (make_app(engine, tmp_path) for engine in engines)
    seed(app, assigned=True)
    want = expected(app, NOW)
    taken = want[::3]  # what the other instance records between our read and our insert
    real_candidates = clocks.candidates

    def candidates_then_other_instance(*args: Any, **kwargs: Any) -> Any:
        found = real_candidates(*args, **kwargs)
        with other.store.transaction() as conn:
            ids = dict(conn.execute(select(cases.c.ref, cases.c.id)).all())
            conn.execute(reminders_fired.insert(), [{"case_id": ids[ref], "key": key, "fired_at": NOW} for ref, key in taken])
        return found

    monkeypatch.setattr(clocks, "candidates", candidates_then_other_instance)
    report = tick.deadline_tick(app, now=NOW)

    assert sorted(report.fired) == sorted(set(want) - set(taken))
    assert sorted(fired_events(app)) == sorted(report.fired)
    assert Counter(recorded(app)).most_common(1)[0][1] == 1
    # The stand-in instance wrote its rows without auditing them: each case's record says so.
    assert sorted(fired_events(app, in_trail=False)) == sorted(taken)


def test_a_change_committed_just_after_a_tick_read_the_cases_is_seen_by_the_next(engines: tuple[Engine, Engine],
                                                                                  tmp_path: Path) -> None:
    """A change is stamped when its transaction starts: one that commits while a tick runs
    carries a time before that tick, and the next tick must still look at the case."""
    app = make_app(engines[0], tmp_path)
    seed(app, assigned=True)
    with app.store.transaction() as conn:  # answered: no clock runs, so its next check is never
        conn.execute(update(cases).where(cases.c.id == 1).values(state="responded", responded_at=NOW - timedelta(days=30)))
    tick.deadline_tick(app, now=NOW)
    with app.store.transaction() as conn:  # reopened by a transaction that began a minute before that tick
        conn.execute(update(cases).where(cases.c.id == 1).values(state="reopened", updated_at=NOW - timedelta(minutes=1)))
        ref = conn.execute(select(cases.c.ref).where(cases.c.id == 1)).scalar_one()

    later = tick.deadline_tick(app, now=NOW + timedelta(minutes=5))

    assert [key.split(":")[0] for r, key in later.fired if r == ref] == ["stalled"]


def test_next_check_is_stored_for_every_case_looked_at(engines: tuple[Engine, Engine], tmp_path: Path) -> None:
    app = make_app(engines[0], tmp_path)
    seed(app, assigned=False)
    with app.store.transaction() as conn:  # a case whose stored next check has come, among others that never had one
        conn.execute(update(case_checks).where(case_checks.c.case_id == 1).values(next_check_at=NOW - timedelta(days=1)))
    report = tick.deadline_tick(app, now=NOW)
    assert report.evaluated == N
    with app.store.transaction() as conn:
        stored = conn.execute(select(case_checks.c.next_check_at)).scalars().all()
    assert len(stored) == N and all(at is not None and at > NOW for at in stored)


def test_a_queued_draft_the_case_no_longer_needs_is_skipped_and_audited(engines: tuple[Engine, Engine],
                                                                        tmp_path: Path) -> None:
    """A final response, or the handler taken off, between the tick and the drafting: no draft."""
    app = make_app(engines[0], tmp_path)
    seed(app, assigned=True)
    report = tick.deadline_tick(app, now=NOW)
    with app.store.transaction() as conn:
        queued = conn.execute(select(cases.c.id, cases.c.ref).join(reminders_fired, reminders_fired.c.case_id == cases.c.id)
                              .where(reminders_fired.c.draft_status == "pending").order_by(cases.c.id)).all()
        responded, unassigned = queued[0], queued[1]
        conn.execute(update(cases).where(cases.c.id == responded.id).values(state="responded", responded_at=NOW))
        conn.execute(update(cases).where(cases.c.id == unassigned.id).values(handler_email=None))

    written = deadline_letters.write_deadline_letters(app, now=NOW + timedelta(minutes=1))

    assert (written.drafted, written.skipped) == (report.drafts_queued - 2, 2)
    drafted_for = {r.case_id for r in letters(app, "approval_request")}
    assert responded.id not in drafted_for and unassigned.id not in drafted_for
    with app.store.transaction() as conn:
        skipped = [(e.case_ref, e.detail["why"]) for e in audit.for_case(conn, responded.ref) + audit.for_case(conn, unassigned.ref)
                   if e.kind == "deadline.draft_skipped"]
        assert audit.verify(conn) == []
    assert skipped == [(responded.ref, "the case is responded"), (unassigned.ref, "the case has no handler")]
    # The reminder line claims a draft only where one was written.
    lines = [line for r in letters(app, "reminder") for line in r.body_text.splitlines() if "C-2026-" in line]
    responded_line = next(line for line in lines if responded.ref in line)
    assert "drafted for you" not in responded_line
    with app.store.transaction() as conn:
        drafted = conn.execute(select(func.count()).where(reminders_fired.c.draft_status == "drafted")).scalar_one()
    assert drafted == written.drafted
    assert sum("is drafted for you" in line for line in lines) == drafted  # one line per level, breaches have no draft


@pytest.mark.usefixtures("small_chunks")
def test_a_tick_cut_off_between_chunks_loses_no_reminder_line(engines: tuple[Engine, Engine], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Levels recorded by the chunks that committed never fire again, so their reminder lines
    must already be safe: each is queued in the transaction that records its level."""
    app = make_app(engines[0], tmp_path)
    seed(app, assigned=True)
    want = expected(app, NOW)
    real_chunk, calls = tick._tick_chunk, []

    def dies_on_third_chunk(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        real_chunk(*args, **kwargs)

    monkeypatch.setattr(tick, "_tick_chunk", dies_on_third_chunk)
    with pytest.raises(RuntimeError):
        tick.deadline_tick(app, now=NOW)
    assert 0 < len(recorded(app)) < len(want)
    assert gc.isenabled() and gc.get_freeze_count() == 0, "the collector is left as it was"
    monkeypatch.setattr(tick, "_tick_chunk", real_chunk)

    tick.deadline_tick(app, now=NOW)  # the restarted service's next tick
    deadline_letters.write_deadline_letters(app, now=NOW)

    assert sorted(recorded(app)) == sorted(want)
    handler_mail = [r.body_text for r in letters(app, "reminder") if r.recipients[0] != COMPLIANCE]
    for ref, key in want:
        assert sum(body.count(f"{ref}") for body in handler_mail) >= 1, (ref, key)
    assert sum(body.count("C-2026-") for body in handler_mail) == len(want)



def test_the_collector_is_off_only_while_the_tick_reads_and_plans(engines: tuple[Engine, Engine],
                                                                  tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's cyclic garbage collector is one for the whole process, and other jobs run in
    other threads while the tick waits on the database: it is off while the tick reads and
    plans the cases, on while the levels are written, and as it was afterwards."""
    app = make_app(engines[0], tmp_path)
    seed(app, assigned=True)
    collector_on: dict[str, bool] = {}
    real_candidates, real_record = clocks.candidates, levels.record

    def candidates(*args: Any, **kwargs: Any) -> Any:
        collector_on["reading"] = gc.isenabled()
        return real_candidates(*args, **kwargs)

    def record(*args: Any, **kwargs: Any) -> Any:
        collector_on["writing"] = gc.isenabled()
        return real_record(*args, **kwargs)

    monkeypatch.setattr(clocks, "candidates", candidates)
    monkeypatch.setattr(levels, "record", record)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert tick.deadline_tick(app, now=NOW).fired
    assert collector_on == {"reading": False, "writing": True}
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_chunk_with_two_drafts_for_one_case_leaves_one_live_draft_bound_to_its_own_request(
        engines: tuple[Engine, Engine], tmp_path: Path) -> None:
    """The letters step writes a chunk's drafts together. A case with two drafts queued (a tick
    that died, then another) gets both written in order, the first superseded by the second as
    one by one; every draft's token names its own approval request."""
    app = make_app(engines[0], tmp_path)
    seed(app, assigned=True)
    tick.deadline_tick(app, now=NOW)
    with app.store.transaction() as conn:
        first = conn.execute(select(reminders_fired).where(reminders_fired.c.draft_status == "pending")
                             .order_by(reminders_fired.c.id).limit(1)).one()
        conn.execute(reminders_fired.insert().values(
            case_id=first.case_id, key=first.key + ":again", fired_at=first.fired_at, due_at=first.due_at,
            detail=first.detail, notice_status=None, draft_kind=first.draft_kind, draft_status="pending"))

    written = deadline_letters.write_deadline_letters(app, now=NOW)

    with app.store.transaction() as conn:
        mine = conn.execute(select(outbox.c.id, outbox.c.status).where(
            outbox.c.case_id == first.case_id, outbox.c.kind == first.draft_kind).order_by(outbox.c.id)).all()
        assert [status for _id, status in mine] == ["superseded", "draft"]
        live = Counter(conn.execute(select(outbox.c.case_id).where(outbox.c.status == "draft")).scalars())
        assert set(live.values()) == {1} and len(live) == written.drafted - 1
        tokens = conn.execute(select(approval_tokens.c.outbox_id, approval_tokens.c.request_message_id)).all()
        requests = dict(conn.execute(select(outbox.c.message_id, outbox.c.case_id)
                                     .where(outbox.c.kind == "approval_request")).all())
        drafts = dict(conn.execute(select(outbox.c.id, outbox.c.case_id).where(outbox.c.requires_approval)).all())
        assert len(tokens) == written.drafted
        assert all(requests[message_id] == drafts[draft_id] for draft_id, message_id in tokens)
        superseded = [e for e in audit.for_case(conn, conn.execute(select(cases.c.ref).where(
            cases.c.id == first.case_id)).scalar_one()) if e.kind == "letter.superseded"]
        assert [e.detail["outbox_id"] for e in superseded] == [mine[0].id]
        assert audit.verify(conn) == []

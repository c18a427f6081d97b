"""Named queries for corrective actions (issue 19)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeAlias

from sqlalchemy import Connection, Row, select, update

from .tables import cases, corrective_actions

_A = corrective_actions.c
# A corrective action as the table keeps it.
ActionRow: TypeAlias = Row[Any]


def add_action(conn: Connection, *, case_id: int, text: str, owner: str, due_on: date,
               category: str | None, root_cause: str | None, by: str, at: datetime) -> int:
    return conn.execute(corrective_actions.insert().values(
        case_id=case_id, text=text, owner=owner, due_on=due_on, category=category,
        root_cause=root_cause, status="open", created_by=by, created_at=at,
    ).returning(_A.id)).scalar_one()


def action_by_id(conn: Connection, action_id: int) -> ActionRow | None:
    q = (select(corrective_actions, cases.c.ref.label("case_ref"))
         .join(cases, cases.c.id == _A.case_id).where(_A.id == action_id))
    return conn.execute(q).first()


def list_actions(conn: Connection, *, status: str | None = None) -> list[ActionRow]:
    """Every action with its case's reference, category and root cause as they stand now."""
    q = (select(corrective_actions, cases.c.ref.label("case_ref"),
                cases.c.category.label("case_category"),
                cases.c.root_cause.label("case_root_cause"))
         .join(cases, cases.c.id == _A.case_id).order_by(_A.id))
    if status is not None:
        q = q.where(_A.status == status)
    return list(conn.execute(q))


def waiting(conn: Connection) -> list[ActionRow]:
    """Actions an owner may need telling about: open ones, and done ones nobody said worked."""
    q = (select(corrective_actions, cases.c.ref.label("case_ref"))
         .join(cases, cases.c.id == _A.case_id)
         .where((_A.status == "open") | ((_A.status == "done") & _A.worked.is_(None)))
         .order_by(_A.id))
    return list(conn.execute(q))


def claim_reminder(conn: Connection, action_id: int, *, was: str | None, level: str,
                   at: datetime) -> bool:
    """Record that `level` is being sent, only if nobody else recorded a newer one meanwhile."""
    same = _A.reminded.is_(None) if was is None else _A.reminded == was
    return conn.execute(update(corrective_actions).where(_A.id == action_id, same)
                        .values(reminded=level, reminded_at=at)).rowcount == 1


def mark_done(conn: Connection, action_id: int, *, by: str, at: datetime) -> bool:
    done = update(corrective_actions).where(_A.id == action_id, _A.status == "open")
    return conn.execute(done.values(status="done", done_at=at, done_by=by,
                                    reminded=None)).rowcount == 1


def mark_worked(conn: Connection, action_id: int, *, worked: bool, by: str, at: datetime) -> bool:
    return conn.execute(update(corrective_actions).where(_A.id == action_id, _A.status == "done")
                        .values(worked="yes" if worked else "no", worked_at=at,
                                worked_by=by)).rowcount == 1

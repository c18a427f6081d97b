"""Named queries for the outbox (draft -> approved -> sent | failed) and approval tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence, TypeAlias

from sqlalchemy import Connection, Row, and_, bindparam, func, or_, select, update

from ..records import Letter
from . import memo
from .tables import approval_tokens, cases, outbox


# Constant statements with the values as parameters: building a statement from the values on every
# call (insert().values(...)) cost more than running it when a tick queues thousands of drafts.
# An approval token as the table keeps it (only its hash, never the token itself).
TokenRow: TypeAlias = Row[Any]

_ADD_LETTER = outbox.insert().returning(outbox.c.id)
_ADD_TOKEN = approval_tokens.insert()


def add_letter(conn: Connection, **values: Any) -> int:
    """Write a letter row; `status` is 'approved' for what may go out unapproved, else 'draft'."""
    outbox_id = conn.execute(_ADD_LETTER, values).scalar_one()
    if _automatic_acknowledgement(values):
        _count_one_more_acknowledgement(conn)
    return outbox_id


# Many rows, one statement (SQLAlchemy's "insertmanyvalues"), the ids in the rows' order.
_ADD_LETTERS = outbox.insert().returning(outbox.c.id, sort_by_parameter_order=True)


def add_letters(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """`add_letter` for several letters at once (a tick's letters step writes thousands); their
    ids in the order given."""
    if not rows:
        return []
    if len(rows) == 1:
        return [add_letter(conn, **rows[0])]
    ids = [row[0] for row in conn.execute(_ADD_LETTERS, list(rows))]
    for row in rows:
        if _automatic_acknowledgement(row):
            _count_one_more_acknowledgement(conn)
    return ids


def as_letter(row: Row[Any]) -> Letter:
    """A row of `select(outbox)` as a Letter: the one conversion, by column name."""
    return Letter.from_mapping(row._mapping)


def _first_letter(row: Row[Any] | None) -> Letter | None:
    return as_letter(row) if row is not None else None


def letter(conn: Connection, outbox_id: int) -> Letter | None:
    return _first_letter(conn.execute(select(outbox).where(outbox.c.id == outbox_id)).first())


def existing_letter(conn: Connection, outbox_id: int) -> Letter:
    """A letter that must exist (just written, or named by a token): a missing one is a broken
    record, raised as such rather than met later as None."""
    found = letter(conn, outbox_id)
    if found is None:
        raise LookupError(f"letter #{outbox_id} is not in the outbox")
    return found


def letter_by_message_id(conn: Connection, message_id: str) -> Letter | None:
    q = select(outbox).where(outbox.c.message_id == message_id.strip("<>"))
    return _first_letter(conn.execute(q).first())


def set_status(conn: Connection, outbox_id: int, *, expected: str, **values: Any) -> bool:
    """Compare-and-set on status, so two instances can never both approve or send one letter."""
    result = conn.execute(
        update(outbox).where(outbox.c.id == outbox_id, outbox.c.status == expected).values(**values)
    )
    return result.rowcount == 1


def due_for_sending(conn: Connection, now: datetime, limit: int = 50) -> list[Letter]:
    """Approved letters whose next attempt is due; rows are locked (SKIP LOCKED) on PostgreSQL."""
    q = (
        select(outbox)
        .where(
            outbox.c.status == "approved",
            or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
        )
        .order_by(outbox.c.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    return [as_letter(row) for row in conn.execute(q)]


_LETTERS_OF_CASE = select(outbox).where(outbox.c.case_id == bindparam("case_id")).order_by(
    outbox.c.id)


def drafts_for_case(conn: Connection, case_id: int) -> list[Letter]:
    """The case's letters awaiting approval.

    Read by the case alone and filtered here: a case has a handful of letters, while a filter on
    status in SQL let PostgreSQL's planner pick the status index, which holds every pending
    draft of the firm, and walk it for each draft written after a busy boundary (a cost that
    grows with every pending draft; tests/bench/README.md has the figure).
    """
    return [as_letter(row) for row in conn.execute(_LETTERS_OF_CASE, {"case_id": case_id})
            if row.status == "draft"]


def letters_for_case(conn: Connection, case_id: int) -> list[Letter]:
    return [as_letter(row) for row in conn.execute(_LETTERS_OF_CASE, {"case_id": case_id})]


def list_letters(conn: Connection, *, status: str | None = None,
                 limit: int = 200) -> list[Letter]:
    q = select(outbox).order_by(outbox.c.id.desc()).limit(limit)
    if status:
        q = q.where(outbox.c.status == status)
    return [as_letter(row) for row in conn.execute(q)]


def _automatic_acknowledgement(row: Mapping[str, Any]) -> bool:
    """An acknowledgement queued without a person (RFC 3834's automatic reply): what the rate
    limits count. One a handler approves, or one held back for a person, is not."""
    return row.get("kind") == "acknowledgement" and row.get("requires_approval") is False


def recent_auto_replies_to(conn: Connection, address: str, since: datetime) -> int:
    """Automatic acknowledgements sent or queued to this address since `since` (per-sender rate
    limit); one held back for a person or approved by one does not count."""
    params = {"address": address.lower(), "since": since}
    return conn.execute(_RECENT_AUTO_REPLIES_TO, params).scalar_one()


# Every new complaint asks it: built once, with the address and the time as parameters.
_RECENT_AUTO_REPLIES_TO = select(func.count()).select_from(outbox).where(
    outbox.c.case_id.in_(
        select(cases.c.id).where(cases.c.client_address == bindparam("address"))
        .scalar_subquery()),
    outbox.c.kind == "acknowledgement", outbox.c.requires_approval.is_(False),
    outbox.c.created_at >= bindparam("since"))


def count_auto_replies_since(conn: Connection, since: datetime, cap: int) -> int:
    """Automatic acknowledgements since `since`, counted up to `cap` (the circuit breaker's
    limit). Those held back for a person are not counted: a breaker that counted them would stay
    tripped through a surge of real complaints and hold their acknowledgements longer.

    The count reads an index entry (on PostgreSQL, without a recent VACUUM, a table row too) for
    every acknowledgement of the hour, and intake asks once per new complaint: at 3,000 new
    complaints an hour that was 2.6 ms each (tests/bench/README.md). So a transaction counts
    once (store/memo.py) and then adds the acknowledgements it writes itself (`add_letter`). A
    later `since` reuses that count: the window's start has only moved on, so the count can only
    be too high by those that left the window, which makes the breaker trip a little early,
    never late. The breaker only asks whether `cap` is reached, so counting stops there.
    """
    kept = memo.get(conn, _ACK_COUNT)
    if kept is not None and kept[0] <= since and (kept[1] < kept[2] or kept[2] >= cap):
        return min(int(kept[1]), cap)  # a count that stopped short of its cap was complete
    recent = select(outbox.c.id).where(outbox.c.kind == "acknowledgement",
                                       outbox.c.requires_approval.is_(False),
                                       outbox.c.created_at >= since).limit(cap).subquery()
    count = conn.execute(select(func.count()).select_from(recent)).scalar_one()
    memo.put(conn, _ACK_COUNT, [since, count, cap])
    return count


_ACK_COUNT = "acknowledgements"  # [since, count, cap]


def _count_one_more_acknowledgement(conn: Connection) -> None:
    kept = memo.get(conn, _ACK_COUNT)
    if kept is not None:
        kept[1] += 1


def approval_request_ids(conn: Connection, message_ids: Iterable[str]) -> frozenset[str]:
    """Which of these Message-IDs are approval requests we sent to a handler."""
    ids = [m for m in message_ids if m]
    if not ids:
        return frozenset()
    q = select(outbox.c.message_id).where(outbox.c.kind == "approval_request",
                                          outbox.c.message_id.in_(ids))
    return frozenset(r[0] for r in conn.execute(q))


def add_token(conn: Connection, *, outbox_id: int, handler_email: str, token_sha256: str,
              expires_at: datetime, now: datetime, request_message_id: str, marker: str) -> None:
    add_tokens(conn, [token_row(outbox_id=outbox_id, handler_email=handler_email,
                                token_sha256=token_sha256, expires_at=expires_at, now=now,
                                request_message_id=request_message_id, marker=marker)])


def token_row(*, outbox_id: int, handler_email: str, token_sha256: str, expires_at: datetime,
              now: datetime, request_message_id: str, marker: str) -> dict[str, Any]:
    """An approval token's row as `add_tokens` writes it (only the token's hash is kept)."""
    return {"outbox_id": outbox_id, "handler_email": handler_email.lower(),
            "token_sha256": token_sha256, "expires_at": expires_at, "created_at": now,
            "request_message_id": request_message_id, "marker": marker}


def add_tokens(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        conn.execute(_ADD_TOKEN, list(rows))


def supersede(conn: Connection, outbox_ids: Iterable[int]) -> list[int]:
    """Mark drafts superseded, compare-and-set on 'draft' as `set_status` does, in one statement;
    returns the ids it changed."""
    ids = sorted(set(outbox_ids))
    if not ids:
        return []
    q = (update(outbox).where(outbox.c.id.in_(ids), outbox.c.status == "draft")
         .values(status="superseded").returning(outbox.c.id))
    return sorted(row[0] for row in conn.execute(q))


def drafts_of_cases(conn: Connection, case_ids: Iterable[int]) -> dict[int, list[Letter]]:
    """`drafts_for_case` of several cases in one statement (filtered here, for the same reason)."""
    ids = sorted(set(case_ids))
    found: dict[int, list[Letter]] = {}
    if not ids:
        return found
    q = select(outbox).where(outbox.c.case_id.in_(ids)).order_by(outbox.c.id)
    for row in conn.execute(q):
        if row.status == "draft":
            found.setdefault(row.case_id, []).append(as_letter(row))
    return found


def token_for_request(conn: Connection, request_message_id: str) -> TokenRow | None:
    """The token an approval request carried, found by the request's Message-ID."""
    q = select(approval_tokens).where(
        approval_tokens.c.request_message_id == request_message_id.strip("<>"))
    return conn.execute(q).first()


def live_request(conn: Connection, case_id: int, now: datetime) -> tuple[Letter, Letter] | None:
    """(draft, its approval request) when the case has a draft whose latest request is still
    usable: token unused and unexpired. One live request per case: follow-ups keep it."""
    for draft in reversed(drafts_for_case(conn, case_id)):
        q = (select(approval_tokens).where(approval_tokens.c.outbox_id == draft.id)
             .order_by(approval_tokens.c.id.desc()).limit(1))
        token = conn.execute(q).first()
        if (token is None or token.used_at is not None or token.expires_at <= now
                or not token.request_message_id):
            continue
        request = letter_by_message_id(conn, token.request_message_id)
        if request is not None:
            return draft, request
    return None


def rewrite_unsent(conn: Connection, outbox_id: int, **values: Any) -> bool:
    """Replace the text of a letter not yet sent (compare-and-set on status and sent_at)."""
    result = conn.execute(
        update(outbox).where(outbox.c.id == outbox_id, outbox.c.status == "approved",
                             outbox.c.sent_at.is_(None), outbox.c.attempts == 0).values(**values))
    return result.rowcount == 1


def letters_to(conn: Connection, kind: str, recipient: str, since: datetime) -> list[Letter]:
    """Letters of one kind to one address written since `since`, oldest first (notice limits)."""
    q = select(outbox).where(outbox.c.kind == kind, outbox.c.created_at
                             >= since).order_by(outbox.c.id)
    wanted = recipient.lower()
    return [as_letter(r) for r in conn.execute(q) if wanted in [x.lower() for x in r.recipients]]


def token_by_hash(conn: Connection, token_sha256: str) -> TokenRow | None:
    return conn.execute(
        select(approval_tokens).where(approval_tokens.c.token_sha256 == token_sha256)).first()


def use_token(conn: Connection, token_id: int, now: datetime) -> bool:
    """Single use: only the first caller gets True."""
    result = conn.execute(
        update(approval_tokens)
        .where(and_(approval_tokens.c.id == token_id, approval_tokens.c.used_at.is_(None)))
        .values(used_at=now)
    )
    return result.rowcount == 1


# --- writes the drafting and sending services make (named here: SQL stays in the store) ---


def rewrite_draft(conn: Connection, outbox_id: int, *, subject: str, body_text: str,
            body_html: str | None) -> bool:
    """Rewrite a letter still awaiting approval (compare-and-set on status 'draft')."""
    result = conn.execute(
        update(outbox).where(outbox.c.id == outbox_id, outbox.c.status == "draft")
        .values(subject=subject, body_text=body_text, body_html=body_html))
    return result.rowcount == 1


def replace_text(conn: Connection, outbox_id: int, *, body_text: str, body_html: str | None,
                 edit_diff: str) -> None:
    """A handler's edited text becomes the letter's, with the difference kept for the record."""
    conn.execute(update(outbox).where(outbox.c.id == outbox_id)
                 .values(body_text=body_text, body_html=body_html, edit_diff=edit_diff))


def claim(conn: Connection, outbox_id: int, *, seen_next_attempt_at: datetime | None,
          lease_until: datetime) -> bool:
    """Lease an approved letter for sending: a compare-and-set on the next attempt time the
    caller read, so of several instances only one sends it."""
    seen = (outbox.c.next_attempt_at.is_(None) if seen_next_attempt_at is None
            else outbox.c.next_attempt_at == seen_next_attempt_at)
    result = conn.execute(
        update(outbox).where(outbox.c.id == outbox_id, outbox.c.status == "approved", seen)
        .values(next_attempt_at=lease_until))
    return result.rowcount == 1


def rethread(conn: Connection, outbox_id: int, *, in_reply_to: str,
             references: list[str]) -> None:
    conn.execute(update(outbox).where(outbox.c.id == outbox_id)
                 .values(in_reply_to=in_reply_to, references=references))


def reschedule(conn: Connection, outbox_id: int, *, next_attempt_at: datetime | None,
               last_error: str, attempts: int | None = None) -> None:
    """When to try a letter again, and why the last try failed; `attempts` None leaves the
    count as it is (the relay failed, not the letter)."""
    values: dict[str, Any] = {"next_attempt_at": next_attempt_at, "last_error": last_error}
    if attempts is not None:
        values["attempts"] = attempts
    conn.execute(update(outbox).where(outbox.c.id == outbox_id).values(**values))

"""The store's Case and Letter hold exactly their tables' columns, so no column is dropped on the
way out of the store (a new column must be added to records.py too) and none is invented."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields
from datetime import datetime, timezone

import pytest

from mailbot.cases import CaseSnapshot, State
from mailbot.records import Case, Letter
from mailbot.store.tables import cases, outbox

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def test_case_fields_are_the_cases_columns_in_order() -> None:
    assert [f.name for f in fields(Case)] == list(cases.c.keys())


def test_letter_fields_are_the_outbox_columns_in_order() -> None:
    assert [f.name for f in fields(Letter)] == list(outbox.c.keys())


def _case_values(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {f.name: None for f in fields(Case)}
    values.update(id=7, ref="C-2026-0007", state="awaiting_client", secondary_categories=[],
                  client_address="jane@example.com", profile="ew_sra", received_at=NOW,
                  acknowledged_at=NOW, legal_hold=False, created_at=NOW, updated_at=NOW,
                  complainant="client", channel="email")
    values.update(changes)
    return values


def test_a_case_read_by_column_name_whatever_the_order() -> None:
    values = _case_values()
    case = Case.from_mapping(dict(reversed(list(values.items()))))
    assert (case.id, case.ref, case.client_address) == (7, "C-2026-0007", "jane@example.com")
    assert case.state is State.AWAITING_CLIENT
    assert case.snapshot() == CaseSnapshot("C-2026-0007", State.AWAITING_CLIENT,
                                           acknowledged_at=NOW)


def test_an_unknown_state_is_refused_when_read() -> None:
    with pytest.raises(ValueError, match="'pending'"):
        Case.from_mapping(_case_values(state="pending"))


def test_a_case_is_frozen() -> None:
    case = Case.from_mapping(_case_values())
    with pytest.raises(FrozenInstanceError):
        case.state = State.CLOSED  # type: ignore[misc]


def test_a_letter_read_by_column_name() -> None:
    values: dict[str, object] = {f.name: None for f in fields(Letter)}
    values.update(id=3, kind="acknowledgement", status="draft", recipients=["jane@example.com"])
    letter = Letter.from_mapping(dict(reversed(list(values.items()))))
    assert (letter.id, letter.kind, letter.status) == (3, "acknowledgement", "draft")
    assert letter.recipients == ["jane@example.com"]

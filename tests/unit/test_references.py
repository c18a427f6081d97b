"""Case references: written, read back, and the numbers no case has (references.py)."""

from __future__ import annotations

from mailbot.references import parse_reference, reference, unused


def test_a_reference_reads_back_as_people_type_it() -> None:
    assert reference(2026, 42) == "C-2026-0042"
    assert reference(2026, 12345) == "C-2026-12345"
    assert parse_reference(" c-2026-0042 ") == (2026, 42)
    assert parse_reference("C-2026-42") is None
    assert parse_reference("complaint 42") is None


def test_the_numbers_no_case_has_are_named_from_where_this_database_began() -> None:
    cases = ["C-2026-0001", "C-2026-0003", "C-2027-0002", "not a reference"]
    assert unused(2026, 5, cases) == ["C-2026-0002", "C-2026-0004", "C-2026-0005"]
    assert unused(2026, 3, cases, first=3) == []
    assert unused(2027, 2, cases) == ["C-2027-0001"]

"""Handlers' corrections of the triage, kept as training examples for the classifier.

casebook.record_correction writes them (a correction changes the case in the same
transaction); this module reads them back for training.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from .tables import corrections


def corrected_case_ids(conn: Connection) -> list[int]:
    """Every case a handler corrected at least once."""
    return list(conn.execute(select(corrections.c.case_id).distinct()).scalars())

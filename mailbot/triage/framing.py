"""Framed copies of training complaints, so that saying "this is a complaint" names no category.

Clients open with "I wish to make a formal complaint", subjects read "Complaint: ...", and
ombudsman and regulator narratives begin "Mr A complained that ...". None of that says what the
complaint is about, yet the training texts of `complaint_handling` ("my complaint of 3 March was
never answered") are the ones that use the words, so the category head learnt them as its cue.
Measured on the seed's held-out complaints (README "Triage"): with "I wish to make a formal
complaint." in front of each, the shipped model put 67 of 124 in `complaint_handling` (11 are).

Each complaint in the training data gets one copy with such a frame (chosen from its id, so
training stays deterministic). The copies train the category and urgency heads only: urgency is
how soon a person must act, not how formally the client complains (DOMAIN.md), and the complaint
head must keep learning that complaint words do mean a complaint. Pure.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the classifier brings scikit-learn; this module needs only the type
    from .classifier import Example

# Said before or after the complaint itself; written for this purpose, in the ways clients,
# their representatives and case narratives put it. None names a category.
OPENINGS = (
    "I wish to make a formal complaint.",
    "I am writing to make a complaint.",
    "Please treat this email as a formal complaint.",
    "Formal complaint.",
    "Complaint:",
    "I want to complain about your firm.",
    "My complaint is as follows.",
    "I am writing on behalf of my mother to complain.",
    "Mr A complained that",
    "Mrs B complained to the firm.",
    "The client complained about the service.",
    "Complaint about the handling of my matter.",
)
CLOSINGS = (
    "I would like this dealt with as a formal complaint.",
    "Please log this as a complaint.",
    "I expect a full response to my complaint.",
    "This is a formal complaint under your complaints procedure.",
    "If this is not resolved I will complain to the ombudsman.",
    "Please acknowledge this complaint.",
)
FRAMES = tuple((opening, "") for opening in OPENINGS) + tuple(("", c) for c in CLOSINGS)
SUFFIX = "-framed"
HEADS = frozenset({"category", "urgency"})  # what a framed copy teaches


def framed(example: Example) -> Example:
    """A copy of a complaint with one frame around it, for the category and urgency heads."""
    opening, closing = FRAMES[zlib.crc32(example.id.encode("utf-8")) % len(FRAMES)]
    text = " ".join(part for part in (opening, example.text, closing) if part)
    return dataclasses.replace(example, text=text, id=example.id + SUFFIX, flags=None,
                               heads=HEADS)


def framed_copies(examples: Iterable[Example]) -> list[Example]:
    """One framed copy of every complaint among `examples` (enquiries and thanks get none: for
    them the words would change the label)."""
    return [framed(e) for e in examples if e.is_complaint and e.heads is None]

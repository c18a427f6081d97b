"""Triage: what a message is about, how urgent it is, and whether it is a complaint.

`suggestion` joins the clear rules (`rules`, `dates`) with the classifier's prediction
(`classifier`, `features`, `lexicon`) into the suggestion a handler sees; `evaluation` measures
the recipe. The pure suggestion step is re-exported here, so callers need not know the split;
the classifier (scikit-learn) is imported only by whoever loads or trains a model.
"""

from .suggestion import (CATEGORIES, FLAGS, MAX_TEXT_CHARS, MAX_WORD_CHARS, URGENCIES, Prediction,
                         Suggestion, bound_text, suggest, suggestion_record, working_days_between)

__all__ = ["CATEGORIES", "FLAGS", "MAX_TEXT_CHARS", "MAX_WORD_CHARS", "URGENCIES", "Prediction",
           "Suggestion", "bound_text", "suggest", "suggestion_record", "working_days_between"]

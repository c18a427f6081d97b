"""What triage reads of an email: the words that say what the complaint is, and no others.

The handler always sees the whole message; the classifier and the emergency rules read:
- the subject, without its reply and forward prefixes: it is often where the emergency is
  ("Completion tomorrow - funds not arrived" over "Please ring me");
- the sender's new words, without the notices mail systems add (a work address's "if you
  received this email in error" footer read as a data breach: notices.py) and without the
  greeting and sign-off (a "Thanks, Jo" read as a thank-you: salutations.py);
- when the message forwards earlier mail, that mail too, read the same way: a client often
  complains by forwarding what they sent their solicitor ("See below. Nobody has answered
  me."), and the new words alone then say almost nothing. A reply's quoted thread is not read:
  it holds the other side's words (often the firm's own letter), not the complaint;
- when the new words only cover an attached letter ("Please find my complaint attached"), the
  letter's text (documents.py), read the same way and without its letterhead, addresses and date
  (salutations.without_letterhead);
all bounded (triage.bound_text: hostile input must not cost the classifier unbounded memory).
Pure.
"""

from __future__ import annotations

from ..documents import is_covering_note, letters, split
from ..notices import without_notices
from ..quote_markers import SUBJECT_PREFIXES
from ..trimming import earlier_messages, forwards, trim_reply
from .salutations import without_letterhead, without_salutations
from .suggestion import bound_text


def mail_for_triage(subject: str, new_words: str, whole: str) -> str:
    """The text triage reads of a message with this subject, new words (trimming.trim_reply's)
    and whole body text.

    When the sender wrote nothing new and forwarded nothing, the whole text is read rather
    than nothing."""
    whole, documents = split(whole)
    earlier = earlier_messages(whole) if forwards(subject, whole) else []
    if not new_words.strip() and not earlier:
        new_words = whole
    own_subject = subject_of(subject)
    parts = [own_subject, _plain(new_words)]
    if documents and is_covering_note(parts[-1]):
        parts += [_plain(without_letterhead(letter)) for letter in letters(documents)]
    for message in earlier:
        if message.subject.casefold() not in ("", own_subject.casefold()):
            parts.append(subject_of(message.subject))
        parts.append(_plain(message.body))
    return bound_text("\n\n".join(part for part in parts if part))


def stored_mail_for_triage(subject: str, body: str) -> str:
    """`mail_for_triage` of a message as a case stores it (its text, documents after it), so a
    handler's correction teaches from what triage read when the message came."""
    return mail_for_triage(subject, trim_reply(split(body)[0]), body)


def subject_of(subject: str) -> str:
    """The subject without "Re:", "Fwd:" and their kind, in the languages clients use."""
    return SUBJECT_PREFIXES.sub("", subject).strip()


def _plain(text: str) -> str:
    return without_salutations(without_notices(text)).strip()

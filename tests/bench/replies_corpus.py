"""The public corpus of real replies (tests/fixtures/replies): loading, trimming, scoring.

Each item is a real message from another project's public test data or mailing-list
archive, with its provenance (repository, path, commit), its licence and the text its
sender wrote now, judged by hand. Sources reserved for independent evaluation are listed
in RESERVED and must never appear here (tests/unit/test_replies_corpus.py checks both).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from mailbot.message import parse_message
from mailbot.trimming import reply_from_html, trim_reply

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "replies"
MANIFEST = CORPUS / "manifest.json"
# Never used to build or tune the trimmer or the detectors (issue 18): repositories, matched
# case-insensitively on owner/name, and file names known to be copies of their fixtures.
RESERVED = ("discourse/", "email_reply_trimmer", "email_reply_parser", "emailreplyparser",
            "email-reply-parser", "mailgun/talon", "talon", "gitlab", "sisimai", "set-of-emails")
RESERVED_FILE_NAMES = re.compile(r"(?:^|/)(?:email_\d+_\d+\.txt|email_BlackBerry\.txt|email_iPhone\.txt"
                                 r"|email_bullets\.txt|correct_sig\.txt|email_sent_from_my_not_signature\.txt"
                                 r"|email_multi_word_sent_from_my_mobile_device\.txt)$")


@dataclass(frozen=True)
class Item:
    file: str
    format: str  # eml | html | text
    language: str
    client: str
    source: dict[str, str]
    licence: str
    expected: str


def load() -> list[Item]:
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return [Item(**item) for item in data["items"]]


def reply_of(path: Path, fmt: str) -> str:
    """What mailbot keeps as the sender's new text, by the same path intake uses."""
    if fmt == "eml":
        return parse_message(path.read_bytes()).reply_text
    text = path.read_text(encoding="utf-8", errors="replace")
    return reply_from_html(text) if fmt == "html" else trim_reply(text)


def normalise(text: str) -> str:
    """Compare the words as a reader would: where an HTML converter breaks lines does not count."""
    return " ".join(text.split())


def is_right(item: Item) -> bool:
    return normalise(reply_of(CORPUS / item.file, item.format)) == normalise(item.expected)

"""Letters: Jinja templates -> RenderedLetter -> email.message.EmailMessage.

Templates are semi-trusted (a firm may override them), so they run in Jinja's sandbox.
Client words are only ever data in the context, never compiled as template source, and
anything that prints them first has the draft markers broken up, so a complaint cannot
smuggle a fake draft into the approval request a handler answers. Every message carries
our minted Message-ID, thread headers, the case tag in the subject and the RFC 3834 marks
that keep auto-responders (ours and theirs) from looping.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import (ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateNotFound, Undefined,
                    select_autoescape)
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from .content_gate import PLACEHOLDER, number_word
from .errors import ConfigError
from .letters import DRAFT_WORDS
from .marks import LOOP_HEADER
from .shipped_files import shipped_dir
from .triage import CATEGORIES, URGENCIES
from .triage.rules import AREAS

SHIPPED_TEMPLATES = shipped_dir("templates")
# the thread root plus the most recent ones; long References headers get mangled
MAX_REFERENCES = 20

# How a category reads in a sentence to a client: "Your complaint concerns ...".
CATEGORY_LABELS: dict[str, str] = {
    "delay": "delay in your matter",
    "communication": "how we have communicated with you",
    "advice_quality": "the quality of our advice or work",
    "instructions": "how we followed your instructions",
    "costs_information": "information about costs",
    "costs_excessive": "the amount of our bill",
    "documents_funds": "documents or money we hold",
    "staff_conduct": "the conduct of a member of our staff",
    "integrity_misconduct": "a concern about our integrity",
    "data_security": "the security of your information",
    "complaint_handling": "how we handled an earlier complaint",
    "other": "the matters you raised",
}
_MARKER_WORDS = re.compile(r"\b(draft)(\W{0,3})(start|end)\b", re.IGNORECASE)
_KIND = re.compile(r"^[a-z][a-z0-9_]*$")
_OWN_HEADERS = {
    "subject", "from", "to", "reply-to", "date", "message-id", "in-reply-to", "references",
    "auto-submitted", "x-auto-response-suppress",
    LOOP_HEADER.lower(), "content-type", "content-transfer-encoding", "mime-version"
}


def humanise_category(label: str, complainant: str = "client") -> str:
    """How a category reads to the complainant; to someone who is not our client it is "the
    matter", never "your matter" (the matter is our client's)."""
    text = CATEGORY_LABELS.get(label, label.replace("_", " "))
    return re.sub(r"\byour\b", "the", text) if complainant == "third_party" else text


@dataclass(frozen=True)
class RenderedLetter:
    kind: str
    subject: str
    text: str
    html: str | None


class Marker(str):
    """A draft marker minted for one approval request: the only text exempt from defanging."""


def _defang(value: Any) -> Any:
    """Break 'DRAFT START'/'DRAFT END' in printed data so only the template's own markers count.

    Every value a template prints passes here (about 150 a new complaint), and almost none holds
    the word: a text without "draft" in its lower case is returned as the substitution would
    return it (each character the pattern matches case-insensitively lowers to that very letter,
    so every match is found by that test; tests/unit/test_compose.py checks the whole alphabet).
    """
    if isinstance(value, Marker) or not isinstance(value, str):
        return value
    if "draft" not in str.lower(value):
        return value if type(value) in (str, Markup) else str.__str__(value)
    if isinstance(value, Markup):
        return Markup(_MARKER_WORDS.sub(r"\1-\3", str(value)))
    return _MARKER_WORDS.sub(r"\1-\3", value)


class Letters:
    """Renders letters from a firm's override directory first, then the shipped templates."""

    def __init__(self, templates_dir: Path | None = None, *,
                 zone: str | ZoneInfo = "Europe/London") -> None:
        self.zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
        loaders = [FileSystemLoader(str(templates_dir))] if templates_dir else []
        loaders.append(FileSystemLoader(str(SHIPPED_TEMPLATES)))
        env = SandboxedEnvironment(
            loader=ChoiceLoader(loaders), undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html.j2", "html"),
                                         default_for_string=False, default=False),
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=_defang,
            # Compiled once per process: checking every template file's modification time on
            # each letter cost about 3% of a pass. A changed template needs a restart.
            auto_reload=False,
            # Every template kept, in a plain dict (Jinja's -1): its default LRU cache moves each
            # template it is asked for to the front under a lock, on every letter and include.
            # The templates are the shipped ones and a firm's overrides: a few dozen files.
            cache_size=-1,
        )
        env.filters.update(longdate=self._longdate, longdatetime=self._longdatetime,
                           category=humanise_category, quote=_quote, paragraphs=_paragraphs,
                           sentence=_sentence, words=number_word)
        # DRAFT_KINDS: the words `draft WORD` takes (a name firms' templates already use).
        env.globals.update(CATEGORIES=CATEGORIES, URGENCIES=URGENCIES, DRAFT_KINDS=DRAFT_WORDS,
                           PLACEHOLDER=PLACEHOLDER, AREAS=AREAS)
        self._env = env

    def kinds(self) -> list[str]:
        """Every letter kind the templates define (files `<kind>.txt.j2` not starting with '_')."""
        names = self._env.list_templates(
            filter_func=lambda n: n.endswith(".txt.j2") and "/" not in n)
        return sorted({n.removesuffix(".txt.j2") for n in names if not n.startswith("_")})

    def render(self, kind: str, context: Mapping[str, Any]) -> RenderedLetter:
        """The letter's subject, text and HTML. A missing context value raises
        jinja2.UndefinedError."""
        if not _KIND.match(kind):
            raise ValueError(f"not a letter kind: {kind!r}")
        name = f"{kind}.txt.j2"
        subject, text = _split_subject(name, self._env.get_template(name).render(dict(context)))
        try:
            html_template = self._env.get_template(f"{kind}.html.j2")
        except TemplateNotFound:
            return self.from_text(kind, subject, text)
        return RenderedLetter(kind, subject, text,
                              html_template.render({
                                  **context, "subject": subject
                              }))

    def from_text(self, kind: str, subject: str, text: str) -> RenderedLetter:
        """A letter whose body is finished text (a handler's edited draft), with a plain HTML twin.
        """
        html = self._env.get_template("_plain.html.j2").render(subject=subject, body=text)
        return RenderedLetter(kind, " ".join(subject.split()), _tidy(text), html)

    def _longdate(self, value: date | datetime) -> str:
        return _long_date(_defined(value), self.zone)

    def longdate(self, value: date | datetime) -> str:
        """A date as letters print it ("Tuesday 3 March 2026"): what a letter's date line says."""
        return self._longdate(value)

    def _longdatetime(self, value: datetime) -> str:
        return _long_datetime(_defined(value), self.zone)


def _defined(value: Any) -> Any:
    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises UndefinedError naming the missing variable
    return value


def _local(value: date | datetime, zone: ZoneInfo) -> date | datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("letters take timezone-aware datetimes (UTC), got a naive one")
        return value.astimezone(zone)
    return value


# A pass prints the same few dates in every letter (today, the case's dates): each is formatted
# once (a tenth of a letter's rendering time before).
@lru_cache(maxsize=4096)
def _long_date(value: date | datetime, zone: ZoneInfo) -> str:
    d = _local(value, zone)
    return f"{d:%A} {d.day} {d:%B %Y}"


@lru_cache(maxsize=4096)
def _long_datetime(value: datetime, zone: ZoneInfo) -> str:
    d = _local(value, zone)
    return f"{d:%A} {d.day} {d:%B %Y} at {d:%H:%M} {d:%Z}".rstrip()


def _split_subject(name: str, rendered: str) -> tuple[str, str]:
    first, _, body = rendered.lstrip("\n").partition("\n")
    if not first.lower().startswith("subject:"):
        raise ConfigError(
            [f"template {name}: the first line must be 'Subject: ...' (see templates/README.md)"])
    return " ".join(first[len("subject:"):].split()), _tidy(body)


def _tidy(text: str) -> str:
    lines = [
        line.rstrip() if line.rstrip() != "--" else "-- "
        for line in text.replace("\r\n", "\n").split("\n")
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in str(text).strip("\n").split("\n"))


def _paragraphs(text: str) -> Markup:
    """Plain text as escaped HTML paragraphs, keeping its line breaks."""
    blocks = re.split(r"\n\s*\n", str(text).strip())
    # Joined as plain strings of escaped lines, marked safe once: the same text as joining
    # Markup pieces, which escapes each (already escaped) piece again on every join.
    return Markup("\n".join(
        "<p>" + "<br>\n".join(escape(line) for line in b.split("\n")) + "</p>"
        for b in blocks if b.strip()))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- headers and addresses ---------------------------------------------------------------


def _ids(value: str) -> list[str]:
    found = re.findall(r"<[^<>\s]+>", value)
    if found:
        return found
    bare = value.strip()
    return [f"<{bare}>"] if bare and not re.search(r"[\s<>]", bare) else []


def _one_id(value: str) -> str:
    ids = _ids(value)
    if len(ids) != 1:
        raise ValueError(f"not a single Message-ID: {value!r}")
    return ids[0]


def thread_references(parent_references: Iterable[str], parent: str | None) -> list[str]:
    """The parent's References plus the parent, de-duplicated, capped to the root and the newest."""
    refs: list[str] = []
    for item in parent_references:
        refs += [i for i in _ids(item) if i not in refs]
    if parent:
        pid = _one_id(parent)
        refs = [r for r in refs if r != pid] + [pid]
    if len(refs) > MAX_REFERENCES:
        refs = refs[:1] + refs[-(MAX_REFERENCES - 1):]
    return refs


def subject_with_ref(subject: str, case_ref: str | None) -> str:
    """The subject on one line with `[REF]` exactly once (kept where a "Re:" subject has it)."""
    subject = " ".join(subject.split())
    if not case_ref:
        return subject
    tag = f"[{case_ref}]"
    pattern = re.compile(re.escape(tag), re.IGNORECASE)
    first = pattern.search(subject)
    if first is None:
        return f"{subject} {tag}".strip()
    rest = pattern.sub("", subject[first.end():])
    return " ".join((subject[:first.start()] + tag + rest).split())


def build_message(letter: RenderedLetter, *, from_addr: str, from_name: str,
                  to: str | Sequence[str], message_id: str, in_reply_to: str | None = None,
                  references: Iterable[str] = (), reply_to: str,
                  auto_submitted: str = "auto-replied", loop_domain: str,
                  case_ref: str | None = None, extra_headers: Mapping[str, str] | None = None,
                  date: datetime) -> EmailMessage:
    """A multipart/alternative utf-8 message, threaded and marked as automatic (RFC 3834)."""
    if date.tzinfo is None:
        raise ValueError("date must be timezone-aware")
    if auto_submitted not in {"auto-replied", "auto-generated"}:
        raise ValueError("auto_submitted must be 'auto-replied' or 'auto-generated'")
    msg = EmailMessage()
    msg["Subject"] = subject_with_ref(letter.subject, case_ref)
    msg["From"] = Address(display_name=from_name, addr_spec=from_addr)
    msg["To"] = to if isinstance(to, str) else ", ".join(to)
    msg["Reply-To"] = reply_to
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = _one_id(message_id)
    if in_reply_to:
        msg["In-Reply-To"] = _one_id(in_reply_to)
    refs = thread_references(references, in_reply_to)
    if refs:
        msg["References"] = " ".join(refs)
    msg["Auto-Submitted"] = auto_submitted
    msg["X-Auto-Response-Suppress"] = "All"
    msg[LOOP_HEADER] = loop_domain
    for name, value in (extra_headers or {}).items():
        if name.lower() in _OWN_HEADERS:
            raise ValueError(f"extra_headers may not set {name}")
        msg[name] = value
    msg.set_content(letter.text, charset="utf-8")
    if letter.html:
        msg.add_alternative(letter.html, subtype="html", charset="utf-8")
    return msg

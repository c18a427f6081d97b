"""Refuse a letter whose rendered words lack what the regulator or the firm's policy requires.

The gate reads the final text rather than trusting the template: a firm may override any
template and a handler may rewrite a draft by email, and only the words that reach the
client count. Under the Legal Ombudsman's rules the six-month referral clock only runs if
the final response states the ombudsman's availability, its full contact details and the
time limit, so a final response lacking any of them is refused, not sent. Pure: standard
library only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from html.parser import HTMLParser
from typing import Any

from .errors import ContentGateRefused
from .profiles import PROFILES, Profile, Signpost

CLIENT_LETTERS = frozenset({"acknowledgement", "progress_update", "request_info", "holding_letter", "final_response",
                            "summary_resolution"})
STAFF_LETTERS = frozenset({"approval_request", "reminder", "digest", "bounce_alert", "approval_refused", "command_help",
                           "mail_kept", "intake_alert", "system_alert"})
PLACEHOLDER = "[[TO COMPLETE"  # what drafts print where a handler must write; never sent

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve")


@dataclass(frozen=True)
class Requirement:
    """One thing a letter must say: any of `patterns` matches, or one sentence holds every `sentence_words`.

    With `absent`, the requirement is that nothing matches. Sentence checks keep phrase
    tests linear: a pattern with several bounded gaps can take quadratic time on long text.
    """

    name: str
    description: str
    patterns: tuple[str, ...] = ()
    sentence_words: tuple[str, ...] = ()
    absent: bool = False

    def met_by(self, text: str) -> bool:
        found = any(re.search(p, text, re.IGNORECASE | re.MULTILINE) for p in self.patterns) or (
            bool(self.sentence_words)
            and any(all(re.search(w, s, re.IGNORECASE) for w in self.sentence_words) for s in _sentences(text)))
        return not found if self.absent else found


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+|\n\s*\n", text)


def _words(value: str) -> str:
    """A literal phrase that may be wrapped, re-spaced or split at its commas."""
    parts = [re.escape(word) for word in re.split(r"[\s,]+", value.strip()) if word]
    return r"[\s,]+".join(parts)


def _address(value: str) -> str:
    return _words(value).replace(r"PO[\s,]+Box", r"P\.?\s?O\.?[\s,]+Box")


def _phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return r"(?<!\d)\+?" + r"[\s\-.()]*".join(digits) + r"(?!\d)"


def _website(value: str) -> str:
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", value.strip().lower()).rstrip("/")
    return r"(?<![@\w.-])(?:https?://)?(?:www\.)?" + re.escape(host) + r"(?![\w-])"


def _months(n: int) -> str:
    word = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
    return rf"\b(?:{n}|{word})[\s-]+months?\b"


BANK_FOOTER = Requirement(
    "bank_details_footer",
    "the footer saying the firm never changes its bank details by email",
    sentence_words=(r"\bnever\b", r"\bbank\s+(?:account\s+)?details\b", r"\be-?mail"),
)
NO_PLACEHOLDERS = Requirement(
    "placeholders_completed",
    f"every {PLACEHOLDER} ...]] placeholder replaced by the handler's own words",
    (re.escape(PLACEHOLDER),),
    absent=True,
)
FINAL_MARKER = Requirement(
    "final_response_statement",
    "a sentence saying this letter is the firm's final response",
    (r"\bthis\s+(?:letter\s+|email\s+)?(?:is|constitutes|represents|forms)\s+"
     r"(?:our|the|[\w&'.\- ]{1,60}?'s)\s+final\s+response\b",),
)
FOS_WAIVER = Requirement(
    "time_limit_waiver",
    "whether the firm consents to the Financial Ombudsman Service waiving its time limits (DISP 1.6.2R)",
    sentence_words=(r"\b(?:consent|agree|waive)", r"\btime\s+limits?\b"),
)


def _available(signpost: Signpost) -> Requirement:
    return Requirement(
        "ombudsman_available",
        f"a sentence telling the client they may refer the complaint to the {signpost.name}",
        sentence_words=(r"\byou\b", r"\b(?:may|can|could|are\s+entitled\s+to|have\s+the\s+right\s+to|are\s+able\s+to)\b",
                        r"\b(?:refer|complain|ask|take|bring|go)", rf"(?:{_words(signpost.name)}|\bombudsman\b)"),
    )


def _contact_details(signpost: Signpost) -> list[Requirement]:
    details = [
        Requirement("ombudsman_name", f"the name '{signpost.name}'", (_words(signpost.name),)),
        Requirement("ombudsman_address", f"the postal address '{signpost.address}'", (_address(signpost.address),)),
        Requirement("ombudsman_phone", f"the phone number '{signpost.phone}'", (_phone(signpost.phone),)),
    ]
    if signpost.email:
        details.append(Requirement("ombudsman_email", f"the email '{signpost.email}'", (re.escape(signpost.email),)))
    if signpost.website:
        details.append(Requirement("ombudsman_website", f"the website '{signpost.website}'",
                                   (_website(signpost.website),)))
    return details


def _resolve(profile: Profile | str, ombudsman: Signpost | Mapping[str, Any] | None) -> tuple[Profile, Signpost | None]:
    if isinstance(profile, str):
        if profile not in PROFILES:
            raise ValueError(f"unknown policy profile {profile!r} (known: {', '.join(PROFILES)})")
        profile = PROFILES[profile]
    if ombudsman is None:
        return profile, profile.signpost
    if isinstance(ombudsman, Signpost):
        return profile, ombudsman
    known = {f.name for f in fields(Signpost)}
    return profile, Signpost(**{k: v for k, v in ombudsman.items() if k in known})


def required_blocks(letter_kind: str, profile: Profile | str,
                    ombudsman: Signpost | Mapping[str, Any] | None = None) -> list[Requirement]:
    """What a letter of this kind must contain under this profile; `ombudsman` replaces the profile's signpost."""
    if letter_kind in STAFF_LETTERS:
        return []
    if letter_kind not in CLIENT_LETTERS:
        raise ValueError(f"unknown letter kind {letter_kind!r}")
    prof, signpost = _resolve(profile, ombudsman)
    blocks = [BANK_FOOTER, NO_PLACEHOLDERS]
    eight_week = prof.regulator is not None
    if letter_kind == "holding_letter" and eight_week and signpost:
        blocks += [_available(signpost), *_contact_details(signpost)]
    if letter_kind == "final_response":
        if prof.final_must_be_marked_final or eight_week:
            blocks.append(FINAL_MARKER)
        if signpost:
            blocks += [_available(signpost), *_contact_details(signpost)]
            if signpost.referral_months:
                blocks.append(Requirement(
                    "referral_time_limit",
                    f"the {signpost.referral_months}-month limit for referring to the {signpost.name}",
                    (_months(signpost.referral_months),)))
        if prof.name == "fca_disp":
            blocks.append(FOS_WAIVER)
    if letter_kind == "summary_resolution":
        blocks += _summary_resolution(prof, signpost)
    return blocks


RESOLVED_STATEMENT = Requirement(
    "resolved_statement",
    "a sentence saying the firm now considers the complaint resolved (DISP 1.5.4R(1))",
    sentence_words=(r"\bcomplaint\b", r"\bresolved\b"),
)


def _summary_resolution(prof: Profile, signpost: Signpost | None) -> list[Requirement]:
    """DISP 1.5.4R: that the complaint is now considered resolved; that a client who later is
    not satisfied may be able to refer it to the Financial Ombudsman Service; whether the firm
    waives the time limits; the service's website, and that more information is there."""
    if prof.summary_resolution is None or signpost is None or not signpost.website:
        # Nothing a text can say meets this: the letter exists only under the FCA's rules.
        return [Requirement("fca_profile", "a policy profile with summary resolution (fca_disp) and the "
                            "Financial Ombudsman Service's website")]
    return [
        RESOLVED_STATEMENT,
        _available(signpost),
        FOS_WAIVER,
        Requirement("ombudsman_website", f"the website '{signpost.website}'", (re.escape(signpost.website),)),
        Requirement("further_information", "a sentence saying more information is on its website",
                    sentence_words=(r"\binformation\b", r"\bwebsite\b")),
    ]


def check(letter_kind: str, profile: Profile | str, text: str,
          ombudsman: Signpost | Mapping[str, Any] | None = None, *, html: str | None = None) -> list[str]:
    """Names of the required blocks the letter lacks; empty means it may be sent.

    Pass the HTML part too: a client may read only that part, so a block missing from
    either part counts (the HTML ones are reported as "NAME (html part)").
    """
    blocks = required_blocks(letter_kind, profile, ombudsman)
    plain = _normalise(text)
    missing = [b.name for b in blocks if not b.met_by(plain)]
    if html is not None:
        visible = _normalise(html_to_text(html))
        missing += [f"{b.name} (html part)" for b in blocks if not b.met_by(visible)]
    return missing


def enforce(letter_kind: str, profile: Profile | str, text: str,
            ombudsman: Signpost | Mapping[str, Any] | None = None, *, html: str | None = None) -> None:
    """Raise ContentGateRefused naming every missing block; the caller must not send the letter."""
    missing = check(letter_kind, profile, text, ombudsman, html=html)
    if missing:
        raise ContentGateRefused(letter_kind, missing)


def _normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\xa0", " ").replace("\u2011", "-")
    return re.sub(r"[ \t]+", " ", text)


def html_to_text(html: str) -> str:
    """The visible text of an HTML part, one block element per line; enough for the gate's phrases."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


class _Visible(HTMLParser):
    _BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "section", "blockquote", "pre", "hr"}
    _HIDDEN = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

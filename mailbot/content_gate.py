"""Refuse a letter whose rendered words lack what the regulator or the firm's policy requires.

The gate reads the final text rather than trusting the template: a firm may override any
template and a handler may rewrite a draft by email, and only the words that reach the
client count. Under the Legal Ombudsman's rules the six-month referral clock only runs if
the final response states the ombudsman's availability, its full contact details and the
time limit, so a final response lacking any of them is refused, not sent. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from .letters import LetterKind, rule_of
from .html_words import visible_words
from .profiles import PROFILES, Profile, Signpost

PLACEHOLDER = "[[TO COMPLETE"  # what drafts print where a handler must write; never sent

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten", "eleven", "twelve")


def number_word(n: int) -> str:
    """A small number as letters spell it ("six months"), which the gate must read as a number
    too; larger ones stay in digits."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


@dataclass(frozen=True)
class Requirement:
    """One thing a letter must say: any of `patterns` matches, or one sentence holds every
    `sentence_words` (and, with `clause`, a match of it that no negation governs).

    With `absent`, the requirement is that nothing matches. Sentence checks keep phrase
    tests linear: a pattern with several bounded gaps can take quadratic time on long text.
    A `clause` is a statement, not a keyword (review F6): "You can't refer your complaint to
    the Legal Ombudsman" or "We do not think you may refer it" do not state availability, so a
    clause counts only when no negation stands in the words before it within its own clause
    (back to the last comma, semicolon, colon or dash).
    """

    name: str
    description: str
    patterns: tuple[str, ...] = ()
    sentence_words: tuple[str, ...] = ()
    absent: bool = False
    clause: str | None = None

    def met_by(self, text: str | Reading) -> bool:
        reading = text if isinstance(text, Reading) else Reading(text)
        found = any(_rx(p, _FLAGS).search(reading.text) for p in self.patterns) or (
            bool(self.sentence_words or self.clause) and self._in_some_sentence(reading))
        return not found if self.absent else found

    def _in_some_sentence(self, reading: Reading) -> bool:
        words = [_rx(w, re.IGNORECASE) for w in self.sentence_words]
        return any(self._in_sentence(s, words) for s in reading.sentences)

    def _in_sentence(self, sentence: str, words: list[re.Pattern[str]]) -> bool:
        if not all(w.search(sentence) for w in words):
            return False
        if self.clause is None:
            return True
        found = _rx(self.clause, re.IGNORECASE).finditer(sentence)
        return any(not _negated(sentence[:m.start()]) for m in found)


_FLAGS = re.IGNORECASE | re.MULTILINE


@lru_cache(maxsize=1024)
def _rx(pattern: str, flags: int) -> re.Pattern[str]:
    """A requirement's pattern compiled once (re's own cache is looked up on every call)."""
    return re.compile(pattern, flags)


class Reading:
    """A letter's normalised text with its sentences split once for all the blocks checked."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._sentences: list[str] | None = None

    @property
    def sentences(self) -> list[str]:
        if self._sentences is None:
            self._sentences = _sentences(self.text)
        return self._sentences


_NEGATION = re.compile(r"(?:\b(?:not|never|no|cannot|unable|nor|neither)\b|n't\b)"
                       r"(?:\W+\w+){0,4}\W*$", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:\u2013\u2014(]|\s-\s")


def _negated(before: str) -> bool:
    """Whether a negation governs what follows `before`: within its clause and five words."""
    breaks = list(_CLAUSE_BREAK.finditer(before))
    tail = before[breaks[-1].end():] if breaks else before
    return bool(_NEGATION.search(tail[-200:]))  # five words back: the tail bounds the work


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


def _sentences(text: str) -> list[str]:
    return _SENTENCE_END.split(text)


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


def _number(n: int) -> str:
    return rf"(?:{n}|{number_word(n)})"


def _months(n: int) -> str:
    return rf"\b{_number(n)}[\s-]+months?\b"


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
# DISP 1 Annex 3R: the wording that says whether the firm consents to the Financial Ombudsman
# Service considering a complaint referred outside its time limits (review F8). Not consenting:
# Annex 3R(1); consenting: a plain statement of consent (firms must check it against Annex 3R).
FOS_NO_WAIVER = Requirement(
    "time_limit_waiver",
    "DISP 1 Annex 3R(1): 'If you do not refer your complaint in time, the Ombudsman will not "
    "have our permission to consider your complaint ...'",
    (r"\bthe\s+ombudsman\s+will\s+not\s+have\s+our\s+permission\s+to\s+consider\s+"
     r"your\s+complaint\b",),
)
FOS_WAIVER = Requirement(
    "time_limit_waiver",
    "the firm's consent to the Financial Ombudsman Service considering your complaint outside "
    "its time limits",
    sentence_words=(r"\btime\s+limits?\b",),
    clause=r"\bwe\s+(?:consent|agree|do\s+not\s+object)\s+to\s+the\s+(?:financial\s+)?"
           r"ombudsman(?:\s+service)?\s+considering\s+your\s+complaint\b",
)
NOT_YOUR_MATTER = Requirement(
    "third_party_wording",
    "no 'your matter' or 'your file': the complainant is not our client (review F4)",
    (r"\byour\s+(?:matter|file|instructions|case\s+with\s+us|transaction)\b",),
    absent=True,
)
CONFIDENTIALITY = Requirement(
    "client_confidentiality",
    "a sentence saying that our duty of confidentiality to our client limits what we can say",
    sentence_words=(r"\bconfidential", r"\bclient\b"),
)
PREMATURE_REFERRAL = Requirement(
    "no_premature_referral",
    "no 'you do not have to wait' or 'you may now refer': the ombudsman expects our final "
    "response first (F5)",
    (r"\b(?:do\s+not|don't|need\s+not)\s+(?:have\s+to\s+)?wait\b",
     r"\b(?:may|can)\s+now\s+(?:refer|complain)\b"),
    absent=True,
)
PROCEDURE = Requirement(
    "complaints_procedure",
    "where to read the firm's complaints procedure (DISP 1.2.1R(3)(b)): 'complaints procedure' "
    "and its address",
    sentence_words=(r"\bcomplaints?\s+(?:handling\s+)?procedure\b",
                    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+/\S*"),
)
EIGHT_WEEK_PROMISE = Requirement(
    "final_or_holding_promise",
    "a sentence that the firm will send its final response, or a letter explaining the delay, by "
    "a date (DISP 1.6.1R)",
    sentence_words=(r"\bfinal\s+response\b", r"\b(?:explain|holding)"),
    clause=r"\bwe\s+will\s+send\b",
)
_MAY = (r"(?:may|can|could|might|are\s+(?:entitled|able)\s+to|have\s+the\s+right\s+to"
        r"|(?:may|might)\s+be\s+able\s+to)")
_REFER = r"(?:refer|complain|ask|take|bring|go)"
_ADVERB = r"(?:now\s+|also\s+|still\s+)"


def _available(signpost: Signpost) -> Requirement:
    return Requirement(
        "ombudsman_available",
        f"a sentence telling the client they may refer the complaint to the {signpost.name}",
        sentence_words=(rf"(?:{_words(signpost.name)}|\bombudsman\b)",),
        clause=rf"\byou\s+{_ADVERB}?{_MAY}\s+{_ADVERB}?{_REFER}",
    )


def _eligibility(signpost: Signpost) -> Requirement:
    """To a complainant who is not the client: the body may not take it; they can ask it (F4)."""
    return Requirement(
        "ombudsman_eligibility",
        f"a sentence telling the complainant they can ask the {signpost.name} whether it can "
        "consider the complaint (they are not our client)",
        sentence_words=(rf"(?:{_words(signpost.name)}|\bombudsman\b)", r"\bwhether\b"),
        clause=r"\byou\s+(?:can|may|could)\s+(?:also\s+|now\s+)?ask\b",
    )


def _referral_limit(signpost: Signpost) -> Requirement:
    months = signpost.referral_months or 0
    return Requirement(
        "referral_time_limit",
        f"a sentence saying the complaint must be referred to the {signpost.name} within {months} "
        "months of the date of this letter",
        sentence_words=(r"\b(?:refer|do\s+so|ombudsman)",),
        clause=rf"\bwithin\s+{_number(months)}[\s-]+months?\s+(?:of|from)\s+"
               r"(?:the\s+date\s+of\s+)?(?:this|our|the)\s+"
               r"(?:letter|final\s+response|email|response)\b",
    )


def _body_time_limit(signpost: Signpost, name: str) -> Requirement:
    years = signpost.time_limit_years or 0
    return Requirement(
        name,
        f"the {signpost.name}'s time limit: a sentence with 'within {years} year(s)' (SRA Code "
        "8.4(a), SLCC, LSRA)",
        sentence_words=(r"\b(?:refer|complain|complaint|made)",),
        clause=rf"\bwithin\s+{_number(years)}[\s-]+years?\b",
    )


def _heading(signpost: Signpost) -> Requirement:
    """Prominence (LeO Scheme Rule 4.4): the signpost sits under a heading of its own, a short line
    naming the body, such as 'YOUR RIGHT TO REFER YOUR COMPLAINT TO THE LEGAL OMBUDSMAN'."""
    return Requirement(
        "ombudsman_heading",
        f"a heading of its own line naming the {signpost.name} (the signpost must be prominent)",
        (rf"^(?=[^\n]{{0,100}}$)(?![^\n]*[.,;]\s*$)(?=[^\n]*\b(?:refer|consider|right)\b)[^\n]*"
         rf"{_words(signpost.name)}",),
    )


def _leaflet(signpost: Signpost) -> Requirement:
    where = signpost.leaflet_url
    return Requirement(
        "ombudsman_leaflet",
        f"the {signpost.name}'s leaflet '{signpost.leaflet_name}'"
        + (f" at {where}" if where else "")
        + " (DISP 1.6.2R)",
        (re.escape(where) if where else _words(signpost.leaflet_name or ""),),
    )


def _contact_details(signpost: Signpost) -> list[Requirement]:
    details = [
        Requirement("ombudsman_name", f"the name '{signpost.name}'", (_words(signpost.name), )),
        Requirement("ombudsman_address", f"the postal address '{signpost.address}'",
                    (_address(signpost.address), )),
        Requirement("ombudsman_phone", f"the phone number '{signpost.phone}'",
                    (_phone(signpost.phone), )),
    ]
    if signpost.email:
        details.append(
            Requirement("ombudsman_email", f"the email '{signpost.email}'",
                        (re.escape(signpost.email), )))
    if signpost.website:
        details.append(Requirement("ombudsman_website", f"the website '{signpost.website}'",
                                   (_website(signpost.website),)))
    return details


def _resolve(profile: Profile | str,
             ombudsman: Signpost | Mapping[str, Any] | None) -> tuple[Profile, Signpost | None]:
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


COMPLAINANTS = ("client", "third_party")


@dataclass(frozen=True)
class _Terms:
    """What decides a letter's blocks besides its kind: the regime, its ombudsman, who complains
    and, for the FCA, whether the firm waives the time limits."""

    profile: Profile
    signpost: Signpost | None
    third_party: bool
    waive_time_limits: bool

    @property
    def fca(self) -> bool:
        return self.profile.name == "fca_disp"

    @property
    def eight_week(self) -> bool:
        return self.profile.regulator is not None

    @property
    def conditional(self) -> bool:
        """Whether the ombudsman hears only some people who are not clients, and this is one."""
        return (self.third_party and self.signpost is not None
                and self.signpost.non_clients is not None)

    def available(self, signpost: Signpost) -> Requirement:
        return _eligibility(signpost) if self.conditional else _available(signpost)

    @property
    def waiver(self) -> Requirement:
        return FOS_WAIVER if self.waive_time_limits else FOS_NO_WAIVER


def required_blocks(letter_kind: str, profile: Profile | str,
                    ombudsman: Signpost | Mapping[str, Any] | None = None, *,
                    complainant: str = "client",
                    waive_time_limits: bool = False) -> list[Requirement]:
    """What a letter of this kind must contain under this profile; `ombudsman` replaces the
    profile's signpost.

    `complainant` third_party: the letter must not write as if to our client, must say that
    confidentiality limits what we can tell them, and where the body hears only some people
    who are not clients (`Signpost.non_clients`), must say they can ask it whether it can
    consider their complaint rather than that they may refer it. `waive_time_limits`: which
    DISP 1 Annex 3R wording an FCA letter must carry.
    """
    rule = rule_of(letter_kind)
    if rule is None:
        raise ValueError(f"unknown letter kind {letter_kind!r}")
    if not rule.to_client:
        return []
    if complainant not in COMPLAINANTS:
        raise ValueError(f"unknown complainant {complainant!r} (known: {', '.join(COMPLAINANTS)})")
    prof, signpost = _resolve(profile, ombudsman)
    terms = _Terms(prof, signpost, complainant == "third_party", waive_time_limits)
    blocks = [BANK_FOOTER, NO_PLACEHOLDERS]
    if terms.third_party:
        blocks += [NOT_YOUR_MATTER, CONFIDENTIALITY]
    per_kind = _PER_KIND.get(rule.kind)
    return blocks + per_kind(terms) if per_kind else blocks


def _acknowledgement(terms: _Terms) -> list[Requirement]:
    return [PROCEDURE, EIGHT_WEEK_PROMISE] if terms.fca else []


def _holding_letter(terms: _Terms) -> list[Requirement]:
    signpost = terms.signpost
    if not signpost:
        return []
    if not terms.eight_week:
        return [PREMATURE_REFERRAL]
    blocks = [terms.available(signpost), *_contact_details(signpost)]
    if signpost.time_limit_years:
        blocks.append(_body_time_limit(signpost, "holding_time_frame"))
    if signpost.leaflet_name:
        blocks.append(_leaflet(signpost))
    return blocks


def _final_response(terms: _Terms) -> list[Requirement]:
    blocks = []
    if terms.profile.final_must_be_marked_final or terms.eight_week:
        blocks.append(FINAL_MARKER)
    signpost = terms.signpost
    if signpost:
        blocks += [terms.available(signpost), *_contact_details(signpost), _heading(signpost)]
        if signpost.referral_months:
            blocks.append(_referral_limit(signpost))
        if signpost.time_limit_years:
            blocks.append(_body_time_limit(signpost, "ombudsman_time_limit"))
        if signpost.leaflet_name:
            blocks.append(_leaflet(signpost))
    if terms.fca:
        blocks.append(terms.waiver)
    return blocks


RESOLVED_STATEMENT = Requirement(
    "resolved_statement",
    "a sentence saying the firm now considers the complaint resolved (DISP 1.5.4R(1))",
    sentence_words=(r"\bcomplaint\b", r"\bresolved\b"),
)


def _summary_resolution(terms: _Terms) -> list[Requirement]:
    """DISP 1.5.4R: that the complaint is now considered resolved; that a client who later is
    not satisfied may be able to refer it to the Financial Ombudsman Service; whether the firm
    waives the time limits, in the DISP 1 Annex 3R wording (with its six months); the service's
    website, and that more information is there."""
    signpost = terms.signpost
    if terms.profile.summary_resolution is None or signpost is None or not signpost.website:
        # Nothing a text can say meets this: the letter exists only under the FCA's rules.
        return [
            Requirement(
                "fca_profile", "a policy profile with summary resolution (fca_disp) and the "
                "Financial Ombudsman Service's website")
        ]
    blocks = [
        RESOLVED_STATEMENT,
        terms.available(signpost), terms.waiver,
        Requirement("ombudsman_website", f"the website '{signpost.website}'",
                    (re.escape(signpost.website), )),
        Requirement("further_information", "a sentence saying more information is on its website",
                    sentence_words=(r"\binformation\b", r"\bwebsite\b")),
    ]
    if signpost.referral_months:
        blocks.append(_referral_limit(signpost))
    return blocks


# The blocks each client letter needs beyond the footer, the placeholders and a third party's.
_PER_KIND: Mapping[LetterKind, Callable[[_Terms], list[Requirement]]] = {
    LetterKind.ACKNOWLEDGEMENT: _acknowledgement,
    LetterKind.HOLDING_LETTER: _holding_letter,
    LetterKind.FINAL_RESPONSE: _final_response,
    LetterKind.SUMMARY_RESOLUTION: _summary_resolution,
}


def check(letter_kind: str, profile: Profile | str, text: str,
          ombudsman: Signpost | Mapping[str, Any] | None = None, *, html: str | None = None,
          complainant: str = "client", waive_time_limits: bool = False) -> list[str]:
    """Names of the required blocks the letter lacks; empty means it may be sent.

    Pass the HTML part too: a client may read only that part, so a block missing from
    either part counts (the HTML ones are reported as "NAME (html part)"). The HTML part is
    read for its visible words, each block a paragraph of its own (html_words.py).
    """
    blocks = required_blocks(letter_kind, profile, ombudsman, complainant=complainant,
                             waive_time_limits=waive_time_limits)
    plain = Reading(_normalise(text))
    missing = [b.name for b in blocks if not b.met_by(plain)]
    if html is not None:
        visible = Reading(_normalise(visible_words(html)))
        missing += [f"{b.name} (html part)" for b in blocks if not b.met_by(visible)]
    return missing


def _normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\xa0",
                                                                      " ").replace("\u2011", "-")
    return _BLANKS.sub(" ", text)


# Runs of spaces and tabs, as one space; a single space is left alone (most of them: replacing
# each with itself took most of the normalising).
_BLANKS = re.compile(r"[ \t]{2,}|\t")

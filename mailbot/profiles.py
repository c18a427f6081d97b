"""Policy profiles: the complaint-handling clocks and signposts of each regime, as data.

Every number here is configuration, not law baked into code: regimes change (the Legal
Ombudsman's time limits changed in April 2023) and firms set their own targets, so a firm
picks a profile by name and overrides any field from its TOML file. This module is pure:
standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields, replace
from datetime import date
from typing import Any, Literal, get_args

from .errors import ConfigError

Unit = Literal["working_days", "calendar_days", "weeks"]
UNITS: tuple[str, ...] = get_args(Unit)


@dataclass(frozen=True)
class Clock:
    """A period such as "3 working days" or "8 weeks", counted by deadlines.WorkingCalendar."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 0:
            raise ValueError(f"clock amount must be a whole number >= 0, got {self.amount!r}")
        if self.unit not in UNITS:
            raise ValueError(f"clock unit must be one of {', '.join(UNITS)}, got {self.unit!r}")

    def __str__(self) -> str:
        word = {"working_days": "working day", "calendar_days": "day", "weeks": "week"}[self.unit]
        return f"{self.amount} {word}{'' if self.amount == 1 else 's'}"

    @property
    def adjective(self) -> str:
        """"8-week", "28-day", "3-working-day": how letters and reminders name the deadline."""
        word = {"working_days": "working-day", "calendar_days": "day", "weeks": "week"}[self.unit]
        return f"{self.amount}-{word}"

    def times(self, k: int) -> Clock:
        """This clock `k` times over, for reminders at multiples of a period."""
        return Clock(self.amount * k, self.unit)


@dataclass(frozen=True)
class Signpost:
    """The body a dissatisfied client may go to next, with what the letters must print."""

    name: str
    address: str
    phone: str
    email: str
    website: str
    # months from the final response to refer; None: not counted from it
    referral_months: int | None
    # The body's own time limit for complaints, as letters print it (F7, F21): a sentence that
    # says "within N years", and that N for the content gate. None: only `referral_months`.
    time_limit_text: str | None = None
    time_limit_years: int | None = None
    # Who besides the client the body hears: None when it takes complaints from anyone the firm's
    # work affected; else a sentence saying whom it can consider, printed (and gated) instead of
    # an unconditional "you may refer" in letters to a complainant who is not the client (F4).
    non_clients: str | None = None
    # A leaflet the rules require with a final or holding response (the FOS's, DISP 1.6.2R): its
    # title here, its address from the firm's config (firm.fos_leaflet_url).
    leaflet_name: str | None = None
    leaflet_url: str | None = None  # None: letters send the client to the body's website


@dataclass(frozen=True)
class Profile:
    """A regulator's complaint rules: the clocks a case runs on and what its letters must say."""

    name: str
    acknowledge: Clock
    full_response: Clock | None
    # after this the client may go to the ombudsman without a final response
    regulator: Clock | None
    signpost: Signpost | None
    conduct_body: str | None
    # calendar days before the regulator (else response) deadline
    reminder_offsets_days: tuple[int, ...]
    holding_letter_at: Clock | None
    # no letter to the client for this long -> reminder + progress update draft
    stalled_after: Clock
    # client silent this long after we asked for information -> chaser draft
    info_chaser_after: Clock
    summary_resolution: Clock | None  # FCA: resolved by then -> a summary resolution communication
    final_must_be_marked_final: bool
    # A holding (8-week) letter sent by the regulator deadline meets it, so no breach follows
    # (F13): DISP 1.6.2R(2) for the FCA; SRA Code 8.4 asks the firm to tell the client in writing.
    holding_meets_regulator: bool = False
    # When this profile's rules and its ombudsman's details were last checked against their
    # sources (issue 19): the monthly report says when the next review is due. The shipped date
    # is when they were last checked for mailbot; a firm that checks them sets its own.
    reviewed_on: date | None = None
    # The shortest time complaint records must be kept after closure under this regime: retention
    # below it is refused (DISP 1.9.2R: three years for FCA complaints). Not overridable.
    min_retention_years: int = 0


# The shipped profiles' contents were last checked against their sources on this day
# (shared/reviews/domain-2026-12.md, sections 4 and 6).
SHIPPED_REVIEWED_ON = date(2026, 12, 5)

# Contact details as published by each body when this was written, one row each: name, address,
# phone, email, website. Firms must verify them (and override through their config) before
# go-live: letters that print stale details can stop the ombudsman's six-month clock from running.
_CONTACTS: dict[str, tuple[str, str, str, str, str]] = {
    "leo": ("Legal Ombudsman", "PO Box 6167, Slough, SL1 0EH", "0300 555 0333",
            "enquiries@legalombudsman.org.uk", "www.legalombudsman.org.uk"),
    "slcc": ("Scottish Legal Complaints Commission",
             "The Stamp Office, 10-14 Waterloo Place, Edinburgh, EH1 3EG", "0131 201 2130",
             "enquiries@scottishlegalcomplaints.org.uk", "www.scottishlegalcomplaints.org.uk"),
    "lsra": ("Legal Services Regulatory Authority",
             "Complaints and Resolutions Unit, PO Box 12906, Dublin 7", "+353 1 859 2911",
             "complaints@lsra.ie", "www.lsra.ie"),
    "fos": ("Financial Ombudsman Service", "Exchange Tower, London, E14 9SR", "0800 023 4567",
            "complaint.info@financial-ombudsman.org.uk", "www.financial-ombudsman.org.uk"),
}


def _body(key: str, **rules: Any) -> Signpost:
    """A body's signpost: its contact details from `_CONTACTS`, its time limits as given."""
    name, address, phone, email, website = _CONTACTS[key]
    return Signpost(name, address, phone, email, website, **rules)


LEGAL_OMBUDSMAN = _body(
    "leo",
    referral_months=6,
    time_limit_text=("You must also normally refer your complaint to the Legal Ombudsman within "
                     "one year of the act or omission you are complaining about, or within one "
                     "year of when you should reasonably have known there was cause for "
                     "complaint."),
    time_limit_years=1,
    non_clients=("The Legal Ombudsman can consider complaints from some people who were not our "
                 "client, such as a beneficiary of an estate or trust we dealt with, but "
                 "generally not from the other side in a matter we handled."),
)
SLCC = _body(
    "slcc",
    referral_months=None,  # SLCC: 3 years from the act or awareness, whatever the firm's response
    time_limit_text=("You must normally make your complaint to the Scottish Legal Complaints "
                     "Commission within three years of the last service we provided on the piece "
                     "of work you are complaining about (or, if you were not our client or your "
                     "complaint is about conduct, within three years of the act or omission), not "
                     "counting any time during which you could not reasonably have known there "
                     "was cause for complaint."),
    time_limit_years=3,
)
LSRA = _body(
    "lsra",
    referral_months=None,  # LSRA: generally 3 years from the service or the bill
    time_limit_text=("A complaint to the Legal Services Regulatory Authority about inadequate "
                     "services or excessive costs must normally be made within three years of the "
                     "service or of the bill; there is no time limit for a complaint of "
                     "misconduct."),
    time_limit_years=3,
    non_clients=("The Legal Services Regulatory Authority can consider a complaint of misconduct "
                 "from anyone, but a complaint of inadequate services or excessive costs only "
                 "from a client."),
)
FINANCIAL_OMBUDSMAN = _body(
    "fos",
    referral_months=6,
    non_clients=("The Financial Ombudsman Service can consider complaints only from eligible "
                 "complainants, who can include some people who were not our customer, such as a "
                 "guarantor or a beneficiary."),
    leaflet_name="Your complaint and the ombudsman",
)

_WD: Unit = "working_days"
_STALL = Clock(10, _WD)
_CHASE = Clock(10, _WD)
_EIGHT_WEEKS = Clock(8, "weeks")
_WEEK_SEVEN = Clock(7, "weeks")

_EW_SRA = Profile(
    name="ew_sra",
    acknowledge=Clock(3, _WD),  # SRA: 3 and 20 working days are common practice, not rules
    full_response=Clock(20, _WD),
    regulator=_EIGHT_WEEKS,
    signpost=LEGAL_OMBUDSMAN,
    conduct_body="Solicitors Regulation Authority (www.sra.org.uk)",
    reminder_offsets_days=(14, 7, 2),
    holding_letter_at=_WEEK_SEVEN,
    stalled_after=_STALL,
    info_chaser_after=_CHASE,
    summary_resolution=None,
    final_must_be_marked_final=True,
    holding_meets_regulator=True,
    reviewed_on=SHIPPED_REVIEWED_ON,
)
# The others differ from ew_sra only where their regime does.
PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        _EW_SRA,
        replace(  # CLC: within 7 days a substantive reply, or an ack giving the reason and a date
            _EW_SRA, name="ew_clc", acknowledge=Clock(7, "calendar_days"),
            full_response=Clock(28, "calendar_days"),
            conduct_body="Council for Licensed Conveyancers (www.clc-uk.org)",
        ),
        replace(  # Scotland: the firm sets the ack; 28 days to a response marked clearly as final
            _EW_SRA, name="scot_slcc", full_response=Clock(28, "calendar_days"), regulator=None,
            signpost=SLCC, conduct_body=None, reminder_offsets_days=(7, 2), holding_letter_at=None,
            holding_meets_regulator=False,
        ),
        replace(  # Ireland: figures the LSRA suggests; the LSRA also takes conduct complaints
            _EW_SRA, name="ie_lsra", full_response=Clock(28, "calendar_days"), regulator=None,
            signpost=LSRA, conduct_body=None, reminder_offsets_days=(7, 2), holding_letter_at=None,
            holding_meets_regulator=False,
        ),
        replace(  # DISP 1.6: a "prompt" ack; resolved within 3 business days -> summary letter
            _EW_SRA, name="fca_disp", full_response=None, signpost=FINANCIAL_OMBUDSMAN,
            conduct_body=None, summary_resolution=Clock(3, _WD), min_retention_years=3,
        ),
        replace(  # US, Canada, elsewhere: no ombudsman; the firm's own escalation route
            _EW_SRA, name="generic", regulator=None, signpost=None, conduct_body=None,
            reminder_offsets_days=(5, 2), holding_letter_at=None, final_must_be_marked_final=False,
            holding_meets_regulator=False,
        ),
    )
}

_CLOCK_FIELDS = {"acknowledge", "full_response", "regulator", "holding_letter_at", "stalled_after",
                 "info_chaser_after", "summary_resolution"}
_OPTIONAL_FIELDS = {"full_response", "regulator", "holding_letter_at", "summary_resolution",
                    "signpost", "conduct_body", "reviewed_on"}
_BOOL_FIELDS = {"final_must_be_marked_final", "holding_meets_regulator"}
OVERRIDABLE: tuple[str, ...] = tuple(f.name for f in fields(Profile)
                                     if f.name not in ("name", "min_retention_years"))


def get_profile(name: str, overrides: Mapping[str, Any] | None = None) -> Profile:
    """The named profile with the firm's overrides applied; every bad key is reported at once.

    Overrides use TOML shapes: a clock is {amount, unit}; `false` switches an optional item
    off (TOML has no null); a signpost table is merged onto the profile's own signpost.
    """
    if name not in PROFILES:
        raise ConfigError(
            [f"unknown policy profile {name!r} (choose one of: {', '.join(PROFILES)})"])
    base = PROFILES[name]
    changes: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in (overrides or {}).items():
        if key not in OVERRIDABLE:
            problems.append(
                f"profile override {key!r}: unknown key (known keys: {', '.join(OVERRIDABLE)})")
            continue
        try:
            changes[key] = _parse(key, value, getattr(base, key))
        except (TypeError, ValueError) as exc:
            problems.append(f"profile override {key!r}: {exc}")
    if problems:
        raise ConfigError(problems)
    return replace(base, **changes)


def _parse(key: str, value: Any, current: Any) -> Any:
    """One override in its TOML shape -> the profile's value; a mistake raises, named in words."""
    if value is None or value is False:
        if key in _OPTIONAL_FIELDS:
            return None
        if key not in _BOOL_FIELDS:
            raise ValueError("this item cannot be switched off")
    if key in _CLOCK_FIELDS:
        return _clock(value)
    if key == "signpost":
        return _signpost(value, current)
    if key == "reminder_offsets_days":
        return _offsets(value)
    return _scalar(key, value)


def _scalar(key: str, value: Any) -> Any:
    """A date, a switch or a line of text (conduct_body): the overrides that are one value."""
    if key == "reviewed_on":
        if not isinstance(value, date):
            raise ValueError(f"expected a date such as 2026-11-30, got {value!r}")
        return value
    if key in _BOOL_FIELDS:
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    if not isinstance(value, str) or not value.strip():  # conduct_body
        raise ValueError(f"expected text, got {value!r}")
    return value.strip()


def _clock(value: Any) -> Clock:
    if isinstance(value, Clock):
        return value
    if not isinstance(value, Mapping):
        raise TypeError(
            f'expected a table such as {{amount = 3, unit = "working_days"}}, got {value!r}')
    extra = set(value) - {"amount", "unit"}
    if extra or not {"amount", "unit"} <= set(value):
        raise ValueError(f"a clock needs exactly the keys amount and unit, got {sorted(value)}")
    return Clock(value["amount"], value["unit"])


def _signpost(value: Any, current: Signpost | None) -> Signpost:
    if isinstance(value, Signpost):
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a table of signpost fields, got {value!r}")
    known = [f.name for f in fields(Signpost)]
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise ValueError(
            f"unknown signpost field(s) {', '.join(unknown)} (known: {', '.join(known)})")
    merged = {f: getattr(current, f) for f in known} if current else {"referral_months": None}
    merged.update(value)
    required = [f.name for f in fields(Signpost) if f.default is MISSING]
    missing = [f for f in required if f not in merged]
    if missing:
        raise ValueError(f"this profile has no signpost to extend; also give {', '.join(missing)}")
    _count_or_off(merged, "referral_months", "months")
    for name in ("time_limit_text", "non_clients", "leaflet_name", "leaflet_url"):
        if merged.get(name) is False:
            merged[name] = None
    _count_or_off(merged, "time_limit_years", "years")
    return Signpost(**merged)


def _count_or_off(merged: dict[str, Any], name: str, unit: str) -> None:
    """A signpost's period is a whole number of `unit` >= 1, or false (TOML's "none")."""
    value = merged.get(name)
    if value is False:
        merged[name] = None
    elif value is not None and not _is_count(value):
        raise ValueError(f"{name} must be a whole number of {unit} >= 1, got {value!r}")


def _is_count(value: Any) -> bool:
    """A whole number >= 1; TOML's true is an int to Python, and never a count."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _offsets(value: Any) -> tuple[int, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise TypeError(f"expected a list of whole days such as [14, 7, 2], got {value!r}")
    for item in value:
        if not _is_count(item):
            raise ValueError(f"each offset must be a whole number of days >= 1, got {item!r}")
    return tuple(sorted(set(value), reverse=True))

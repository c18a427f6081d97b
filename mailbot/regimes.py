"""Which rules apply to which case: the regime (policy profile and calendar) is the case's.

A firm may do legal work and FCA-regulated work (consumer credit, claims management), or have
offices in England and in Scotland: its complaints then fall under different regimes, each
with its own ombudsman, letters and clocks, and its own public holidays. So a case carries
its profile's name (`cases.profile`), chosen when it opens: by the first routing rule that
matches (the address the mail was sent to, else the handler it was assigned to), else the
firm's own profile. A handler can change it later (`regime NAME`).

A profile must fit the calendar its clocks count on (review F23): Scottish rules on an
English calendar count Easter Monday as a holiday and miss St Andrew's Day, and Great
Britain without a subdivision has no Easter Monday or August bank holiday at all. For GB
without a subdivision the profile implies one where it can (ew_* -> ENG, scot_slcc -> SCT);
anything else that does not fit is a configuration error, named with its fix.

Pure: standard library, `holidays` (through working_days) and the profiles.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from .errors import ConfigError
from .profiles import PROFILES, Profile, get_profile
from .working_days import WorkingCalendar

# The profile's home jurisdiction: the countries (and GB subdivisions) its rules are written for.
_HOME: dict[str, tuple[str, frozenset[str] | None]] = {
    "ew_sra": ("GB", frozenset({"ENG", "WLS"})),
    "ew_clc": ("GB", frozenset({"ENG", "WLS"})),
    "scot_slcc": ("GB", frozenset({"SCT"})),
    "ie_lsra": ("IE", None),
    "fca_disp": ("GB", None),  # the FOS covers the whole UK
}
_IMPLIED_GB = {"ew_sra": "ENG", "ew_clc": "ENG", "scot_slcc": "SCT"}
_GB_NAMES = {"ENGLAND": "ENG", "SCOTLAND": "SCT", "WALES": "WLS", "NORTHERN IRELAND": "NIR"}


def calendar_for(profile: str, country: str, subdivision: str | None) -> tuple[str, str | None]:
    """The (country, subdivision) a profile's clocks count on; ConfigError saying why it cannot."""
    country = country.upper()
    sub = _GB_NAMES.get(subdivision.upper(), subdivision.upper()) if subdivision else None
    if country == "GB" and sub is None:
        sub = _IMPLIED_GB.get(profile)
        if sub is None:
            raise ConfigError([f"profile {profile}: country GB needs a subdivision (ENG, WLS, "
                               "SCT or NIR): without one the public holidays lack Easter Monday "
                               "and the August bank holiday"])
    home = _HOME.get(profile)
    if home is not None:
        want_country, want_subs = home
        if country != want_country or (want_subs is not None and sub not in want_subs):
            subs = f" with subdivision {' or '.join(sorted(want_subs))}" if want_subs else ""
            got = country + (f"/{sub}" if sub else "")
            raise ConfigError([f"profile {profile} needs a calendar for {want_country}{subs}, "
                               f"not {got}: its clocks would count the wrong public holidays"])
    return country, sub


@dataclass(frozen=True)
class Regime:
    """One set of rules a case can fall under: its profile and the calendar its clocks use."""

    profile: Profile
    calendar: WorkingCalendar

    @property
    def name(self) -> str:
        """The profile's name, which a case stores to say which rules it is under."""
        return self.profile.name


@dataclass(frozen=True)
class RegimeRule:
    """A configured regime: when new cases fall under it, and how it differs from the firm's."""

    profile: str
    recipients: frozenset[str] = frozenset()  # mail sent to any of these addresses
    handlers: frozenset[str] = frozenset()  # cases assigned to any of these handlers
    country: str | None = None
    subdivision: str | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Regimes:
    """Every regime a firm's cases can be under, and how a new case finds its own."""

    default: Regime
    rules: tuple[RegimeRule, ...]
    known: Mapping[str, Regime]  # every regime a case may be put under, the default included
    # profile -> why no new case can be put under it, and its regime on the firm's calendar for
    # cases already under it
    unfit: Mapping[str, str] = field(default_factory=dict)
    fallback: Mapping[str, Regime] = field(default_factory=dict)

    def get(self, name: str | None) -> Regime:
        """The regime a case's stored profile names (the firm's default when it names none).

        A case already under a profile this firm's configuration no longer fits (a regime entry
        removed) keeps its profile, counted on the firm's calendar, rather than stopping the tick
        or a report: `problem` refuses to put any new case under it.
        """
        if not name or name == self.default.name:
            return self.default
        regime = self.known.get(name) or self.fallback.get(name)
        return regime if regime is not None else self.default

    def problem(self, name: str) -> str | None:
        """Why a case cannot be put under profile `name`, or None."""
        if name not in PROFILES:
            return f"unknown regime {name!r} (choose one of: {', '.join(PROFILES)})"
        if name in self.known:
            return None
        return self.unfit.get(name, f"no regime {name!r} is configured")

    def for_new_case(self, recipients: Collection[str], handler: str | None) -> Regime:
        """The first rule that matches the addresses the mail was sent to, then the handler's."""
        addresses = {a.lower() for a in recipients}
        for rule in self.rules:
            if addresses & rule.recipients:
                return self.get(rule.profile)
        for rule in self.rules:
            if handler and handler.lower() in rule.handlers:
                return self.get(rule.profile)
        return self.default

    def names(self) -> list[str]:
        """The regimes a case may be put under, for the 'choose one of' in a refusal."""
        return list(self.known)


def build_regimes(*, profile: str, overrides: Mapping[str, Any] | None, country: str,
                  subdivision: str | None, timezone: str, closed_days: Iterable[date] = (),
                  rules: Iterable[RegimeRule] = (), leaflet_url: str | None = None) -> Regimes:
    """Every regime from the firm's settings; every problem is reported at once (ConfigError).

    Profiles without a rule are available too (for `regime NAME`) when they fit the firm's own
    calendar, with their shipped figures; a firm that wants to change them adds a rule.
    """
    build = _Builder(timezone, frozenset(closed_days), leaflet_url)
    default = build.make(profile, overrides, country, subdivision, "firm")
    known: dict[str, Regime] = {profile: default} if default else {}
    if default is not None:  # other regimes start from the firm's calendar as resolved for it
        country, subdivision = default.calendar.country, default.calendar.subdivision
    rule_list = tuple(rules)
    seen = {profile}
    for i, rule in enumerate(rule_list):
        if rule.profile in seen:
            build.problems.append(
                f"regimes[{i}].profile: {rule.profile} is listed twice (the firm's own profile "
                "takes [deadlines]; list each other regime once)")
            continue
        seen.add(rule.profile)
        made = build.make(rule.profile, rule.overrides, rule.country or country,
                          rule.subdivision or subdivision, f"regimes[{i}]")
        if made is not None:
            known[rule.profile] = made
    if build.problems or default is None:
        raise ConfigError(build.problems)
    unfit, fallback = _unconfigured(build, seen, country, subdivision, default, known)
    return Regimes(default, rule_list, known, unfit, fallback)


def _unconfigured(build: _Builder, seen: set[str], country: str, subdivision: str | None,
                  default: Regime, known: dict[str, Regime]
                  ) -> tuple[dict[str, str], dict[str, Regime]]:
    """The profiles no rule names: usable when they fit the firm's calendar (added to `known`),
    else why not, with a fallback on the firm's calendar for cases already under them."""
    unfit: dict[str, str] = {}
    fallback: dict[str, Regime] = {}
    for name in PROFILES:
        if name in seen:
            continue
        made = build.make(name, None, country, subdivision, "firm")
        if made is None:
            why = build.problems.pop().removeprefix("firm: ")
            unfit[name] = (f"{why}; to use it, add a [[regimes]] entry with profile = \"{name}\" "
                           "and its country and subdivision")
            fallback[name] = Regime(get_profile(name), default.calendar)
        else:
            known[name] = made
    return unfit, fallback


@dataclass
class _Builder:
    """Makes one regime at a time and collects every problem, so the firm sees them all at once."""

    timezone: str
    closed: frozenset[date]
    leaflet_url: str | None
    problems: list[str] = field(default_factory=list)

    def make(self, name: str, extra: Mapping[str, Any] | None, country: str,
             subdivision: str | None, where: str) -> Regime | None:
        """The regime, or None with its problems recorded under `where` (a config key)."""
        try:
            prof = get_profile(name, extra or None)
        except ConfigError as exc:
            prefix = "[deadlines]" if where == "firm" else f"{where}.deadlines"
            self.problems.extend(f"{prefix} {p}" for p in exc.problems)
            return None
        try:
            c, s = calendar_for(name, country, subdivision)
            cal = WorkingCalendar(c, s, self.timezone, closed_days=self.closed)
        except ConfigError as exc:
            self.problems.extend(f"{where}: {p}" for p in exc.problems)
            return None
        if prof.signpost is not None and prof.signpost.leaflet_name and self.leaflet_url:
            prof = replace(prof, signpost=replace(prof.signpost, leaflet_url=self.leaflet_url))
        return Regime(prof, cal)

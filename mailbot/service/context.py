"""The things every use case needs, built once by the CLI and passed in explicitly."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

from ..compose import Letters
from ..config import Config
from ..working_days import WorkingCalendar
from ..profiles import Profile
from ..regimes import Regime, Regimes
from ..store import Store
from ..triage import Prediction, Suggestion, suggest

log = logging.getLogger("mailbot")


class Classifier(Protocol):
    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """One prediction per text, in order."""


@dataclass(frozen=True)
class Triage:
    """The classifier (optional: without one, rules still run and a person picks the category)."""

    classifier: Classifier | None
    country: str
    subdivision: str | None
    timezone: str

    def predict_batch(self, texts: Sequence[str]) -> dict[str, Prediction]:
        """A batch classified in one call, before its messages are decided one by one: the
        model's cost per call dwarfs its cost per text (tests/bench/README.md). The caller hands
        the result to `suggest` for each message; nothing is kept here."""
        wanted = [t for t in dict.fromkeys(texts) if t.strip()]
        return dict(zip(wanted,
                        self.classifier.predict(wanted))) if self.classifier and wanted else {}

    def suggest(self, text: str, message_date: datetime,
                predicted: Mapping[str, Prediction] | None = None) -> Suggestion:
        """The triage suggestion for one message, from the batch's predictions where it was
        classified with them."""
        prediction = None
        if self.classifier and text.strip():
            prediction = (predicted or {}).get(text) or self.classifier.predict([text])[0]
        return suggest(text, message_date, prediction, country=self.country,
                       subdivision=self.subdivision, timezone=self.timezone)


@dataclass
class App:
    config: Config
    store: Store
    letters: Letters
    triage: Triage
    regimes: Regimes = field(init=False)
    # The firm's default regime's profile and calendar; a case has its own (regime_of).
    profile: Profile = field(init=False)
    calendar: WorkingCalendar = field(init=False)

    def __post_init__(self) -> None:
        self.regimes = self.config.build_regimes()
        self.profile = self.regimes.default.profile
        self.calendar = self.regimes.default.calendar

    def regime(self, name: str | None) -> Regime:
        """The regime a case's stored profile names: its profile, and its clocks' calendar."""
        return self.regimes.get(name)

    def regime_of(self, case: Any) -> Regime:
        """The regime a case is under (its stored profile); a case under no longer configured
        rules keeps them."""
        return self.regimes.get(getattr(case, "profile", None))

    @property
    def handler_addresses(self) -> frozenset[str]:
        """Every address a handler sends from, aliases included (Config.handler_addresses)."""
        return self.config.handler_addresses

    @property
    def own_addresses(self) -> tuple[str, ...]:
        """The firm's own addresses: mail from them is ours, never a complaint."""
        return (self.config.firm.complaints_address.lower(),)

    @property
    def data_dir(self) -> Path:
        """Where mailbot keeps its files (SQLite database, key, models)."""
        return Path(self.config.paths.data_dir)
